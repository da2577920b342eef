using System.Text.Json;
using Hoist.Cli.Tests.Fakes;
using Hoist.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Shouldly;

namespace Hoist.Cli.Tests;

public sealed class ReleaseCommandTests : IAsyncLifetime
{
    FakeHoistServer server = null!;

    public async ValueTask InitializeAsync() => server = await FakeHoistServer.StartAsync();

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    Dictionary<string, string> Env() => new() { ["HOIST_SERVER"] = server.Url.ToString(), ["CD_PERSONAL_ACCESS_TOKEN"] = "hoist_pat_read" };

    Task<CliRun> Run(params string[] args) => CliRunner.RunAsync(Env(), args);

    [Fact]
    public async Task ReleaseGet_Text_ShowsStatusImagesAndPage()
    {
        var release = Releases.Release(42, ReleaseStatus.Failed, FailureReason.ImagePullFailed, "Back-off pulling image") with
        {
            Transitions = [new ReleaseTransitionDto(ReleaseStatus.Queued, ReleaseStatus.Validating, Releases.T0, "picked up")],
            Pods = [new PodOutcomeDto("web-6f7a-abcde", "6f7a", true, "Pending", false, "ImagePullBackOff", "Back-off", 0, null)],
        };
        server.On("GET", ApiRoutes.Release(42), (http, _) => FakeHoistServer.WriteJson(http, release));

        var run = await Run("release", "get", "42");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.ShouldContain("Status       Failed (ImagePullFailed)");
        run.Out.ShouldContain("Image        nginx:1.26 → nginx:1.27");
        run.Out.ShouldContain($"Page         {server.Url}releases/42");
        run.Out.ShouldContain("Workload     Deployment demo/web, container nginx (cloud account sandbox)");
        run.Out.ShouldContain("Queued  Validating  picked up");
        run.Out.ShouldContain("web-6f7a-abcde  6f7a      yes  Pending  false  0         ImagePullBackOff  Back-off");
        server.Requests.Single().Header("Authorization").ShouldBe("Bearer hoist_pat_read");
    }

    [Fact]
    public async Task ReleaseGet_Json_RoundTripsTheRelease()
    {
        var release = Releases.Release(42, ReleaseStatus.Succeeded);
        server.On("GET", ApiRoutes.Release(42), (http, _) => FakeHoistServer.WriteJson(http, release));

        var run = await Run("release", "get", "42", "--output", "json");

        var parsed = JsonSerializer.Deserialize<ReleaseDto>(run.Out, FakeHoistServer.Json)!;
        JsonSerializer.Serialize(parsed, FakeHoistServer.Json).ShouldBe(JsonSerializer.Serialize(release, FakeHoistServer.Json));
        parsed.Id.ShouldBe(42);
    }

