using System.Net;
using Hoist.Cli.Api;
using Hoist.Cli.Output;
using Hoist.Cli.Tests.Fakes;
using Hoist.Contracts;
using Shouldly;

namespace Hoist.Cli.Tests;

public sealed class VerdictsTests
{
    static readonly Uri Server = new("http://hoist.example:8080/");

    [Theory]
    [InlineData(ReleaseStatus.Succeeded, FailureReason.None, 0)]
    [InlineData(ReleaseStatus.Failed, FailureReason.ImagePullFailed, 3)]
    [InlineData(ReleaseStatus.Failed, FailureReason.ProgressDeadlineExceeded, 3)]
    [InlineData(ReleaseStatus.RolledBack, FailureReason.CrashLoop, 3)]
    [InlineData(ReleaseStatus.Cancelled, FailureReason.Cancelled, 3)]
    [InlineData(ReleaseStatus.TimedOut, FailureReason.TimedOut, 4)]
    [InlineData(ReleaseStatus.RolledBack, FailureReason.TimedOut, 4)]
    public void ExitCode_FinalStatus_MapsToTheContract(ReleaseStatus status, FailureReason reason, int expected)
    {
        Verdicts.ExitCode(Releases.Release(1, status, reason)).ShouldBe(expected);
    }

    [Fact]
    public void Line_FailedRelease_HasStatusReasonMessageAndAbsolutePage()
    {
        var line = Verdicts.Line(Releases.Release(42, ReleaseStatus.Failed, FailureReason.ImagePullFailed, "Back-off pulling image \"nginx:nonexistent\""), Server);

        line.ShouldBe("hoist: release 42 Failed (ImagePullFailed): Back-off pulling image \"nginx:nonexistent\" — http://hoist.example:8080/releases/42");
    }

    [Fact]
    public void Line_MessageWithEscapeSequences_IsNeutralised()
    {
        var line = Verdicts.Line(Releases.Release(1, ReleaseStatus.Failed, message: "bad\u001b[2Jthing\nnext\u202eevil"), Server);

        line.ShouldContain("bad\\u001b[2Jthing next\\u202eevil");
    }

    [Fact]
    public void PageUrl_ServerWithPathAndAbsoluteUrl_AreBothHandled()
    {
        Verdicts.PageUrl("/releases/3", new Uri("https://ci.example.com/hoist/")).ShouldBe("https://ci.example.com/hoist/releases/3");
        Verdicts.PageUrl("https://hoist.public/releases/3", Server).ShouldBe("https://hoist.public/releases/3");
    }

    [Theory]
    [InlineData(3, 2, 3, 0, new[] { "ContainerCreating" }, "2/3 updated, 3 available, 1 waiting: ContainerCreating")]
    [InlineData(3, 3, 3, 0, new string[0], "3/3 updated, 3 available")]
    [InlineData(3, 1, 2, 2, new[] { "ImagePullBackOff" }, "1/3 updated, 2 available, 2 old, 1 waiting: ImagePullBackOff")]
    [InlineData(4, 3, 1, 1, new[] { "ErrImagePull", "ImagePullBackOff", "ImagePullBackOff" }, "3/4 updated, 1 available, 1 old, 3 waiting: ErrImagePull, ImagePullBackOff ×2")]
    public void Progress_Counts_ReadAsOneLine(int desired, int updated, int available, int old, string[] waiting, string expected)
    {
        Verdicts.Progress(new RolloutProgressDto(desired, updated, updated, available, old, waiting)).ShouldBe(expected);
    }
}

public sealed class ProblemReporterTests
{
    static ApiProblem Problem(int status, string body) => ApiProblem.From((HttpStatusCode)status, "Reason", body);

    static readonly DeployRequest Request = new()
    {
        CredentialId = "2f74c95a6441484d9f362bbc461a049b", PipelineName = "shop-copy-of-build-1",
        ManifestType = "Deployment", Namespace = "demo", ManifestName = "web",
    };

    [Fact]
    public void Report_BuildPlanMismatch_NamesTheCredentialsPlanAndHowToGetOne()
    {
        var error = new StringWriter();
        var problem = Problem(403, """{"title":"凭据错误：构建计划越权","detail":"credential error: build plan overreach","status":403,"code":"credential_build_plan_mismatch","field":"pipelineName","expected":"shop-build-and-deploy-1","buildPlan":"build-and-deploy","project":"shop","pipeline":"shop-build-and-deploy-1","reissueUrl":"/api/v1/credentials/2f74/reissue"}""");

        var code = ProblemReporter.Report(problem, error, Request, new Uri("https://hoist.example.com/"));

        code.ShouldBe(5);
        var text = error.ToString();
        text.ShouldContain("rejected by the server (403 credential_build_plan_mismatch): 凭据错误：构建计划越权");
        text.ShouldContain("credential error: build plan overreach");
        text.ShouldContain("The credential 2f74c95a6441484d9f362bbc461a049b belongs to build plan 'build-and-deploy' of project 'shop' (pipeline 'shop-build-and-deploy-1'); this step deploys as pipeline 'shop-copy-of-build-1'.");
        text.ShouldContain("\"Deploy to Kubernetes\" template");
        text.ShouldContain("CD_CREDENTIAL_ID and CD_CREDENTIAL_INDEX");
        text.ShouldContain("re-issue the credential for this build plan: POST https://hoist.example.com/api/v1/credentials/2f74/reissue");
    }

