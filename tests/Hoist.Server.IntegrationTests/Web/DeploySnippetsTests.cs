using Hoist.Server.Web;

namespace Hoist.Server.IntegrationTests.Web;

public sealed class DeploySnippetsTests
{
    static readonly SnippetTarget Target = new()
    {
        ServerUrl = "https://hoist.example.com",
        Application = "acme",
        PipelineName = "shop-web-ci-7",
        CredentialIndex = 7,
        CredentialId = "2f74c95a6441484d9f362bbc461a049b",
        CloudAccountName = "k8s",
        Namespace = "liaohongkun-1",
        Kind = "Deployment",
        WorkloadName = "nginx-deployment-1",
        Container = "nginx",
        ImageRepository = "registry.example.com/shop/web",
    };

    [Fact]
    public void Jenkinsfile_ForATarget_IsCodingsGeneratedStep()
    {
        var jenkinsfile = DeploySnippets.Jenkinsfile(Target);

        jenkinsfile.ShouldContain("stage('部署到远端 Kubernetes 集群')");
        jenkinsfile.ShouldContain(
            "cdDeploy(deployType: 'PATCH_IMAGE', application: '${CCI_CURRENT_TEAM}', pipelineName: '${PROJECT_NAME}-${CCI_JOB_NAME}-7', " +
            "image: 'registry.example.com/shop/web:${DOCKER_IMAGE_VERSION}', cloudAccountName: 'k8s', namespace: 'liaohongkun-1', " +
            "manifestType: 'Deployment', manifestName: 'nginx-deployment-1', containerName: 'nginx', credentialId: '2f74c95a6441484d9f362bbc461a049b')");
    }

    [Fact]
    public void Snippets_QuoteInHostileRepository_StayQuoted()
    {
        var hostile = Target with { ImageRepository = "r.example.com/x'; rm -rf / #" };

        DeploySnippets.Jenkinsfile(hostile).ShouldContain(@"image: 'r.example.com/x\'; rm -rf / #:${DOCKER_IMAGE_VERSION}'");
        DeploySnippets.GitHubActions(hostile).ShouldContain(@"--image 'r.example.com/x'\''; rm -rf / #'"":${{ github.sha }}""");
        DeploySnippets.GitLabCi(hostile).ShouldContain(@"--image 'r.example.com/x'\''; rm -rf / #'"":${CI_COMMIT_SHORT_SHA}""");
    }

    [Fact]
    public void GitHubActions_ForATarget_ReadsTheTokenFromSecretsAndPassesTheBoundPipeline()
    {
        var yaml = DeploySnippets.GitHubActions(Target);

        yaml.ShouldContain("CD_PERSONAL_ACCESS_TOKEN: ${{ secrets.CD_PERSONAL_ACCESS_TOKEN }}");
        yaml.ShouldContain("HOIST_SERVER: \"https://hoist.example.com\"");
        yaml.ShouldContain("--pipeline-name 'shop-web-ci-7'");
        yaml.ShouldContain("--credential-id '2f74c95a6441484d9f362bbc461a049b'");
    }

    [Fact]
    public void Variables_WithToken_MarkOnlyTheTokenSecret()
    {
        var variables = DeploySnippets.Variables(Target, "hoist_pat_abc");

        variables.Where(v => v.Secret).Select(v => v.Name).ShouldBe(["CD_PERSONAL_ACCESS_TOKEN"]);
        variables.Single(v => v.Name == "CD_CREDENTIAL_INDEX").Value.ShouldBe("7");
    }
}
