using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>
/// kubectl's typed-client writes: 1.27 sends their bodies as JSON, 1.33 as Kubernetes protobuf
/// (<c>create deployment|namespace|job|cronjob</c>, <c>create job --from</c>). Both must land the same objects.
/// </summary>
public class KubectlCreateTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed class Session(SandboxCluster cluster, Kubectl kubectl) : IAsyncDisposable
    {
        public SandboxCluster Cluster => cluster;

        public async Task<string> Ok(params string[] args)
        {
            var result = await kubectl.RunAsync(args);
            result.ExitCode.ShouldBe(0, result.ToString());
            return result.Stdout;
        }

        public ValueTask DisposeAsync()
        {
            kubectl.Dispose();
            return cluster.DisposeAsync();
        }
    }

    static async Task<Session> Start(string version)
    {
        Assert.SkipUnless(Kubectl.Installed, "kubectl is not installed");
        var cluster = await SandboxCluster.StartAsync(new SandboxOptions { KubeVersion = version }, Ct);
        return new Session(cluster, new Kubectl(cluster));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task CreateDeployment_ThenRolloutStatus_Succeeds(string version)
    {
        await using var s = await Start(version);

        var created = await s.Ok("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2");
        var status = await s.Ok("rollout", "status", "deployment/web", "--timeout=60s");
        var json = JsonNode.Parse(await s.Ok("get", "deploy", "web", "-o", "json"))!;

        created.ShouldBe("deployment.apps/web created\n");
        status.ShouldContain("deployment \"web\" successfully rolled out");
        json["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
        json["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.25");
        json["status"]!["readyReplicas"]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task CreateDeployment_WithZeroReplicas_KeepsTheExplicitZero(string version)
    {
        await using var s = await Start(version);

        await s.Ok("create", "deployment", "idle", "--image=nginx:1.25", "--replicas=0", "--port=8080");
        var replicas = await s.Ok("get", "deploy", "idle", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].ports[0].containerPort}");

        replicas.ShouldBe("0 8080");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task CreateNamespace_IsStoredAndActive(string version)
    {
        await using var s = await Start(version);

        var created = await s.Ok("create", "namespace", "team-a");
        var phase = await s.Ok("get", "namespace", "team-a", "-o", "jsonpath={.status.phase}");

        created.ShouldBe("namespace/team-a created\n");
        phase.ShouldBe("Active");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task CreateJobAndCronJob_AreStoredWithTheirCommands(string version)
    {
        await using var s = await Start(version);

        var cronJob = await s.Ok("create", "cronjob", "nightly", "--image=busybox:1.36", "--schedule=0 3 * * *", "--", "date");
        var job = await s.Ok("create", "job", "once", "--image=busybox:1.36", "--", "echo", "hi");
        var manual = await s.Ok("create", "job", "manual", "--from=cronjob/nightly");

        cronJob.ShouldBe("cronjob.batch/nightly created\n");
        job.ShouldBe("job.batch/once created\n");
        manual.ShouldBe("job.batch/manual created\n");
        var storedCronJob = s.Cluster.Store.Get(ResourceKinds.CronJobs, "default", "nightly")!;
        storedCronJob["spec"]!["schedule"]!.GetValue<string>().ShouldBe("0 3 * * *");
        var template = storedCronJob["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!;
        template["containers"]![0]!["command"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["date"]);
        template["restartPolicy"]!.GetValue<string>().ShouldBe("OnFailure");
        var storedJob = s.Cluster.Store.Get(ResourceKinds.Jobs, "default", "once")!;
        storedJob["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["echo", "hi"]);
        storedJob["spec"]!["template"]!["spec"]!["restartPolicy"]!.GetValue<string>().ShouldBe("Never");
        var storedManual = s.Cluster.Store.Get(ResourceKinds.Jobs, "default", "manual")!;
        storedManual.Annotations()["cronjob.kubernetes.io/instantiate"].ShouldBe("manual");
        var owner = storedManual.Meta()["ownerReferences"]![0]!;
        owner["kind"]!.GetValue<string>().ShouldBe("CronJob");
        owner["uid"]!.GetValue<string>().ShouldBe(storedCronJob.Meta().Str("uid"));
    }
}