    [Fact]
    public void Report_ContainerNotFoundWithListInExpected_ListsThem()
    {
        var error = new StringWriter();
        var problem = Problem(422, """{"title":"Container not found","status":422,"code":"container_not_found","field":"containerName","expected":["nginx","log-shipper"]}""");

        ProblemReporter.Report(problem, error, Request);

        error.ToString().ShouldContain("Containers in Deployment demo/web: nginx, log-shipper — pass one of them as --container-name");
    }

    [Fact]
    public void Report_ScopeInExpected_NamesIt()
    {
        var error = new StringWriter();

        ProblemReporter.Report(Problem(403, """{"title":"Token scope missing","status":403,"code":"scope_missing","expected":["project:deployment"]}"""), error);

        error.ToString().ShouldContain("The token lacks the scope 'project:deployment'");
    }

    [Fact]
    public void Report_IdempotencyKeyReused_PointsAtTheEarlierReleaseAndTheOverride()
    {
        var error = new StringWriter();

        ProblemReporter.Report(Problem(409, """{"title":"Idempotency key reused","status":409,"code":"idempotency_key_reused","releaseId":41}"""), error).ShouldBe(5);

        error.ToString().ShouldContain("(release 41; follow it with: hoist release wait 41). To deploy again from the same build, pass --idempotency-key");
    }

    [Fact]
    public void Report_ContainerNotFound_ListsTheContainersThatExist()
    {
        var error = new StringWriter();
        var problem = Problem(422, """{"title":"Container not found","status":422,"code":"container_not_found","field":"containerName","containers":["nginx","log-shipper"],"initContainers":["migrate"]}""");

        ProblemReporter.Report(problem, error, Request).ShouldBe(5);

        error.ToString().ShouldContain("Containers in Deployment demo/web: nginx, log-shipper; init containers: migrate");
        error.ToString().ShouldContain("field: containerName");
    }

    [Fact]
    public void Report_ScopeMissing_NamesTheScope()
    {
        var error = new StringWriter();

        ProblemReporter.Report(Problem(403, """{"title":"Forbidden","status":403,"code":"scope_missing","scope":"project:deployment"}"""), error).ShouldBe(5);

        error.ToString().ShouldContain("The token lacks the scope 'project:deployment'");
    }

    [Fact]
    public void Report_FieldAndExpected_ArePrinted()
    {
        var error = new StringWriter();

        ProblemReporter.Report(Problem(422, """{"title":"Unsupported kind","status":422,"code":"unsupported_workload_kind","field":"manifestType","expected":["Deployment","StatefulSet"]}"""), error);

        error.ToString().ShouldContain("field: manifestType; expected Deployment, StatefulSet");
    }

    [Theory]
    [InlineData(400, 5)]
    [InlineData(401, 5)]
    [InlineData(404, 5)]
    [InlineData(409, 5)]
    [InlineData(422, 5)]
    [InlineData(429, 2)]
    [InlineData(503, 2)]
    public void Report_Status_MapsToExitCode(int status, int expected)
    {
        ProblemReporter.Report(Problem(status, "{}"), new StringWriter()).ShouldBe(expected);
    }

    [Fact]
    public void From_HtmlErrorPage_KeepsOnlyItsStart()
    {
        var p = ApiProblem.From(HttpStatusCode.Forbidden, "Forbidden", "<html>" + new string('x', 1000) + "</html>");

        p.Title.ShouldBe("Forbidden");
        p.Code.ShouldBeNull();
        p.Detail!.Length.ShouldBeLessThanOrEqualTo(201);
    }

    [Fact]
    public void From_NestedExtensions_AreRead()
    {
        var p = ApiProblem.From(HttpStatusCode.Forbidden, null, """{"title":"t","extensions":{"code":"scope_missing","scope":"project:deployment"}}""");

        p.Code.ShouldBe("scope_missing");
        p.String("scope").ShouldBe("project:deployment");
    }
}

public sealed class SseParserTests
{
    [Fact]
    public void Feed_EventWithIdTypeAndMultiLineData_IsDispatchedOnBlankLine()
    {
        var parser = new SseParser();
        ServerSentEvent?[] results = [parser.Feed("id: 7"), parser.Feed("event: progress"), parser.Feed("data: {\"a\":"), parser.Feed("data:1}"), parser.Feed("")];

        results[..4].ShouldAllBe(r => r == null);
        results[4].ShouldBe(new ServerSentEvent("7", "progress", "{\"a\":\n1}"));
    }

    [Fact]
    public void Feed_CommentsAndRetry_AreIgnored()
    {
        var parser = new SseParser();

        new[] { parser.Feed(": keep-alive"), parser.Feed(""), parser.Feed("retry: 1000"), parser.Feed("") }.ShouldAllBe(r => r == null);
        parser.Feed("data: x");
        parser.Feed("").ShouldBe(new ServerSentEvent(null, "message", "x"));
    }
}