    [Fact]
    public async Task ReleaseGet_MinimalJson_RendersWithoutOptionalFields()
    {
        const string minimal = """
            {"id":42,"status":"Queued","url":"/releases/42","application":"demo","pipeline":"p","project":"shop",
             "workload":{"cloudAccount":"sandbox","namespace":"demo","kind":"Deployment","name":"web","container":"nginx"},
             "imageAfter":"nginx:1.27","createdAt":"2025-11-26T14:00:00Z"}
            """;
        server.On("GET", ApiRoutes.Release(42), (http, _) => http.Response.WriteAsync(minimal));

        var text = await Run("release", "get", "42");
        var json = await Run("release", "get", "42", "-o", "json");

        text.ExitCode.ShouldBe(0, text.Error);
        text.Out.ShouldContain("Image        ? → nginx:1.27");
        json.ExitCode.ShouldBe(0, json.Error);
        JsonDocument.Parse(json.Out).RootElement.GetProperty("transitions").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task ReleaseGet_Json_KeepsQuotesAndChineseReadable()
    {
        var release = Releases.Release(42, ReleaseStatus.Failed, message: "镜像拉取失败: \"nginx:nonexistent\"");
        server.On("GET", ApiRoutes.Release(42), (http, _) => FakeHoistServer.WriteJson(http, release));

        var run = await Run("release", "get", "42", "-o", "json");

        run.Out.ShouldContain("\"message\": \"镜像拉取失败: \\\"nginx:nonexistent\\\"\"");
    }

    [Fact]
    public async Task ReleaseGet_Unknown_Exits5()
    {
        var run = await Run("release", "get", "999");

        run.ExitCode.ShouldBe(5);
        run.Error.ShouldContain("rejected by the server (404 not_found)");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-3")]
    public async Task ReleaseGet_NotAnId_Exits1(string id)
    {
        var run = await Run("release", "get", id);

        run.ExitCode.ShouldBe(1);
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReleaseList_Filters_BecomeTheQueryAndRowsATable()
    {
        var list = new ReleaseListDto([Releases.Release(2, ReleaseStatus.Failed, FailureReason.CrashLoop), Releases.Release(1, ReleaseStatus.Succeeded)], 5, 1, 2);
        server.On("GET", ApiRoutes.Releases, (http, _) => FakeHoistServer.WriteJson(http, list));

        var run = await Run("release", "list", "--status", "failed", "--application", "demo", "--pipeline", "shop-bd-1",
            "--project", "shop", "--workload", "web", "--page-size", "2");

        run.ExitCode.ShouldBe(0, run.Error);
        server.Requests.Single().PathAndQuery.ShouldBe("/api/v1/releases?application=demo&pipeline=shop-bd-1&project=shop&status=Failed&workload=web&pageSize=2");
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("ID  STATUS     REASON     APPLICATION  PIPELINE");
        lines[1].ShouldStartWith("2   Failed     CrashLoop  demo");
        lines[1].ShouldContain("Deployment/web:nginx");
        lines[2].ShouldStartWith("1   Succeeded  -");
        lines[3].ShouldBe("(2 of 5; next page: --page 2)");
    }

    [Theory]
    [InlineData("--page", "0")]
    [InlineData("--page", "abc")]
    [InlineData("--page-size", "501")]
    public async Task ReleaseList_BadPaging_Exits1(string option, string value)
    {
        var run = await Run("release", "list", option, value);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain($"{option}: '{value}' is not a whole number");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReleaseList_UnknownStatus_Exits1ListingTheStatuses()
    {
        var run = await Run("release", "list", "--status", "Broken");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("use one of Queued, Validating");
    }

    [Fact]
    public async Task ReleaseWait_TerminalRelease_ReplaysAndExitsByStatus()
    {
        server.On("GET", ApiRoutes.ReleaseEvents(7), (http, _) => FakeHoistServer.WriteEvents(http,
            [(1, "progress", Releases.Progress(1, 3, 3, 3)), (2, "done", Releases.Release(7, ReleaseStatus.RolledBack, FailureReason.ImagePullFailed))]));

        var run = await Run("release", "wait", "7");

        run.ExitCode.ShouldBe(3);
        run.Error.ShouldContain("hoist: release 7 RolledBack (ImagePullFailed)");
    }

    [Fact]
    public async Task ReleaseWait_ClientTimeoutPasses_Exits4SayingTheReleaseKeepsRunning()
    {
        var time = new FakeTimeProvider(Releases.T0);
        var streamOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("GET", ApiRoutes.ReleaseEvents(7), async (http, _) =>
        {
            await FakeHoistServer.WriteEvents(http, [(1, "progress", Releases.Progress(1, 3, 1, 3, 2, "ContainerCreating"))]);
            streamOpen.TrySetResult();
            var aborted = new TaskCompletionSource();
            await using var registration = http.RequestAborted.Register(() => aborted.TrySetResult());
            await aborted.Task;
        });
        server.On("GET", ApiRoutes.Release(7), (http, _) => FakeHoistServer.WriteJson(http, Releases.Release(7, ReleaseStatus.RollingOut)));

        var running = CliRunner.RunAsync(Env(), ["release", "wait", "7", "--timeout", "2m", "-o", "json"], time);
        await streamOpen.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(2));
        var run = await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        run.ExitCode.ShouldBe(4);
        run.Error.ShouldContain("stopped waiting after 2m: release 7 has not finished and keeps running on the server; reattach with: hoist release wait 7");
        JsonDocument.Parse(run.Out).RootElement.GetProperty("status").GetString().ShouldBe("RollingOut");
    }

    [Fact]
    public async Task ReleaseRollback_Wait_FollowsTheNewReleaseWithAKey()
    {
        server.On("POST", ApiRoutes.ReleaseRollback(7), (http, _) => FakeHoistServer.WriteJson(http, Releases.Accepted(8), 202));
        server.On("GET", ApiRoutes.ReleaseEvents(8), (http, _) => FakeHoistServer.WriteEvents(http,
            [(1, "done", Releases.Release(8, ReleaseStatus.Succeeded, image: "nginx:1.26") with { RollbackOf = 7 })]));

        var run = await Run("release", "rollback", "7", "--wait");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain("hoist: rollback of release 7 is release 8 (Queued)");
        run.Error.ShouldContain("hoist: release 8 Succeeded");
        server.RequestsTo("POST", ApiRoutes.ReleaseRollback(7)).Single().Header(ApiRoutes.IdempotencyKeyHeader).ShouldStartWith("hoist-rollback-");
    }

    [Fact]
    public async Task ReleaseRollback_NothingToRestore_Exits5()
    {
        server.On("POST", ApiRoutes.ReleaseRollback(7), (http, _) => FakeHoistServer.Problem(http, 409, ProblemCodes.InvalidTransition, "Release 7 has no previous image"));

        var run = await Run("release", "rollback", "7");

        run.ExitCode.ShouldBe(5);
        run.Error.ShouldContain("Release 7 has no previous image");
    }

    static RuntimeDto Runtime() => new()
    {
        ReleaseId = 42,
        Workload = new WorkloadRefDto("sandbox", "demo", "Deployment", "web", "nginx"),
        Desired = 3, Updated = 1, Ready = 2, Available = 2, NewRevision = "6f7a",
        ReadAt = Releases.T0,
        Pods =
        [
            new RuntimePodDto
            {
                Name = "web-5d9f-aaaaa", Revision = "5d9f", Phase = "Running", Ready = true, Node = "node-1", CreatedAt = Releases.T0.AddHours(-3),
                Containers = [new RuntimeContainerDto { Name = "nginx", Image = "nginx:1.26", State = "running", Ready = true }],
            },
            new RuntimePodDto
            {
                Name = "web-6f7a-bbbbb", Revision = "6f7a", IsNew = true, Phase = "Pending", Node = "node-2", CreatedAt = Releases.T0.AddMinutes(-2),
                Containers =
                [
                    new RuntimeContainerDto { Name = "nginx", Image = "nginx:nonexistent", State = "waiting", Reason = "ImagePullBackOff", Message = "Back-off pulling image \"nginx:nonexistent\"" },
                    new RuntimeContainerDto
                    {
                        Name = "log-shipper", Image = "shipper:2", State = "running", Ready = true, Restarts = 2,
                        LastTermination = new RuntimeTerminationDto(1, "Error", null, null, Releases.T0.AddMinutes(-1)),
                    },
                ],
            },
        ],
        Events = [new RuntimeEventDto("Warning", "Failed", "Failed to pull image \"nginx:nonexistent\"", "Pod/web-6f7a-bbbbb", 4, Releases.T0.AddMinutes(-2), Releases.T0.AddSeconds(-30))],
    };

    [Fact]
    public async Task Runtime_Text_GroupsPodsByRevisionNewFirstWithContainersAndEvents()
    {
        server.On("GET", ApiRoutes.ReleaseRuntime(42), (http, _) => FakeHoistServer.WriteJson(http, Runtime()));

        var run = await CliRunner.RunAsync(Env(), ["runtime", "42"], new FakeTimeProvider(Releases.T0));

        run.ExitCode.ShouldBe(0, run.Error);
        var o = run.Out;
        o.ShouldContain("Deployment demo/web, container nginx (cloud account sandbox) (release 42)", customMessage: o);
        o.ShouldContain("3 desired, 1 updated, 2 ready, 2 available; this release's revision: 6f7a", customMessage: o);
        o.IndexOf("Revision 6f7a (this release): 1 pod(s)", StringComparison.Ordinal).ShouldBeLessThan(o.IndexOf("Revision 5d9f (old): 1 pod(s)", StringComparison.Ordinal));
        o.ShouldContain("Pod web-6f7a-bbbbb  Pending  ready=false  node=node-2  age=2m", customMessage: o);
        o.ShouldContain("nginx        nginx:nonexistent  waiting  ImagePullBackOff  false  0         -                     Back-off pulling image \"nginx:nonexistent\"", customMessage: o);
        o.ShouldContain("log-shipper  shipper:2          running  -                 true   2         exit 1 Error 60s ago  -", customMessage: o);
        o.ShouldContain("30s        Warning  Failed  Pod/web-6f7a-bbbbb  4      Failed to pull image \"nginx:nonexistent\"", customMessage: o);
    }

    [Fact]
    public async Task Runtime_Logs_PrintsTheTailOfTheReleasesContainerInNewPods()
    {
        server.On("GET", ApiRoutes.ReleaseRuntime(42), (http, _) => FakeHoistServer.WriteJson(http, Runtime()));
        server.On("GET", ApiRoutes.ReleasePodLog(42, "web-6f7a-bbbbb"), (http, _) => FakeHoistServer.WriteJson(http,
            new LogTailDto("web-6f7a-bbbbb", "nginx", ["starting", "panic: bad config \u001b[31m"], false)));

        var run = await Run("runtime", "42", "--logs", "--tail", "5");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.ShouldContain("Log of web-6f7a-bbbbb/nginx (last 2 line(s)):\n  starting\n  panic: bad config \\u001b[31m");
        server.RequestsTo("GET", ApiRoutes.ReleasePodLog(42, "web-6f7a-bbbbb")).Single().PathAndQuery.ShouldEndWith("?container=nginx&tail=5");
        server.RequestsTo("GET", ApiRoutes.ReleasePodLog(42, "web-5d9f-aaaaa")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Runtime_LogsWithJson_Exits1()
    {
        var run = await Run("runtime", "42", "--logs", "-o", "json");

        run.ExitCode.ShouldBe(1);
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Runtime_Json_IsTheRuntimeDto()
    {
        server.On("GET", ApiRoutes.ReleaseRuntime(42), (http, _) => FakeHoistServer.WriteJson(http, Runtime()));

        var run = await Run("runtime", "42", "-o", "json");

        var parsed = JsonSerializer.Deserialize<RuntimeDto>(run.Out, FakeHoistServer.Json)!;
        parsed.Pods.Count.ShouldBe(2);
        parsed.Pods[1].Containers[0].Reason.ShouldBe("ImagePullBackOff");
        parsed.Events.Single().Count.ShouldBe(4);
    }

    [Theory]
    [InlineData("deploy")]
    [InlineData("release")]
    [InlineData("release get")]
    [InlineData("release list")]
    [InlineData("release wait")]
    [InlineData("release rollback")]
    [InlineData("runtime")]
    [InlineData("")]
    public async Task Help_EveryCommand_EndsWithExamplesOfItself(string command)
    {
        var run = await CliRunner.RunAsync(new Dictionary<string, string>(), [.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        run.ExitCode.ShouldBe(0);
        var examples = run.Out[run.Out.IndexOf("Examples:", StringComparison.Ordinal)..];
        examples.ShouldContain($"  hoist {command}".TrimEnd());
    }

    [Fact]
    public async Task Version_PrintsTheToolVersion()
    {
        var run = await CliRunner.RunAsync(new Dictionary<string, string>(), ["--version"]);

        run.ExitCode.ShouldBe(0);
        run.Out.ShouldStartWith("0.1.0");
    }

    [Fact]
    public async Task AnyCommand_NoServer_Exits1NamingHoistServer()
    {
        var run = await CliRunner.RunAsync(new Dictionary<string, string>(), ["release", "list"]);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("missing --server (or the environment variable HOIST_SERVER)");
    }

    [Fact]
    public async Task AnyCommand_PlainHttpToARemoteHost_WarnsAboutTheToken()
    {
        var env = Env();
        env["HOIST_SERVER"] = "http://hoist.invalid/";

        var run = await CliRunner.RunAsync(env, ["release", "get", "1"], retry: new Api.RetryPolicy(1, TimeSpan.Zero, TimeSpan.Zero));

        run.Error.ShouldContain("the token is sent to hoist.invalid over plain HTTP");
        run.ExitCode.ShouldBe(2);
    }
}
