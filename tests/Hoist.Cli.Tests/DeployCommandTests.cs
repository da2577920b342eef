using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hoist.Cli.Tests.Fakes;
using Hoist.Contracts;
using Microsoft.AspNetCore.Http;
using Shouldly;

namespace Hoist.Cli.Tests;

public sealed class DeployCommandTests : IAsyncLifetime
{
    const string Token = "hoist_pat_secret123";
    FakeHoistServer server = null!;

    public async ValueTask InitializeAsync() => server = await FakeHoistServer.StartAsync();

    public async ValueTask DisposeAsync() => await server.DisposeAsync();

    void AcceptDeploy(long id, bool existing = false) =>
        server.On("POST", ApiRoutes.Deploys, (http, _) => FakeHoistServer.WriteJson(http, Releases.Accepted(id, existing), 202));

    void StreamEvents(long id, ReleaseDto final, params ReleaseEventDto[] events) =>
        server.On("GET", ApiRoutes.ReleaseEvents(id), (http, _) => FakeHoistServer.WriteEvents(http,
            events.Select(e => (e.Sequence, e.Type, (object)e)).Append((events.Length + 1L, "done", final))));

    static void ShouldNotLeakToken(CliRun run)
    {
        run.Out.ShouldNotContain(Token);
        run.Error.ShouldNotContain(Token);
    }

    Task<CliRun> Deploy(Dictionary<string, string>? env = null, params string[] args) =>
        CliRunner.RunAsync(env ?? CliRunner.CodingBuild(server.Url), ["deploy", .. args]);

