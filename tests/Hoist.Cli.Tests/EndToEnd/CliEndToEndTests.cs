using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hoist.Cli.Tests.Fakes;
using Shouldly;

namespace Hoist.Cli.Tests.EndToEnd;

/// <summary>
/// The CLI against the real server and a sandbox cluster: every exit code, the seed's Jenkinsfile line, reattaching,
/// JSON output and idempotent retries. Releases of one workload run one after another, so each test deploys its
/// own image and the class shares one server.
/// </summary>
public sealed class CliEndToEndTests(HoistWithSandbox hoist) : IClassFixture<HoistWithSandbox>
{
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    // A broken rollout must fail the test in minutes, not after the default 10m.
    Task<CliRun> Hoist(Dictionary<string, string> env, params string[] args) =>
        CliRunner.RunAsync(env, args is ["deploy", ..] && !args.Contains("--timeout") ? [.. args, "--timeout", "2m"] : args, deployWaitGrace: Grace);

    [Fact]
    public async Task Deploy_NewImage_Exits0AndTheReleaseRecordsImages()
    {
        var run = await Hoist(hoist.Build(), "deploy", "--image", "nginx:1.27-e2e-ok", "-o", "json");

        run.ExitCode.ShouldBe(0, run.Error);
        using var release = JsonDocument.Parse(run.Out);
        release.RootElement.GetProperty("status").GetString().ShouldBe("Succeeded");
        release.RootElement.GetProperty("imageAfter").GetString().ShouldBe("nginx:1.27-e2e-ok");
        release.RootElement.GetProperty("imageBefore").GetString().ShouldNotBeNullOrEmpty();
        release.RootElement.GetProperty("url").GetString().ShouldStartWith(hoist.Server.ToString().TrimEnd('/') + "/releases/");
        run.Error.ShouldContain("updated");
        run.Error.ShouldContain(" Succeeded");
    }

    [Fact]
    public async Task Deploy_NonexistentImage_Exits3NamingTheCause()
    {
        var run = await Hoist(hoist.Build(), "deploy", "--image", "nginx:nonexistent-e2e");

        run.ExitCode.ShouldBe(3, run.Error);
        run.Error.ShouldContain("Failed (ImagePullFailed)");
        run.Error.ShouldContain("/releases/");
    }

    [Fact]
    public async Task Deploy_NeverReady_Exits4WhenTheServerTimesOut()
    {
        var run = await Hoist(hoist.Build(), "deploy", "--image", "nginx:unready-e2e", "--timeout", "10s");

        run.ExitCode.ShouldBe(4, run.Error);
        run.Error.ShouldContain("TimedOut");
    }

    [Fact]
    public async Task Deploy_UnknownContainer_Exits5ListingTheContainers()
    {
        var run = await Hoist(hoist.Build(), "deploy", "--image", "nginx:1.27", "--container-name", "ngin");

        run.ExitCode.ShouldBe(5, run.Error);
        run.Error.ShouldContain("container_not_found");
        run.Error.ShouldContain("nginx, log-shipper");
    }

