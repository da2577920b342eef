using Hoist.Cli.Deploy;
using Hoist.Contracts;
using Shouldly;

namespace Hoist.Cli.Tests;

public sealed class BuildIdentityTests
{
    static readonly DeployRequest Request = new()
    {
        DeployType = "PATCH_IMAGE", Application = "demo", PipelineName = "shop-build-and-deploy-1", CredentialId = "c1",
        Image = "nginx:1.27", CloudAccountName = "sandbox", Namespace = "demo", ManifestType = "Deployment",
        ManifestName = "web", ContainerName = "nginx", TimeoutSeconds = 600,
    };

    static readonly CliEnvironment Build17 = CliEnvironment.Of(("PROJECT_NAME", "shop"), ("JOB_ID", "7"), ("CCI_JOB_NAME", "build-and-deploy"), ("CI_BUILD_NUMBER", "17"));

    [Fact]
    public void IdempotencyKey_SameBuildAndParameters_IsStable()
    {
        var first = BuildIdentity.IdempotencyKey(Request, Build17);
        var retried = BuildIdentity.IdempotencyKey(Request with { Build = new BuildProvenance { BuildUrl = "https://ci/other-agent" } }, Build17);

        retried.ShouldBe(first);
        first.ShouldMatch("^hoist-deploy-[0-9a-f]{64}$");
    }

    [Fact]
    public void IdempotencyKey_AnotherBuildNumber_Differs()
    {
        var build18 = CliEnvironment.Of(("PROJECT_NAME", "shop"), ("JOB_ID", "7"), ("CCI_JOB_NAME", "build-and-deploy"), ("CI_BUILD_NUMBER", "18"));

        BuildIdentity.IdempotencyKey(Request, build18).ShouldNotBe(BuildIdentity.IdempotencyKey(Request, Build17));
    }

    [Fact]
    public void IdempotencyKey_AnotherImage_Differs()
    {
        BuildIdentity.IdempotencyKey(Request with { Image = "nginx:1.28" }, Build17).ShouldNotBe(BuildIdentity.IdempotencyKey(Request, Build17));
    }

    [Fact]
    public void IdempotencyKey_RestartRollbackOrTimeoutChanged_Differs()
    {
        var key = BuildIdentity.IdempotencyKey(Request, Build17);

        BuildIdentity.IdempotencyKey(Request with { RestartIfUnchanged = true }, Build17).ShouldNotBe(key);
        BuildIdentity.IdempotencyKey(Request with { RollbackOnFailure = true }, Build17).ShouldNotBe(key);
        BuildIdentity.IdempotencyKey(Request with { TimeoutSeconds = 1200 }, Build17).ShouldNotBe(key);
    }

    [Fact]
    public void IdempotencyKey_GitHubReRunAttempt_Differs()
    {
        var attempt1 = CliEnvironment.Of(("GITHUB_REPOSITORY", "o/r"), ("GITHUB_RUN_ID", "99"), ("GITHUB_RUN_ATTEMPT", "1"));
        var attempt2 = CliEnvironment.Of(("GITHUB_REPOSITORY", "o/r"), ("GITHUB_RUN_ID", "99"), ("GITHUB_RUN_ATTEMPT", "2"));

        BuildIdentity.IdempotencyKey(Request, attempt2).ShouldNotBe(BuildIdentity.IdempotencyKey(Request, attempt1));
        BuildIdentity.IdempotencyKey(Request, attempt1).ShouldBe(BuildIdentity.IdempotencyKey(Request, attempt1));
    }

    [Fact]
    public void IdempotencyKey_NoBuildInTheEnvironment_IsRandomPerInvocation()
    {
        var shell = CliEnvironment.Of(("PROJECT_NAME", "shop"), ("CCI_JOB_NAME", "build-and-deploy"));

        var a = BuildIdentity.IdempotencyKey(Request, shell);
        var b = BuildIdentity.IdempotencyKey(Request, shell);

        a.ShouldNotBe(b);
        a.ShouldStartWith("hoist-deploy-r-");
    }

    [Fact]
    public void IdempotencyKey_ValueWithNewline_DoesNotCollideWithSplitValues()
    {
        var a = Request with { Application = "demo\nnamespace=x" };
        var b = Request with { Application = "demo", Namespace = "x" };

        BuildIdentity.IdempotencyKey(a, Build17).ShouldNotBe(BuildIdentity.IdempotencyKey(b, Build17));
    }

    [Fact]
    public void Provenance_GitHubActions_BuildsTheRunUrlAndTakesCommitAndRunNumber()
    {
        var env = CliEnvironment.Of(("GITHUB_SERVER_URL", "https://github.com"), ("GITHUB_REPOSITORY", "o/r"), ("GITHUB_RUN_ID", "99"),
            ("GITHUB_RUN_ATTEMPT", "2"), ("GITHUB_SHA", "abc"), ("GITHUB_RUN_NUMBER", "12"));

        var p = BuildIdentity.Provenance(env)!;

        p.BuildUrl.ShouldBe("https://github.com/o/r/actions/runs/99/attempts/2");
        p.GitCommit.ShouldBe("abc");
        p.BuildNumber.ShouldBe("12");
        p.ProjectName.ShouldBeNull();
    }

    [Fact]
    public void Provenance_CodingAndJenkins_PrefersCodingVariables()
    {
        var env = CliEnvironment.Of(("PROJECT_NAME", "shop"), ("JOB_ID", "7"), ("CCI_JOB_NAME", "bd"), ("CI_BUILD_NUMBER", "17"),
            ("BUILD_NUMBER", "3"), ("GIT_COMMIT", "abc"), ("BUILD_URL", "https://ci/job/17/"), ("CI_JOB_URL", "https://gitlab/job"));

        BuildIdentity.Provenance(env).ShouldBe(new BuildProvenance
        {
            ProjectName = "shop", JobId = "7", JobName = "bd", BuildNumber = "17", GitCommit = "abc", BuildUrl = "https://ci/job/17/",
        });
    }

    [Fact]
    public void Provenance_GitLab_UsesJobUrl()
    {
        BuildIdentity.Provenance(CliEnvironment.Of(("CI_JOB_URL", "https://gitlab/job/5"), ("CI_COMMIT_SHA", "def")))!
            .ShouldBe(new BuildProvenance { BuildUrl = "https://gitlab/job/5", GitCommit = "def" });
    }

    [Fact]
    public void Provenance_NothingKnown_IsNull()
    {
        BuildIdentity.Provenance(CliEnvironment.Of()).ShouldBeNull();
    }
}