    [Fact]
    public async Task Deploy_RolloutSucceeds_ExitsZeroWithOneLinePerChangeOnStderrOnly()
    {
        AcceptDeploy(42);
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Succeeded, message: "3/3 pods run nginx:1.27"),
            Releases.Status(1, ReleaseStatus.Validating, "checking Deployment demo/web"),
            Releases.Progress(2, 3, 1, 3, 2, "ContainerCreating"),
            Releases.Progress(3, 3, 1, 3, 2, "ContainerCreating"),
            Releases.Progress(4, 3, 3, 3));

        var run = await Deploy(null, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.ShouldBeEmpty();
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain("hoist: Validating: checking Deployment demo/web");
        lines.Count(l => l == "hoist: 1/3 updated, 3 available, 2 old, 1 waiting: ContainerCreating").ShouldBe(1);
        lines.ShouldContain("hoist: 3/3 updated, 3 available");
        lines[^1].ShouldBe($"hoist: release 42 Succeeded: 3/3 pods run nginx:1.27 — {server.Url}releases/42");
        ShouldNotLeakToken(run);
    }

    [Fact]
    public async Task Deploy_Request_CarriesParametersProvenanceTokenAndIdempotencyKey()
    {
        AcceptDeploy(42);
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Succeeded));

        await Deploy(null, "--image", "nginx:1.27", "--timeout", "5m", "--rollback-on-failure");

        var post = server.RequestsTo("POST", ApiRoutes.Deploys).Single();
        post.Header("Authorization").ShouldBe($"Bearer {Token}");
        post.Header(ApiRoutes.IdempotencyKeyHeader)!.ShouldMatch("^hoist-deploy-[0-9a-f]{64}$");
        var body = JsonSerializer.Deserialize<DeployRequest>(post.Body, FakeHoistServer.Json)!;
        body.ShouldBe(new DeployRequest
        {
            DeployType = "PATCH_IMAGE", Application = "demo", PipelineName = "shop-build-and-deploy-1",
            CredentialId = "2f74c95a6441484d9f362bbc461a049b", Image = "nginx:1.27", CloudAccountName = "sandbox",
            Namespace = "demo", ManifestType = "Deployment", ManifestName = "web", ContainerName = "nginx",
            Build = new BuildProvenance { ProjectName = "shop", JobId = "7", JobName = "build-and-deploy", BuildNumber = "17", GitCommit = "0123456789abcdef" },
            RollbackOnFailure = true, TimeoutSeconds = 300,
        });
    }

    [Fact]
    public async Task Deploy_SeedJenkinsfileStep_SendsTheSameRequestAsTheOptions()
    {
        AcceptDeploy(42);
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Succeeded));
        var env = CliRunner.CodingBuild(server.Url);
        env["CODING_DOCKER_IMAGE_NAME"] = "shop/build/web";
        env["DOCKER_IMAGE_VERSION"] = "master-0123abc";

        var fromStep = await Deploy(env, "--step", StepParserTests.SeedLine);
        var fromOptions = await Deploy(env, "--image", "shop/build/web:master-0123abc", "--cloud-account-name", "k8s",
            "--namespace", "liaohongkun-1", "--manifest-name", "nginx-deployment-1");

        fromStep.ExitCode.ShouldBe(0, fromStep.Error);
        fromOptions.ExitCode.ShouldBe(0, fromOptions.Error);
        var posts = server.RequestsTo("POST", ApiRoutes.Deploys).ToList();
        posts.Count.ShouldBe(2);
        posts[0].Body.ShouldBe(posts[1].Body);
        posts[0].Header(ApiRoutes.IdempotencyKeyHeader).ShouldBe(posts[1].Header(ApiRoutes.IdempotencyKeyHeader));
        posts[0].Body.ShouldContain("\"image\":\"shop/build/web:master-0123abc\"");
    }

    [Fact]
    public async Task Deploy_RetriedStepOfTheSameBuild_SendsTheSameKeyAndFollowsTheExistingRelease()
    {
        AcceptDeploy(42);
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Succeeded));
        await Deploy(null, "--image", "nginx:1.27");
        AcceptDeploy(42, existing: true);

        var retried = await Deploy(null, "--image", "nginx:1.27");
        await Deploy(CliRunner.CodingBuild(server.Url, buildNumber: "18"), "--image", "nginx:1.27");

        retried.ExitCode.ShouldBe(0);
        retried.Error.ShouldContain("release 42 already exists for this build and these parameters");
        var keys = server.RequestsTo("POST", ApiRoutes.Deploys).Select(r => r.Header(ApiRoutes.IdempotencyKeyHeader)).ToList();
        keys[1].ShouldBe(keys[0]);
        keys[2].ShouldNotBe(keys[0]);
    }

    [Fact]
    public async Task Deploy_ImagePullFails_Exits3WithReasonAndPage()
    {
        AcceptDeploy(7);
        StreamEvents(7, Releases.Release(7, ReleaseStatus.Failed, FailureReason.ImagePullFailed, "Back-off pulling image \"nginx:nonexistent\"", "nginx:nonexistent"),
            Releases.Progress(1, 3, 1, 3, 2, "ImagePullBackOff"));

        var run = await Deploy(null, "--image", "nginx:nonexistent");

        run.ExitCode.ShouldBe(3);
        run.Error.ShouldContain("hoist: 1/3 updated, 3 available, 2 old, 1 waiting: ImagePullBackOff");
        run.Error.ShouldContain($"hoist: release 7 Failed (ImagePullFailed): Back-off pulling image \"nginx:nonexistent\" — {server.Url}releases/7");
    }

    [Fact]
    public async Task Deploy_RolledBack_Exits3AndReportsTheRollbackRelease()
    {
        AcceptDeploy(7);
        StreamEvents(7, Releases.Release(7, ReleaseStatus.Failed, FailureReason.CrashLoop, "web-1: CrashLoopBackOff") with { RolledBackBy = 8, RollbackOnFailure = true });
        StreamEvents(8, Releases.Release(8, ReleaseStatus.Succeeded, message: "restored nginx:1.26") with { RollbackOf = 7 },
            Releases.Progress(1, 3, 3, 3));

        var run = await Deploy(null, "--image", "crashloop:1", "--rollback-on-failure");

        run.ExitCode.ShouldBe(3);
        run.Error.ShouldContain("hoist: the pods and the container's log: hoist runtime 7 --logs");
        run.Error.ShouldContain("hoist: following rollback release 8");
        run.Error.ShouldContain("hoist: rollback release 8 Succeeded: restored nginx:1.26");
    }

    [Fact]
    public async Task Deploy_ServerSaysTimedOut_Exits4()
    {
        AcceptDeploy(9);
        StreamEvents(9, Releases.Release(9, ReleaseStatus.TimedOut, FailureReason.TimedOut, "2/3 available after 10m"));

        var run = await Deploy(null, "--image", "unready:1");

        run.ExitCode.ShouldBe(4);
        run.Error.ShouldContain("release 9 TimedOut (TimedOut): 2/3 available after 10m");
    }

    [Fact]
    public async Task Deploy_OutputJson_PrintsTheFinalReleaseOnStdout()
    {
        AcceptDeploy(42);
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Failed, FailureReason.ImagePullFailed, "no such image"), Releases.Progress(1, 3, 1, 2, 2, "ErrImagePull"));

        var run = await Deploy(null, "--image", "nginx:1.27", "--output", "json");

        run.ExitCode.ShouldBe(3);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        root.GetProperty("id").GetInt64().ShouldBe(42);
        root.GetProperty("status").GetString().ShouldBe("Failed");
        root.GetProperty("reason").GetString().ShouldBe("ImagePullFailed");
        root.GetProperty("message").GetString().ShouldBe("no such image");
        root.GetProperty("url").GetString().ShouldBe("/releases/42");
        root.GetProperty("imageBefore").GetString().ShouldBe("nginx:1.26");
        root.GetProperty("imageAfter").GetString().ShouldBe("nginx:1.27");
        run.Out.ShouldNotContain("waiting");
        run.Error.ShouldContain("1 waiting: ErrImagePull");
    }

    [Fact]
    public async Task Deploy_NoWait_ExitsZeroWithoutFollowing()
    {
        AcceptDeploy(42);
        server.On("GET", ApiRoutes.Release(42), (http, _) => FakeHoistServer.WriteJson(http, Releases.Release(42, ReleaseStatus.Queued)));

        var run = await Deploy(null, "--image", "nginx:1.27", "--no-wait", "-o", "json");

        run.ExitCode.ShouldBe(0);
        JsonDocument.Parse(run.Out).RootElement.GetProperty("status").GetString().ShouldBe("Queued");
        run.Error.ShouldContain("follow it with: hoist release wait 42");
        server.RequestsTo("GET", ApiRoutes.ReleaseEvents(42)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Deploy_CredentialOfAnotherBuildPlan_Exits5NamingThePlanAndTheFix()
    {
        server.On("POST", ApiRoutes.Deploys, (http, _) => FakeHoistServer.Problem(http, 403, ProblemCodes.CredentialBuildPlanMismatch,
            "凭据错误：构建计划越权", "credential error: build plan overreach",
            new() { ["buildPlan"] = "build-and-deploy", ["project"] = "shop", ["pipeline"] = "shop-build-and-deploy-1" }));
        var env = CliRunner.CodingBuild(server.Url);
        env["CCI_JOB_NAME"] = "copy-of-build-and-deploy";

        var run = await Deploy(env, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(5);
        run.Error.ShouldContain("rejected by the server (403 credential_build_plan_mismatch): 凭据错误：构建计划越权");
        run.Error.ShouldContain("belongs to build plan 'build-and-deploy' of project 'shop'");
        run.Error.ShouldContain("this step deploys as pipeline 'shop-copy-of-build-and-deploy-1'");
        ShouldNotLeakToken(run);
    }

    [Fact]
    public async Task Deploy_ContainerNotFound_Exits5ListingTheContainers()
    {
        server.On("POST", ApiRoutes.Deploys, (http, _) => FakeHoistServer.Problem(http, 422, ProblemCodes.ContainerNotFound,
            "Container not found", "Deployment demo/web has no container 'ngin'",
            new() { ["field"] = "containerName", ["containers"] = new[] { "nginx", "log-shipper" } }));

        var run = await Deploy(null, "--image", "nginx:1.27", "--container-name", "ngin");

        run.ExitCode.ShouldBe(5);
        run.Error.ShouldContain("Containers in Deployment demo/web: nginx, log-shipper");
    }

    [Fact]
    public async Task Deploy_TokenRefused_Exits5()
    {
        server.On("POST", ApiRoutes.Deploys, (http, _) => FakeHoistServer.Problem(http, 401, ProblemCodes.TokenInvalid, "Unauthorized"));

        var run = await Deploy(null, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(5);
        run.Error.ShouldContain("Check CD_PERSONAL_ACCESS_TOKEN");
        ShouldNotLeakToken(run);
    }

    [Fact]
    public async Task Deploy_TransientFailures_AreRetriedWithTheSameKey()
    {
        var calls = 0;
        server.On("POST", ApiRoutes.Deploys, (http, _) => Interlocked.Increment(ref calls) switch
        {
            1 => FakeHoistServer.Problem(http, 503, ProblemCodes.TooManyRequests, "Service Unavailable"),
            2 => FakeHoistServer.Problem(http, 429, ProblemCodes.TooManyRequests, "Too Many Requests"),
            _ => FakeHoistServer.WriteJson(http, Releases.Accepted(42), 202),
        });
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Succeeded));

        var run = await Deploy(null, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(0, run.Error);
        var keys = server.RequestsTo("POST", ApiRoutes.Deploys).Select(r => r.Header(ApiRoutes.IdempotencyKeyHeader)).ToList();
        keys.Count.ShouldBe(3);
        keys.Distinct().Count().ShouldBe(1);
        run.Error.ShouldContain("deploy: the server answered 503 too_many_requests: Service Unavailable; retrying in");
    }

    [Fact]
    public async Task Deploy_ClusterUnreachable_Exits2SayingWhatTheServerSaid()
    {
        server.On("POST", ApiRoutes.Deploys, (http, _) => FakeHoistServer.Problem(http, 503, ProblemCodes.ClusterUnreachable,
            "Cluster unreachable", "Cloud account 'sandbox': connection refused"));

        var run = await Deploy(null, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain($"hoist: the Hoist server at {server.Url.GetLeftPart(UriPartial.Authority)} kept failing deploy: the server answered 503 cluster_unreachable: Cluster unreachable — Cloud account 'sandbox': connection refused (tried 3 times)");
    }

    [Fact]
    public async Task Deploy_ServerDown_Exits2WithClearMessage()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var run = await Deploy(CliRunner.CodingBuild(new Uri($"http://127.0.0.1:{port}/")), "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain($"hoist: cannot reach the Hoist server at http://127.0.0.1:{port} for deploy:");
        run.Error.ShouldContain("(tried 3 times)");
    }

    [Fact]
    public async Task Deploy_EventStreamDrops_ReconnectsAfterTheLastEventAndPrintsEachOnce()
    {
        AcceptDeploy(42);
        var connections = 0;
        var all = new (long, string, object)[]
        {
            (1, "status", Releases.Status(1, ReleaseStatus.RollingOut, "patched")),
            (2, "progress", Releases.Progress(2, 3, 1, 3, 2)),
            (3, "progress", Releases.Progress(3, 3, 3, 3)),
            (4, "done", Releases.Release(42, ReleaseStatus.Succeeded)),
        };
        server.On("GET", ApiRoutes.ReleaseEvents(42), async (http, request) =>
        {
            switch (Interlocked.Increment(ref connections))
            {
                case 1:
                    // A proxy ends the stream mid-release.
                    await FakeHoistServer.WriteEvents(http, all[..2]);
                    return;
                case 2:
                    // Then the network breaks outright.
                    http.Abort();
                    return;
                default:
                    var after = long.Parse(request.Header("Last-Event-ID") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                    await FakeHoistServer.WriteEvents(http, all.Where(e => e.Item1 > after));
                    return;
            }
        });

        var run = await Deploy(null, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(0, run.Error);
        server.RequestsTo("GET", ApiRoutes.ReleaseEvents(42)).Select(r => r.Header("Last-Event-ID")).ShouldBe([null, "2", "2"]);
        run.Error.ShouldContain("reconnecting in");
        var lines = run.Error.Split('\n');
        lines.Count(l => l == "hoist: RollingOut: patched").ShouldBe(1);
        lines.Count(l => l == "hoist: 1/3 updated, 3 available, 2 old").ShouldBe(1);
        lines.Count(l => l == "hoist: 3/3 updated, 3 available").ShouldBe(1);
    }

    [Fact]
    public async Task Deploy_ServerLostWhileWaiting_Exits2AndSaysHowToReattach()
    {
        AcceptDeploy(42);
        server.On("GET", ApiRoutes.ReleaseEvents(42), (http, _) => FakeHoistServer.Problem(http, 502, "bad_gateway", "Bad Gateway"));

        var run = await Deploy(null, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("lost the connection to");
        run.Error.ShouldContain("release 42 keeps running on the server; reattach with: hoist release wait 42");
    }

    [Fact]
    public async Task Deploy_MissingValues_Exits1NamingOptionsAndVariablesWithoutCallingTheServer()
    {
        var env = new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.ToString() };

        var run = await Deploy(env, "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("hoist: missing --credential-id (or the environment variable CD_CREDENTIAL_ID)");
        run.Error.ShouldContain("hoist: missing the token: --token (or the environment variable CD_PERSONAL_ACCESS_TOKEN");
        run.Error.ShouldContain("hoist: see 'hoist deploy --help'");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Deploy_StepSyntaxError_Exits1WithColumn()
    {
        var run = await Deploy(null, "--step", "cdDeploy(image: 'a' x)");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("hoist: --step: at column 21: expected ',' or ')' but found 'x'");
        server.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("--timeout", "10x")]
    [InlineData("--timeout", "9s")]
    [InlineData("--timeout", "7h")]
    [InlineData("--output", "yaml")]
    [InlineData("--server", "ftp://hoist")]
    public async Task Deploy_BadOptionValue_Exits1(string option, string value)
    {
        var run = await Deploy(null, "--image", "nginx:1.27", option, value);

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldNotBeEmpty();
        server.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("--image", "@{0}")]
    [InlineData("--image={0}", null)]
    public async Task Deploy_ValueStartingWithAt_IsAValueNotAResponseFile(string option, string? value)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "--namespace\nfrom-file\n", TestContext.Current.CancellationToken);
        AcceptDeploy(42);
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Succeeded));
        string[] args = value is null ? [string.Format(System.Globalization.CultureInfo.InvariantCulture, option, "@" + file)] : [option, string.Format(System.Globalization.CultureInfo.InvariantCulture, value, file)];

        var run = await Deploy(null, args);
        File.Delete(file);

        run.ExitCode.ShouldBe(0, run.Error);
        var body = JsonSerializer.Deserialize<DeployRequest>(server.RequestsTo("POST", ApiRoutes.Deploys).Single().Body, FakeHoistServer.Json)!;
        body.Image.ShouldBe("@" + file);
        body.Namespace.ShouldBe("demo");
    }

    [Fact]
    public async Task Deploy_ValueStartingWithDash_IsAcceptedInEqualsForm()
    {
        AcceptDeploy(42);
        StreamEvents(42, Releases.Release(42, ReleaseStatus.Succeeded));

        var run = await Deploy(null, "--image=--rm -rf /", "--namespace=a=b:c");

        run.ExitCode.ShouldBe(0, run.Error);
        var body = JsonSerializer.Deserialize<DeployRequest>(server.RequestsTo("POST", ApiRoutes.Deploys).Single().Body, FakeHoistServer.Json)!;
        body.Image.ShouldBe("--rm -rf /");
        body.Namespace.ShouldBe("a=b:c");
    }

    [Fact]
    public async Task Deploy_ServerUrlWithPath_PrefixesEveryRoute()
    {
        server.On("POST", "/hoist" + ApiRoutes.Deploys, (http, _) => FakeHoistServer.WriteJson(http, Releases.Accepted(5), 202));
        server.On("GET", "/hoist" + ApiRoutes.ReleaseEvents(5), (http, _) => FakeHoistServer.WriteEvents(http, [(1, "done", Releases.Release(5, ReleaseStatus.Succeeded))]));

        var run = await Deploy(null, "--image", "nginx:1.27", "--server", server.Url + "hoist/");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain($"— {server.Url}hoist/releases/5");
    }
}