    [Fact]
    public async Task Deploy_CopiedBuildPlan_Exits5WithTheBuildPlanOverreachMessage()
    {
        var env = hoist.Build();
        env["CCI_JOB_NAME"] = "copy-of-build-and-deploy";

        var run = await Hoist(env, "deploy", "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(5, run.Error);
        run.Error.ShouldContain("凭据错误：构建计划越权");
        run.Error.ShouldContain("belongs to build plan 'build-and-deploy' of project 'shop'");
    }

    [Fact]
    public async Task Deploy_WrongToken_Exits5()
    {
        var env = hoist.Build();
        env["CD_PERSONAL_ACCESS_TOKEN"] = "hoist_pat_not-a-real-token";

        var run = await Hoist(env, "deploy", "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(5, run.Error);
        run.Error.ShouldNotContain("hoist_pat_not-a-real-token");
    }

    [Fact]
    public async Task Deploy_MissingImage_Exits1()
    {
        var run = await Hoist(hoist.Build(), "deploy");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("missing --image");
    }

    [Fact]
    public async Task Deploy_ServerGone_Exits2()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var env = hoist.Build();
        env["HOIST_SERVER"] = $"http://127.0.0.1:{port}/";

        var run = await Hoist(env, "deploy", "--image", "nginx:1.27");

        run.ExitCode.ShouldBe(2, run.Error);
    }

    [Fact]
    public async Task Deploy_SeedJenkinsfileStep_MakesTheSameReleaseAsTheOptions()
    {
        var env = hoist.Build();
        env["CODING_DOCKER_IMAGE_NAME"] = "registry.example.com/shop/web";
        env["DOCKER_IMAGE_VERSION"] = "seed-e2e";
        var step = StepParserTests.SeedLine
            .Replace("cloudAccountName: 'k8s'", "cloudAccountName: 'sandbox'", StringComparison.Ordinal)
            .Replace("namespace: 'liaohongkun-1'", "namespace: 'demo'", StringComparison.Ordinal)
            .Replace("manifestName: 'nginx-deployment-1'", "manifestName: 'web'", StringComparison.Ordinal)
            .Replace("credentialId: '2f74c95a6441484d9f362bbc461a049b'", $"credentialId: '{env["CD_CREDENTIAL_ID"]}'", StringComparison.Ordinal);

        var fromOptions = await Hoist(env, "deploy", "--image", "registry.example.com/shop/web:seed-e2e", "-o", "json");
        var fromStep = await Hoist(env, "deploy", "--step", step, "-o", "json");

        fromOptions.ExitCode.ShouldBe(0, fromOptions.Error);
        fromStep.ExitCode.ShouldBe(0, fromStep.Error);
        Id(fromStep).ShouldBe(Id(fromOptions));
        fromStep.Error.ShouldContain("already exists for this build and these parameters");
    }

    [Fact]
    public async Task Deploy_RetriedStep_ReturnsTheSameRelease()
    {
        var env = hoist.Build();

        var first = await Hoist(env, "deploy", "--image", "nginx:1.27-e2e-retry", "-o", "json");
        var retried = await Hoist(env, "deploy", "--image", "nginx:1.27-e2e-retry", "-o", "json");
        var nextBuild = await Hoist(hoist.Build(), "deploy", "--image", "nginx:1.27-e2e-retry", "-o", "json");

        first.ExitCode.ShouldBe(0, first.Error);
        retried.ExitCode.ShouldBe(0, retried.Error);
        Id(retried).ShouldBe(Id(first));
        Id(nextBuild).ShouldNotBe(Id(first));
    }

    [Fact]
    public async Task ReleaseWait_AfterNoWaitDeploy_ReattachesAndExitsByTheVerdict()
    {
        var env = hoist.Build();

        var started = await Hoist(env, "deploy", "--image", "nginx:1.27-e2e-wait", "--no-wait", "-o", "json");
        started.ExitCode.ShouldBe(0, started.Error);
        var id = Id(started);
        var waited = await Hoist(env, "release", "wait", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", "2m", "-o", "json");

        waited.ExitCode.ShouldBe(0, waited.Error);
        Id(waited).ShouldBe(id);
        JsonDocument.Parse(waited.Out).RootElement.GetProperty("status").GetString().ShouldBe("Succeeded");
    }

    [Fact]
    public async Task ReleaseGetListRuntime_ShowWhatTheDeployDid()
    {
        var env = hoist.Build();
        var deploy = await Hoist(env, "deploy", "--image", "nginx:1.27-e2e-show", "-o", "json");
        var id = Id(deploy).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var get = await Hoist(env, "release", "get", id);
        var list = await Hoist(env, "release", "list", "--workload", "web", "-o", "json");
        var runtime = await Hoist(env, "runtime", id);

        get.ExitCode.ShouldBe(0, get.Error);
        get.Out.ShouldContain("→ nginx:1.27-e2e-show");
        list.ExitCode.ShouldBe(0, list.Error);
        JsonDocument.Parse(list.Out).RootElement.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldContain(id);
        runtime.ExitCode.ShouldBe(0, runtime.Error);
        runtime.Out.ShouldContain("nginx:1.27-e2e-show");
        runtime.Out.ShouldContain("(this release)");
    }

    [Fact]
    public async Task ReleaseRollback_Wait_RestoresThePreviousImage()
    {
        var env = hoist.Build();
        var first = await Hoist(env, "deploy", "--image", "nginx:1.27-e2e-before");
        first.ExitCode.ShouldBe(0, first.Error);
        var second = await Hoist(env, "deploy", "--image", "nginx:1.27-e2e-after", "-o", "json");
        second.ExitCode.ShouldBe(0, second.Error);

        var rollback = await Hoist(env, "release", "rollback", Id(second).ToString(System.Globalization.CultureInfo.InvariantCulture), "--wait", "--timeout", "2m", "-o", "json");

        rollback.ExitCode.ShouldBe(0, rollback.Error);
        using var restored = JsonDocument.Parse(rollback.Out);
        restored.RootElement.GetProperty("imageAfter").GetString().ShouldBe("nginx:1.27-e2e-before");
        restored.RootElement.GetProperty("rollbackOf").GetInt64().ShouldBe(Id(second));
    }

    static long Id(CliRun run) => JsonDocument.Parse(run.Out).RootElement.GetProperty("id").GetInt64();
}
