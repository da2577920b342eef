using System.Text.Json.Nodes;
using Hoist.Contracts;
using Hoist.Sandbox;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Store;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;

namespace Hoist.Server.IntegrationTests.Kubernetes;

/// <summary>The gateway over real HTTP against the sandbox API: reads, validation, the patch and the watch machinery.</summary>
public sealed class KubernetesGatewayTests : IAsyncLifetime
{
    const string Token = "sandbox-token-not-secret";
    SandboxCluster _cluster = null!;
    KubernetesClusterGateway _gateway = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cluster = await SandboxCluster.StartAsync(new SandboxOptions { BearerToken = Token }, Ct);
        await _cluster.ApplyAsync(string.Join("\n---\n",
            Manifests.Deployment(), Manifests.StatefulSet(), Manifests.DaemonSet(), Manifests.ReplicaSet(), Manifests.Pod(), Manifests.CronJob(), Manifests.Job()), Ct);
        _gateway = Gateway(new ClusterConnection { Server = _cluster.Url.ToString(), Token = Token });
    }

    public async ValueTask DisposeAsync()
    {
        _gateway.Dispose();
        await _cluster.DisposeAsync();
    }

    static KubernetesClusterGateway Gateway(ClusterConnection c) =>
        new(c, new KubernetesOptions { RetryDelay = TimeSpan.FromMilliseconds(10) }, TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task Check_ReachableCluster_ReportsVersionAndEveryPermission()
    {
        var check = await _gateway.CheckAsync(Ct);
        check.Reachable.ShouldBeTrue(check.Error);
        check.ServerVersion.ShouldStartWith("v1.33");
        check.Permissions.Count.ShouldBe(26);
        check.AllAllowed.ShouldBeTrue();
        check.Permissions.ShouldContain(p => p.Verb == "patch" && p.Resource == "deployments.apps");
    }

    [Fact]
    public async Task Check_DeniedVerb_IsReportedAsNotAllowed()
    {
        _cluster.Faults = _cluster.Faults with { Denied = ["patch deployments"] };
        var check = await _gateway.CheckAsync(Ct);
        check.Reachable.ShouldBeTrue();
        check.AllAllowed.ShouldBeFalse();
        check.Permissions.Single(p => p.Verb == "patch" && p.Resource == "deployments.apps").Allowed.ShouldBeFalse();
        check.Permissions.Single(p => p.Verb == "get" && p.Resource == "deployments.apps").Allowed.ShouldBeTrue();
    }

    [Fact]
    public async Task Check_WrongToken_ReportsStatusWithoutTheBody()
    {
        using var wrong = Gateway(new ClusterConnection { Server = _cluster.Url.ToString(), Token = "wrong" });
        var check = await wrong.CheckAsync(Ct);
        check.Reachable.ShouldBeFalse();
        check.Error.ShouldBe("get /version: 401 Unauthorized");
    }

    [Fact]
    public async Task Check_NothingListening_IsUnreachable()
    {
        using var nowhere = Gateway(new ClusterConnection { Server = "http://127.0.0.1:9", Token = Token });
        var check = await nowhere.CheckAsync(Ct);
        check.Reachable.ShouldBeFalse();
        check.Error.ShouldStartWith("get /version: connection failed");
    }

    [Fact]
    public async Task Kubeconfig_WithAChosenContext_Connects()
    {
        var kubeconfig = _cluster.KubeconfigYaml("sandbox-ctx");
        using var viaKubeconfig = Gateway(new ClusterConnection { Kubeconfig = kubeconfig, Context = "sandbox-ctx" });
        (await viaKubeconfig.ListNamespacesAsync(Ct)).ShouldContain("default");
    }

    [Fact]
    public async Task Lists_NamespacesWorkloadsAndContainers_AreReadLive()
    {
        (await _gateway.ListNamespacesAsync(Ct)).ShouldContain("kube-system");
        (await _gateway.ListWorkloadsAsync("default", WorkloadKind.Deployment, Ct)).ShouldBe(["web"]);
        (await _gateway.ListWorkloadsAsync("default", WorkloadKind.CronJob, Ct)).ShouldBe(["nightly"]);
        var containers = await _gateway.GetContainersAsync(new WorkloadRef("default", WorkloadKind.StatefulSet, "db"), Ct);
        containers.ShouldBe([new ContainerInfo("migrate", "busybox:1.36", true), new ContainerInfo("web", "postgres:16", false), new ContainerInfo("sidecar", "envoy:1.30", false)]);
        (await _gateway.GetContainersAsync(new WorkloadRef("default", WorkloadKind.Deployment, "nope"), Ct)).ShouldBeNull();
    }

    [Theory]
    [InlineData(WorkloadKind.Deployment, "web", "nginx:1.26")]
    [InlineData(WorkloadKind.StatefulSet, "db", "postgres:16")]
    [InlineData(WorkloadKind.DaemonSet, "agent", "fluentbit:3")]
    [InlineData(WorkloadKind.ReplicaSet, "bare", "nginx:1.26")]
    [InlineData(WorkloadKind.Pod, "solo", "nginx:1.26")]
    [InlineData(WorkloadKind.CronJob, "nightly", "backup:1")]
    public async Task ReadWorkload_EachKind_ReadsItsPodTemplate(WorkloadKind kind, string name, string image)
    {
        var w = await _gateway.ReadWorkloadAsync(new WorkloadRef("default", kind, name), Ct);
        w.ShouldNotBeNull();
        w.ImageOf("web").ShouldBe(image);
        w.ImageOf("migrate").ShouldBe("busybox:1.36");
        w.ResourceVersion.ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("default", "Deployment", "web", "nope", ProblemCodes.ContainerNotFound)]
    [InlineData("default", "Deployment", "ghost", "web", ProblemCodes.WorkloadNotFound)]
    [InlineData("prod", "Deployment", "web", "web", ProblemCodes.NamespaceNotFound)]
    [InlineData("default", "Job", "once", "web", ProblemCodes.UnsupportedWorkloadKind)]
    public async Task Validate_BadTarget_IsRefusedAndNothingChanges(string ns, string kind, string name, string container, string code)
    {
        var generation = Generation(_cluster, "web");
        var before = _cluster.Stats.Snapshot();
        var validator = new ReleaseTargetValidator(new SingleAccount(_cluster, Token), new SingleFactory(_gateway));
        var check = await validator.ValidateAsync(1, ns, kind, name, container, "nginx:1.27", Ct);
        check.Problem!.Code.ShouldBe(code);
        Generation(_cluster, "web").ShouldBe(generation);
        _cluster.Stats.Snapshot().Where(p => !p.Key.StartsWith("get ", StringComparison.Ordinal) && !p.Key.StartsWith("list ", StringComparison.Ordinal))
            .ShouldBe(before.Where(p => !p.Key.StartsWith("get ", StringComparison.Ordinal) && !p.Key.StartsWith("list ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Patch_WithCurrentResourceVersion_ChangesOneImageAndAnnotatesTheWorkload()
    {
        var web = new WorkloadRef("default", WorkloadKind.Deployment, "web");
        WorkloadState w;
        string body;
        PatchResult result;
        var attempts = 0;
        do
        {
            // The controllers write the Deployment too (status, revision): a conflict just means "read again".
            w = (await _gateway.ReadWorkloadAsync(web, Ct))!;
            body = ImagePatch.Build(w, new ImageChange { Container = "web", Image = "nginx:1.27", ReleaseId = 7, ChangeCause = "Hoist release #7" })!;
            result = await _gateway.PatchAsync(web, body, Ct);
        }
        while (result.Outcome == PatchOutcome.Conflict && ++attempts < 10);
        result.Outcome.ShouldBe(PatchOutcome.Applied);
        result.Workload!.Generation.ShouldBe(w.Generation + 1);
        var stored = _cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        stored["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.27");
        stored["spec"]!["template"]!["spec"]!["containers"]![1]!["image"]!.GetValue<string>().ShouldBe("envoy:1.30");
        stored["spec"]!["template"]!["spec"]!["initContainers"]![0]!["image"]!.GetValue<string>().ShouldBe("busybox:1.36");
        stored["metadata"]!["annotations"]!["hoist.dev/release-id"]!.GetValue<string>().ShouldBe("7");
        stored["metadata"]!["annotations"]!["hoist.dev/previous-image"]!.GetValue<string>().ShouldBe("nginx:1.26");
        stored["spec"]!["template"]!["metadata"]!["annotations"]?["hoist.dev/release-id"].ShouldBeNull();
        _cluster.Stats.Count("patch", "deployments").ShouldBe(attempts + 1);

        // The same body again carries a resourceVersion that is now stale.
        (await _gateway.PatchAsync(web, body, Ct)).Outcome.ShouldBe(PatchOutcome.Conflict);
        Generation(_cluster, "web").ShouldBe(w.Generation + 1);
    }

    [Fact]
    public async Task Patch_InitContainerOfACronJob_Works()
    {
        var nightly = new WorkloadRef("default", WorkloadKind.CronJob, "nightly");
        var w = (await _gateway.ReadWorkloadAsync(nightly, Ct))!;
        var result = await _gateway.PatchAsync(nightly, ImagePatch.Build(w, new ImageChange { Container = "migrate", Image = "busybox:1.37", ReleaseId = 1, ChangeCause = "x" })!, Ct);
        result.Outcome.ShouldBe(PatchOutcome.Applied);
        result.Workload!.ImageOf("migrate").ShouldBe("busybox:1.37");
        result.Workload.ImageOf("web").ShouldBe("backup:1");
    }

    [Fact]
    public async Task Patch_ServerErrors_AreRetriedAndNeverLeakTheBody()
    {
        var web = new WorkloadRef("default", WorkloadKind.Deployment, "web");
        _cluster.Faults = _cluster.Faults with { ErrorRate = 1 };
        var e = await Should.ThrowAsync<ClusterUnreachableException>(() => _gateway.ReadWorkloadAsync(web, Ct));
        e.Message.ShouldBe("get deployment web: 500 InternalError");
        _cluster.Stats.Count("get", "deployments").ShouldBe(5);
    }

    [Fact]
    public async Task Patch_Forbidden_IsARequestErrorWithItsStatus()
    {
        var web = new WorkloadRef("default", WorkloadKind.Deployment, "web");
        var w = (await _gateway.ReadWorkloadAsync(web, Ct))!;
        _cluster.Faults = _cluster.Faults with { Denied = ["patch deployments"] };
        var e = await Should.ThrowAsync<ClusterRequestException>(() => _gateway.PatchAsync(web, ImagePatch.Build(w, new ImageChange { Container = "web", Image = "nginx:1.27", ReleaseId = 1, ChangeCause = "x" })!, Ct));
        e.StatusCode.ShouldBe(403);
        e.Message.ShouldBe("patch deployment web: 403 Forbidden");
    }

    [Fact]
    public async Task Watch_SeesEveryChangeAcrossDroppedStreamsAndExpiredHistory()
    {
        var web = new WorkloadRef("default", WorkloadKind.Deployment, "web");
        _cluster.Faults = _cluster.Faults with { WatchCloseAfterSeconds = 1 };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        await using var snapshots = _gateway.WatchRolloutAsync(web, stop.Token).GetAsyncEnumerator(stop.Token);

        (await snapshots.MoveNextAsync()).ShouldBeTrue();
        snapshots.Current.Workload!.ImageOf("web").ShouldBe("nginx:1.26");

        // Changes made after the stream was closed by the server (and during its re-opening) must all arrive.
        for (var i = 1; i <= 3; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1200), Ct);
            var mark = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Annotate(_cluster, ResourceKinds.Deployments, "web", mark);
            while (await snapshots.MoveNextAsync())
                if (snapshots.Current.Workload?.Annotation("test/mark") == mark) break;
        }
        _cluster.Stats.Count("watch", "deployments").ShouldBeGreaterThan(2);
    }

    [Fact]
    public async Task Watch_ResumeFromExpiredHistory_RelistsAndConverges()
    {
        await using var small = await SandboxCluster.StartAsync(new SandboxOptions
        {
            WatchHistory = 5,
            Faults = new FaultSettings { WatchCloseAfterSeconds = 1, LatencyMs = 150 },
        }, Ct);
        await small.ApplyAsync(Manifests.Deployment() + "\n---\n" + Manifests.DaemonSet(), Ct);
        using var gateway = Gateway(new ClusterConnection { Server = small.Url.ToString() });
        var web = new WorkloadRef("default", WorkloadKind.Deployment, "web");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        await using var snapshots = gateway.WatchRolloutAsync(web, stop.Token).GetAsyncEnumerator(stop.Token);
        (await snapshots.MoveNextAsync()).ShouldBeTrue();

        // Unrelated writes push the watch history past what a re-opened watch asks for.
        var churn = Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                var n = i;
                Annotate(small, ResourceKinds.DaemonSets, "agent", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(20, Ct);
            }
        }, Ct);
        await churn;
        Annotate(small, ResourceKinds.Deployments, "web", "last");
        while (await snapshots.MoveNextAsync())
            if (snapshots.Current.Workload?.Annotation("test/mark") == "last") break;
        small.Stats.Count("list", "deployments").ShouldBeGreaterThan(1); // at least one 410 led to a relist
    }

    [Fact]
    public async Task Runtime_Deployment_ShowsPodsContainersEventsAndLogs()
    {
        var web = new WorkloadRef("default", WorkloadKind.Deployment, "web");
        var runtime = await RuntimeWithReadyPodsAsync(_gateway, web, "web", 3);
        runtime.Desired.ShouldBe(3);
        runtime.NewRevision.ShouldNotBeNullOrEmpty();
        runtime.Pods.Count.ShouldBe(3);
        runtime.Pods.ShouldAllBe(p => p.IsNew && p.Ready && p.Revision == runtime.NewRevision);
        var pod = runtime.Pods[0];
        pod.Containers.Select(c => (c.Name, c.IsInit)).ShouldBe([("migrate", true), ("web", false), ("sidecar", false)]);
        pod.Containers.Single(c => c.Name == "web").State.ShouldBe("running");
        pod.Containers.Single(c => c.Name == "web").ImageId.ShouldNotBeNullOrEmpty();
        runtime.Events.ShouldContain(e => e.Reason == "Scheduled" || e.Reason == "Started");

        var log = await _gateway.GetLogTailAsync("default", pod.Name, "web", 5, Ct);
        log.ShouldNotBeNull();
        log.Lines.ShouldNotBeEmpty();
        log.Lines.Count.ShouldBeLessThanOrEqualTo(5);
        (await _gateway.GetLogTailAsync("default", "no-such-pod", "web", 5, Ct)).ShouldBeNull();
        (await _gateway.GetRuntimeAsync(new WorkloadRef("default", WorkloadKind.Deployment, "ghost"), null, Ct)).ShouldBeNull();
        _cluster.Stats.Count("watch", "pods").ShouldBe(0); // the runtime view only lists
    }

    [Fact]
    public async Task Runtime_PodBeingDeleted_IsTerminatingAndLabelledSoOnThePage()
    {
        // Containers that take ten minutes to stop keep the deleted pod in Terminating for the whole test.
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { PodStopDelay = TimeSpan.FromMinutes(10) }, Ct);
        await cluster.ApplyAsync(Manifests.Deployment(replicas: 2), Ct);
        using var gateway = Gateway(new ClusterConnection { Server = cluster.Url.ToString(), Token = "unused" });
        var web = new WorkloadRef("default", WorkloadKind.Deployment, "web");
        var victim = (await RuntimeWithReadyPodsAsync(gateway, web, "web", 2)).Pods[0].Name;

        cluster.Writer.Delete(ResourceKinds.Pods, "default", victim);
        var runtime = await gateway.GetRuntimeAsync(web, "web", Ct);

        var pod = runtime.ShouldNotBeNull().Pods.Single(p => p.Name == victim);
        pod.Terminating.ShouldBeTrue();
        Hoist.Server.Web.PodLook.Label(pod, Hoist.Server.Web.Strings.En).ShouldBe("Terminating");
        Hoist.Server.Web.PodLook.Label(pod, Hoist.Server.Web.Strings.Zh).ShouldBe("正在终止");
        Hoist.Server.Web.PodLook.Tone(pod).ShouldBe("muted");
        runtime.Pods.Where(p => p.Name != victim).ShouldAllBe(p => !p.Terminating);
    }

    /// <summary>The runtime view of <paramref name="workload"/> once <paramref name="ready"/> of its pods are Ready.</summary>
    static async Task<RuntimeDto> RuntimeWithReadyPodsAsync(KubernetesClusterGateway gateway, WorkloadRef workload, string container, int ready)
    {
        RuntimeDto? runtime = null;
        for (var i = 0; i < 100 && runtime?.Pods.Count(p => p.Ready) != ready; i++)
        {
            await Task.Delay(100, Ct); // the controllers start the pods: a bounded wait for an integration test
            runtime = await gateway.GetRuntimeAsync(workload, container, Ct);
        }
        return runtime.ShouldNotBeNull();
    }

    [Fact]
    public async Task Watch_DeletedWorkload_IsReportedAsGone()
    {
        var pod = new WorkloadRef("default", WorkloadKind.Pod, "solo");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(20));
        await using var snapshots = _gateway.WatchRolloutAsync(pod, stop.Token).GetAsyncEnumerator(stop.Token);
        (await snapshots.MoveNextAsync()).ShouldBeTrue();
        snapshots.Current.Workload.ShouldNotBeNull();
        snapshots.Current.Pods.Single().Name.ShouldBe("solo");
        _cluster.Store.Delete(ResourceKinds.Pods, "default", "solo");
        while (await snapshots.MoveNextAsync())
            if (snapshots.Current.Workload is null) return;
        throw new ShouldAssertException("no snapshot reported the deletion");
    }

    /// <summary>An annotation no controller touches: a change the watch must deliver, whatever else is going on.</summary>
    static void Annotate(SandboxCluster cluster, ResourceKind kind, string name, string mark) =>
        cluster.Store.Mutate(kind, "default", name, o =>
        {
            var meta = o["metadata"]!.AsObject();
            if (meta["annotations"] is not JsonObject annotations) meta["annotations"] = annotations = new JsonObject();
            annotations["test/mark"] = mark;
        });

    internal static long Generation(SandboxCluster cluster, string name, ResourceKind? kind = null) =>
        long.Parse(cluster.Store.Get(kind ?? ResourceKinds.Deployments, "default", name)!["metadata"]!["generation"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    sealed class SingleAccount(SandboxCluster cluster, string token) : IClusterConnectionSource
    {
        public Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct) =>
            Task.FromResult<(string, ClusterConnection)?>(("sandbox", new ClusterConnection { Server = cluster.Url.ToString(), Token = token }));
    }

    sealed class SingleFactory(IRolloutGateway gateway) : IRolloutGatewayFactory
    {
        public IRolloutGateway GetRollouts(long cloudAccountId, ClusterConnection connection) => gateway;
    }
}
