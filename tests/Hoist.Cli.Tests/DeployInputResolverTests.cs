using Hoist.Cli.Deploy;
using Shouldly;

namespace Hoist.Cli.Tests;

public sealed class DeployInputResolverTests
{
    static readonly CliEnvironment Coding = CliEnvironment.Of(
        ("CCI_CURRENT_TEAM", "demo"),
        ("PROJECT_NAME", "shop"),
        ("CCI_JOB_NAME", "build-and-deploy"),
        ("CD_CREDENTIAL_INDEX", "1"),
        ("CD_CREDENTIAL_ID", "cred-from-env"),
        ("CD_ACCOUNT_NAME", "sandbox"),
        ("CD_NAMESPACE_NAME", "demo"),
        ("CD_MANIFEST_TYPE", "Deployment"),
        ("CD_MANIFEST_NAME", "web"),
        ("CD_CONTAINER_NAME", "nginx"),
        ("CD_PERSONAL_ACCESS_TOKEN", "token-from-env"));

    static DeployInputs Options(params (string Name, string? Value)[] options) =>
        new() { Options = options.ToDictionary(o => o.Name, o => o.Value) };

    [Fact]
    public void Resolve_OnlyImageGiven_TakesEverythingElseFromTheEnvironment()
    {
        var r = DeployInputResolver.Resolve(Options(("image", "nginx:1.27")), Coding);

        r.Errors.ShouldBeEmpty();
        r.Values.ShouldBe(new Dictionary<string, string>
        {
            ["deployType"] = "PATCH_IMAGE",
            ["application"] = "demo",
            ["pipelineName"] = "shop-build-and-deploy-1",
            ["credentialId"] = "cred-from-env",
            ["image"] = "nginx:1.27",
            ["cloudAccountName"] = "sandbox",
            ["namespace"] = "demo",
            ["manifestType"] = "Deployment",
            ["manifestName"] = "web",
            ["containerName"] = "nginx",
        }, ignoreOrder: true);
        r.Token.ShouldBe("token-from-env");
    }

    [Fact]
    public void Resolve_OptionStepAndEnvironment_OptionWinsThenStepThenEnvironment()
    {
        var inputs = Options(("namespace", "from-option")) with
        {
            Step = "cdDeploy(namespace: 'from-step', manifestName: 'from-step', image: 'a:1', personalAccessToken: 'token-from-step')",
        };

        var r = DeployInputResolver.Resolve(inputs, Coding);

        r.Values["namespace"].ShouldBe("from-option");
        r.Values["manifestName"].ShouldBe("from-step");
        r.Values["containerName"].ShouldBe("nginx");
        r.Token.ShouldBe("token-from-step");
    }

    [Fact]
    public void Resolve_TokenOption_BeatsStepAndEnvironment()
    {
        var inputs = Options(("image", "a:1")) with { Step = "cdDeploy(personalAccessToken: 'step')", Token = "option" };

        DeployInputResolver.Resolve(inputs, Coding).Token.ShouldBe("option");
    }

    [Fact]
    public void Resolve_NothingGiven_NamesEachOptionAndItsEnvironmentVariable()
    {
        var r = DeployInputResolver.Resolve(new DeployInputs(), CliEnvironment.Of(("PROJECT_NAME", "shop")));

        r.Errors.ShouldBe(
        [
            "missing --application (or the environment variable CCI_CURRENT_TEAM)",
            "missing --pipeline-name (or the environment variables PROJECT_NAME, CCI_JOB_NAME and CD_CREDENTIAL_INDEX, which make ${PROJECT_NAME}-${CCI_JOB_NAME}-${CD_CREDENTIAL_INDEX}; not set: CCI_JOB_NAME, CD_CREDENTIAL_INDEX)",
            "missing --credential-id (or the environment variable CD_CREDENTIAL_ID)",
            "missing --image (it has no environment default)",
            "missing --cloud-account-name (or the environment variable CD_ACCOUNT_NAME)",
            "missing --namespace (or the environment variable CD_NAMESPACE_NAME)",
            "missing --manifest-type (or the environment variable CD_MANIFEST_TYPE)",
            "missing --manifest-name (or the environment variable CD_MANIFEST_NAME)",
            "missing --container-name (or the environment variable CD_CONTAINER_NAME)",
            "missing the token: --token (or the environment variable CD_PERSONAL_ACCESS_TOKEN, a personal access token with scope project:deployment)",
        ]);
    }

    [Fact]
    public void Resolve_EmptyEnvironmentVariable_CountsAsUnset()
    {
        var env = CliEnvironment.Of(("CD_NAMESPACE_NAME", ""));

        DeployInputResolver.Resolve(new DeployInputs(), env).Errors.ShouldContain("missing --namespace (or the environment variable CD_NAMESPACE_NAME)");
    }

    [Fact]
    public void Resolve_StepWithUnsetVariable_ReportsItOnlyWhenTheValueIsUsed()
    {
        var step = "cdDeploy(image: '${UNSET_TAG}', namespace: '${UNSET_NS}')";

        var overridden = DeployInputResolver.Resolve(Options(("image", "a:1")) with { Step = step }, Coding);

        overridden.Errors.ShouldBe(["--step: at column 45: UNSET_NS is not set in the environment (used by namespace)"]);
    }

    [Fact]
    public void Resolve_StepSyntaxError_IsTheOnlyError()
    {
        var r = DeployInputResolver.Resolve(new DeployInputs { Step = "cdDeploy(image: 'a' x)" }, CliEnvironment.Of());

        r.Errors.ShouldBe(["--step: at column 21: expected ',' or ')' but found 'x'"]);
    }

    [Fact]
    public void ToRequest_Flags_AreSentOnlyWhenSet()
    {
        var inputs = Options(("image", "a:1")) with { RollbackOnFailure = true, Timeout = TimeSpan.FromSeconds(90.5) };

        var request = DeployInputResolver.Resolve(inputs, Coding).ToRequest(inputs, Coding);

        request.RollbackOnFailure.ShouldBe(true);
        request.RestartIfUnchanged.ShouldBeNull();
        request.TimeoutSeconds.ShouldBe(91);
        request.Build!.ProjectName.ShouldBe("shop");
        request.Build.JobName.ShouldBe("build-and-deploy");
    }
}
