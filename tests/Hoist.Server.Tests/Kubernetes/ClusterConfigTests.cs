using Hoist.Server.Kubernetes;
using Shouldly;

namespace Hoist.Server.Tests.Kubernetes;

/// <summary>How a stored cloud-account connection becomes a KubernetesClient configuration.</summary>
public class ClusterConfigTests
{
    static string Kubeconfig(string user, string cluster = "    server: https://k8s.example.com:6443") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
        {cluster}
        contexts:
        - name: main
          context:
            cluster: c
            user: u
            namespace: shop
        current-context: main
        users:
        - name: u
          user:{user}
        """;

    [Theory]
    [InlineData(" {}")]
    [InlineData("")]
    public void BuildConfig_UserWithoutCredentials_SendsNoAuthorizationAsKubectlDoes(string user)
    {
        var config = KubernetesClusterGateway.BuildConfig(new ClusterConnection { Kubeconfig = Kubeconfig(user) });

        config.Host.ShouldBe("https://k8s.example.com:6443");
        config.Namespace.ShouldBe("shop");
        config.AccessToken.ShouldBeNull();
        config.TokenProvider.ShouldBeNull();
        config.Username.ShouldBeNull();
        config.Password.ShouldBeNull();
        config.ClientCertificateData.ShouldBeNull();
        config.ClientCertificateKeyData.ShouldBeNull();
    }

    [Fact]
    public void BuildConfig_UserWithAToken_KeepsIt()
    {
        var config = KubernetesClusterGateway.BuildConfig(new ClusterConnection { Kubeconfig = Kubeconfig("\n    token: abc123"), Context = "main" });

        config.AccessToken.ShouldBe("abc123");
    }

    [Fact]
    public void BuildConfig_ExecUser_IsRefusedWithoutRunningTheCommand()
    {
        var marker = Path.Combine(Path.GetTempPath(), "hoist-exec-ran-" + Guid.NewGuid().ToString("N"));
        var exec = $"\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /usr/bin/touch\n      args: [\"{marker}\"]";

        var e = Should.Throw<ClusterUnreachableException>(() => KubernetesClusterGateway.BuildConfig(new ClusterConnection { Kubeconfig = Kubeconfig(exec) }));

        e.Message.ShouldContain("runs a command");
        File.Exists(marker).ShouldBeFalse();
    }

    [Theory]
    [InlineData("\n    auth-provider:\n      name: oidc\n      config:\n        id-token: x\n        client-id: y\n        idp-issuer-url: https://idp.example.com\n        refresh-token: z", "    server: https://k8s.example.com", "runs a command or an auth provider")]
    [InlineData("\n    client-certificate: /etc/hoist/cert.pem\n    client-key: /etc/hoist/key.pem", "    server: https://k8s.example.com", "key or certificate file")]
    [InlineData(" {}", "    server: https://k8s.example.com\n    certificate-authority: /etc/ssl/ca.pem", "certificate file")]
    public void BuildConfig_ReferenceToACommandOrAFile_IsRefused(string user, string cluster, string message)
    {
        var e = Should.Throw<ClusterUnreachableException>(() => KubernetesClusterGateway.BuildConfig(new ClusterConnection { Kubeconfig = Kubeconfig(user, cluster) }));

        e.Message.ShouldContain(message);
    }

    [Fact]
    public void BuildConfig_UserWithOnlyHalfACredential_IsStillAnError()
    {
        // A username without its password is a mistake, not anonymous access: KubernetesClient's refusal stands.
        var e = Should.Throw<ClusterUnreachableException>(() => KubernetesClusterGateway.BuildConfig(new ClusterConnection { Kubeconfig = Kubeconfig("\n    username: admin") }));

        e.Message.ShouldBe("the cluster connection settings could not be used (KubeConfigException)");
    }
}
