using Hoist.Contracts;
using Hoist.Server.CloudAccounts;
using Shouldly;
using Xunit;

namespace Hoist.Server.Tests;

public sealed class KubeconfigInspectorTests
{
    const string Valid = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c1
          cluster:
            server: https://10.0.0.1:6443
            certificate-authority-data: QUJD
        contexts:
        - name: ctx1
          context: {cluster: c1, user: u1, namespace: apps}
        - name: ctx2
          context: {cluster: c1, user: u2}
        current-context: ctx1
        users:
        - name: u1
          user:
            token: abc
        - name: u2
          user:
            client-certificate-data: QUJD
            client-key-data: QUJD
        """;

    [Fact]
    public void Inspect_Valid_UsesCurrentContext()
    {
        var result = KubeconfigInspector.Inspect(Valid, null);

        result.Ok.ShouldBeTrue();
        result.Value.ShouldBe(new KubeconfigSummary(result.Value!.Contexts, "ctx1", "https://10.0.0.1:6443", "apps", "token"));
        result.Value.Contexts.ShouldBe(["ctx1", "ctx2"]);
    }

    [Fact]
    public void Inspect_ChosenContext_ResolvesItsUser()
    {
        var result = KubeconfigInspector.Inspect(Valid, "ctx2");

        result.Value!.Context.ShouldBe("ctx2");
        result.Value.UserAuth.ShouldBe("client-certificate");
    }

    [Theory]
    [InlineData("exec:\n      command: aws", "users[u1].user.exec")]
    [InlineData("auth-provider:\n      name: oidc", "users[u1].user.auth-provider")]
    [InlineData("tokenFile: /tmp/t", "users[u1].user.tokenFile")]
    [InlineData("client-key: /k", "users[u1].user.client-key")]
    [InlineData("client-certificate: /c", "users[u1].user.client-certificate")]
    public void Inspect_CommandOrFileReference_RefusedNamingField(string entry, string field)
    {
        var kubeconfig = Valid.Replace("    token: abc", "    " + entry, StringComparison.Ordinal);

        var result = KubeconfigInspector.Inspect(kubeconfig, null);

        result.Problem!.Code.ShouldBe(ProblemCodes.KubeconfigRefused);
        result.Problem.Status.ShouldBe(422);
        result.Problem.Field.ShouldBe(field);
    }

    [Fact]
    public void Inspect_FileReferenceInJsonForm_Refused()
    {
        const string json = """{"apiVersion":"v1","clusters":[{"name":"c","cluster":{"server":"https://x","certificate-authority":"/etc/ca"}}],"contexts":[{"name":"x","context":{"cluster":"c"}}],"current-context":"x"}""";

        KubeconfigInspector.Inspect(json, null).Problem!.Field.ShouldBe("clusters[c].cluster.certificate-authority");
    }

    [Theory]
    [InlineData("a: &anchor 1\nb: *anchor")]
    [InlineData("a: !!binary aGVsbG8=\nb: &x [1]")]
    public void Inspect_Aliases_Refused(string yaml) =>
        KubeconfigInspector.Inspect(yaml, null).Problem!.Code.ShouldBe(ProblemCodes.KubeconfigRefused);

    [Fact]
    public void Inspect_ContextNamingMissingCluster_Invalid()
    {
        var result = KubeconfigInspector.Inspect(Valid.Replace("cluster: c1, user: u1", "cluster: nope, user: u1", StringComparison.Ordinal), null);

        result.Problem!.Code.ShouldBe(ProblemCodes.InvalidKubeconfig);
    }

    [Theory]
    [InlineData("ftp://10.0.0.1")]
    [InlineData("https://user:pw@10.0.0.1")]
    [InlineData("/var/run/k8s.sock")]
    public void CheckServer_NotHttpUrl_Refused(string server) => KubeconfigInspector.CheckServer(server, "server").ShouldNotBeNull();

    [Fact]
    public void Inspect_SandboxStyleEmptyUser_Accepted()
    {
        const string yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster:\n    server: http://127.0.0.1:4000\ncontexts:\n- name: s\n  context:\n    cluster: s\n    user: s\ncurrent-context: s\nusers:\n- name: s\n  user: {}\n";

        KubeconfigInspector.Inspect(yaml, null).Value!.UserAuth.ShouldBe("none");
    }
}
