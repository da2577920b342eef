using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Store;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>
/// The real kubectl against the sandbox, for the oldest and newest installed versions: the sandbox's /version
/// makes the dispatcher run kubectl.1.27 or kubectl.1.33. Output is compared with what kubectl prints for a
/// real apiserver.
/// </summary>
public class KubectlTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed class Session : IAsyncDisposable
    {
        public required SandboxCluster Cluster { get; init; }
        public required Kubectl Kubectl { get; init; }
        public required ConcurrentQueue<string> Requests { get; init; }

        /// <summary>Every request line as it completes (a watch's line comes when it closes).</summary>
        public required ChannelReader<string> Completed { get; init; }

        /// <summary>Waits for a completed request matching <paramref name="match"/>.</summary>
        public async Task<string> RequestAsync(Func<string, bool> match, string what)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await foreach (var line in Completed.ReadAllAsync(cts.Token))
                    if (match(line)) return line;
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
            }
            throw new TimeoutException($"no request for {what}; requests:\n{string.Join("\n", Requests)}");
        }

        public ValueTask DisposeAsync()
        {
            Kubectl.Dispose();
            return Cluster.DisposeAsync();
        }

        public Task<KubectlResult> Run(params string[] args) => Kubectl.RunAsync(args);
    }

    static async Task<Session> Start(string version, TimeProvider? time = null, Action<SandboxOptions>? configure = null)
    {
        Assert.SkipUnless(Kubectl.Installed, "kubectl is not installed");
        var requests = new ConcurrentQueue<string>();
        var completed = Channel.CreateUnbounded<string>();
        var options = new SandboxOptions
        {
            KubeVersion = version,
            RequestLog = line =>
            {
                requests.Enqueue(line);
                completed.Writer.TryWrite(line);
            },
            Time = time ?? TimeProvider.System,
        };
        configure?.Invoke(options);
        var cluster = await SandboxCluster.StartAsync(options, Ct);
        return new Session { Cluster = cluster, Kubectl = new Kubectl(cluster), Requests = requests, Completed = completed.Reader };
    }

    /// <summary>Waits on a store watch until the controllers have brought the object into the expected state.</summary>
    static async Task<JsonObject> WaitFor(SandboxCluster cluster, ResourceKind kind, string name, Func<JsonObject, bool> predicate)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(20));
        using var watch = cluster.Store.Watch(kind, "default", 0);
        JsonObject? last = null;
        try
        {
            await foreach (var e in watch.Events.ReadAllAsync(cts.Token))
            {
                if (e.Name != name || e.Type == StoreEventType.Deleted) continue;
                last = e.Object;
                if (predicate(e.Object)) return e.Object;
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
        }
        throw new TimeoutException($"{kind} {name} never reached the expected state; last seen {last?.ToJsonString()}");
    }

    static long Int(JsonObject o, string section, string field) => (o[section] as JsonObject)?.Long(field) ?? 0;

    static List<string[]> Rows(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    static void ShouldSucceed(KubectlResult r) => r.ExitCode.ShouldBe(0, r.ToString());

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Apply_WorkloadManifestsWithValidation_CreatesThenReportsUnchanged(string version)
    {
        await using var s = await Start(version);
        var file = s.Kubectl.WriteFile("workloads.yaml", string.Join("\n---\n", Manifests.Deployment(), Manifests.StatefulSet(), Manifests.DaemonSet()));

        var created = await s.Run("apply", "-f", file);
        var again = await s.Run("apply", "-f", file);

        ShouldSucceed(created);
        created.Stdout.ShouldBe("deployment.apps/web created\nstatefulset.apps/db created\ndaemonset.apps/agent created\n");
        again.Stdout.ShouldBe("deployment.apps/web unchanged\nstatefulset.apps/db unchanged\ndaemonset.apps/agent unchanged\n");
        s.Requests.ShouldContain(r => r.StartsWith("POST /apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict 201", StringComparison.Ordinal));
        var sts = s.Cluster.Store.Get(ResourceKinds.StatefulSets, "default", "db")!;
        sts["spec"]!["updateStrategy"]!["rollingUpdate"]!["partition"]!.GetValue<int>().ShouldBe(0);
        sts.Annotations().ShouldContainKey("kubectl.kubernetes.io/last-applied-configuration");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Get_Deployments_PrintsReadyUpToDateAndAvailable(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(replicas: 3), Ct);
        await WaitFor(s.Cluster, ResourceKinds.Deployments, "web", d => Int(d, "status", "availableReplicas") == 3);
        // A bad image: the controllers surge one new pod that never starts while the three old ones keep serving.
        s.Cluster.Store.Mutate(ResourceKinds.Deployments, "default", "web", d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:nonexistent");
        await WaitFor(s.Cluster, ResourceKinds.Deployments, "web", d => Int(d, "status", "observedGeneration") == 2 && Int(d, "status", "updatedReplicas") == 1);

        var table = await s.Run("get", "deploy");
        var wide = await s.Run("get", "deployments", "-o", "wide");
        var json = await s.Run("get", "deploy", "web", "-o", "json");

        ShouldSucceed(table);
        var rows = Rows(table.Stdout);
        rows[0].ShouldBe(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
        rows[1].Take(4).ShouldBe(["web", "3/3", "1", "3"]);
        Rows(wide.Stdout)[1].Skip(5).ShouldBe(["app,sidecar", "nginx:nonexistent,busybox:1.36", "app=web"]);
        var obj = JsonNode.Parse(json.Stdout)!;
        obj["kind"]!.GetValue<string>().ShouldBe("Deployment");
        obj["spec"]!["replicas"]!.GetValue<int>().ShouldBe(3);
        obj["status"]!["readyReplicas"]!.GetValue<int>().ShouldBe(3);
        obj["status"]!["replicas"]!.GetValue<int>().ShouldBe(4);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Get_Pods_ShowsTheWaitingReasonAsStatus(string version)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await Start(version, time);
        s.Cluster.Writer.Create(ResourceKinds.Pods, "default", JsonNode.Parse("""
            {"metadata":{"name":"web-abc12"},"spec":{"containers":[{"name":"app","image":"nginx:nonexistent"}]}}
            """)!.AsObject());
        static string? Waiting(JsonObject p) => p["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>();
        await WaitFor(s.Cluster, ResourceKinds.Pods, "web-abc12", p => Waiting(p) == "ErrImagePull");
        // The kubelet's next sync finds the image in back-off; the fake clock holds that state while kubectl runs.
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitFor(s.Cluster, ResourceKinds.Pods, "web-abc12", p => Waiting(p) == "ImagePullBackOff");

        var result = await s.Run("get", "pods");

        ShouldSucceed(result);
        var rows = Rows(result.Stdout);
        rows[0].ShouldBe(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
        rows[1].Take(4).ShouldBe(["web-abc12", "0/1", "ImagePullBackOff", "0"]);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Errors_PrintAsForARealApiserver(string version)
    {
        await using var s = await Start(version);
        var web = s.Kubectl.WriteFile("web.yaml", Manifests.Deployment());
        var bad = s.Kubectl.WriteFile("bad.yaml", Manifests.Deployment("bad", replicas: -1).Replace("      labels:\n        app: \"bad\"", "      labels:\n        app: other", StringComparison.Ordinal));
        ShouldSucceed(await s.Run("create", "-f", web));
        var stale = s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        s.Cluster.Writer.Patch(ResourceKinds.Deployments, "default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":4}}""")!);
        var staleFile = s.Kubectl.WriteFile("stale.json", stale.ToJsonString());

        var notFound = await s.Run("get", "deployment", "nope");
        var exists = await s.Run("create", "-f", web);
        var invalid = await s.Run("apply", "-f", bad);
        var conflict = await s.Run("replace", "-f", staleFile);

        notFound.ExitCode.ShouldBe(1);
        notFound.Stderr.ShouldBe("Error from server (NotFound): deployments.apps \"nope\" not found\n");
        exists.ExitCode.ShouldBe(1);
        exists.Stderr.ShouldBe($"Error from server (AlreadyExists): error when creating \"{web}\": deployments.apps \"web\" already exists\n");
        invalid.ExitCode.ShouldBe(1);
        invalid.Stderr.ShouldBe("""
            The Deployment "bad" is invalid: 
            * spec.replicas: Invalid value: -1: must be greater than or equal to 0
            * spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`

            """.Replace("\r", "", StringComparison.Ordinal));
        conflict.ExitCode.ShouldBe(1);
        conflict.Stderr.ShouldBe($"Error from server (Conflict): error when replacing \"{staleFile}\": Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again\n");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Scale_Deployment_ChangesSpecReplicas(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var result = await s.Run("scale", "deploy", "web", "--replicas=5");

        ShouldSucceed(result);
        result.Stdout.ShouldBe("deployment.apps/web scaled\n");
        s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!["spec"]!["replicas"]!.GetValue<int>().ShouldBe(5);
        s.Cluster.Stats.Count("patch", "deployments/scale").ShouldBe(1);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task SetImage_OneContainer_SendsOneStrategicPatchAndKeepsTheOtherContainer(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var result = await s.Run("set", "image", "deployment/web", "app=nginx:1.26");

        ShouldSucceed(result);
        result.Stdout.ShouldBe("deployment.apps/web image updated\n");
        var d = s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        d["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["image"]!.GetValue<string>()).ShouldBe(["nginx:1.26", "busybox:1.36"]);
        d.Meta().Long("generation").ShouldBe(2);
        s.Cluster.Stats.Count("patch", "deployments").ShouldBe(1);
        s.Requests.ShouldContain("PATCH /apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl-set 200", ShouldlyExtensions.Prefix);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task RolloutHistoryAndUndo_WithReplicaSetsOfTwoRevisions_RestoresThePreviousTemplate(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(image: "nginx:1"), Ct);
        await WaitFor(s.Cluster, ResourceKinds.Deployments, "web", d => RolledOut(d, "1"));
        ShouldSucceed(await s.Run("set", "image", "deployment/web", "app=nginx:2"));
        await WaitFor(s.Cluster, ResourceKinds.Deployments, "web", d => RolledOut(d, "2"));

        var history = await s.Run("rollout", "history", "deployment/web");
        var undo = await s.Run("rollout", "undo", "deployment/web");
        var missing = await s.Run("rollout", "undo", "deployment/web", "--to-revision=9");

        ShouldSucceed(history);
        Rows(history.Stdout).Skip(1).ShouldBe([["REVISION", "CHANGE-CAUSE"], ["1", "<none>"], ["2", "<none>"]]);
        ShouldSucceed(undo);
        undo.Stdout.ShouldBe("deployment.apps/web rolled back\n");
        s.Requests.ShouldContain("PATCH /apis/apps/v1/namespaces/default/deployments/web 200", ShouldlyExtensions.Prefix);
        missing.ExitCode.ShouldBe(1);
        missing.Stderr.ShouldBe("error: unable to find specified revision 9 in history\n");
        // The controller reuses the first ReplicaSet as revision 3 rather than creating a third.
        var d = await WaitFor(s.Cluster, ResourceKinds.Deployments, "web", x => RolledOut(x, "3"));
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1");
        d["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ContainsKey("pod-template-hash").ShouldBeFalse();
        s.Cluster.Store.List(ResourceKinds.ReplicaSets, "default").Items.Count.ShouldBe(2);
        Rows((await s.Run("rollout", "history", "deployment/web")).Stdout).Skip(2).Select(r => r[0]).ShouldBe(["2", "3"]);
    }

    static bool RolledOut(JsonObject d, string revision) =>
        d.Annotations().GetValueOrDefault("deployment.kubernetes.io/revision") == revision
        && Int(d, "status", "observedGeneration") >= (d.Meta().Long("generation") ?? 0)
        && Int(d, "status", "updatedReplicas") == Int(d, "spec", "replicas") && Int(d, "status", "replicas") == Int(d, "spec", "replicas")
        && Int(d, "status", "availableReplicas") == Int(d, "spec", "replicas");

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task GetWatch_SeesChangesAsNewRows(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(), Ct);
        await WaitFor(s.Cluster, ResourceKinds.Deployments, "web", d => Int(d, "status", "availableReplicas") == 2);

        var output = await s.Kubectl.WatchUntilAsync(["get", "deploy", "-w"], () =>
        {
            s.Cluster.Writer.Patch(ResourceKinds.Deployments, "default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30), "NAME", "2/2", "3/3");

        var rows = Rows(output);
        rows[0][0].ShouldBe("NAME");
        rows.Count.ShouldBeGreaterThanOrEqualTo(3);
        rows.Skip(1).ShouldAllBe(r => r[0] == "web");
        rows[1][1].ShouldBe("2/2");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task AuthCanI_FollowsTheDeniedList(string version)
    {
        await using var s = await Start(version);
        s.Cluster.Faults = new FaultSettings { Denied = ["patch deployments"] };

        var patch = await s.Run("auth", "can-i", "patch", "deployments");
        var get = await s.Run("auth", "can-i", "get", "deployments");

        patch.Stdout.ShouldBe("no\n");
        patch.ExitCode.ShouldBe(1);
        get.Stdout.ShouldBe("yes\n");
        get.ExitCode.ShouldBe(0);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task DescribePod_ListsItsEventsThroughFieldSelectors(string version)
    {
        await using var s = await Start(version);
        var pod = s.Cluster.Writer.Create(ResourceKinds.Pods, "default", JsonNode.Parse("""
            {"metadata":{"name":"web-abc12"},"spec":{"containers":[{"name":"app","image":"nginx:nonexistent"}]}}
            """)!.AsObject());
        var now = ObjectStore.Timestamp(DateTimeOffset.UtcNow);
        s.Cluster.Writer.Create(ResourceKinds.Events, "default", JsonNode.Parse($$$"""
            {"metadata":{"name":"web-abc12.17f0"},"type":"Normal","reason":"Pulling","message":"Pulling image \"nginx:nonexistent\"",
             "involvedObject":{"kind":"Pod","namespace":"default","name":"web-abc12","uid":"{{{pod.Meta().Str("uid")}}}","apiVersion":"v1","fieldPath":"spec.containers{app}"},
             "source":{"component":"kubelet","host":"node-1"},"firstTimestamp":"{{{now}}}","lastTimestamp":"{{{now}}}","count":1}
            """)!.AsObject());

        var result = await s.Run("describe", "pod", "web-abc12");

        ShouldSucceed(result);
        result.Stdout.ShouldContain("Name:");
        result.Stdout.ShouldContain("web-abc12");
        result.Stdout.ShouldContain("Pulling image \"nginx:nonexistent\"");
        s.Requests.ShouldContain(r => r.StartsWith("GET /api/v1/namespaces/default/events?fieldSelector=", StringComparison.Ordinal) && r.Contains(" 200 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task GetPods_DuringARolloutWithAStopDelay_ShowsTheReplacedPodsTerminating(string version)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var step = TimeSpan.FromSeconds(1);
        await using var s = await Start(version, time, o => (o.PodStartDelay, o.PodStopDelay) = (step, TimeSpan.FromSeconds(10)));
        await s.Cluster.ApplyAsync(Manifests.Deployment(replicas: 2), Ct);
        await SandboxClock.AdvanceAsync(s.Cluster, time, step);
        ShouldSucceed(await s.Run("set", "image", "deployment/web", "app=nginx:1.26"));
        // maxSurge 1, maxUnavailable 0: one new pod, ready a second later, then the next; each readiness sends an old pod into its ten-second stop.
        await SandboxClock.AdvanceAsync(s.Cluster, time, step);
        await SandboxClock.AdvanceAsync(s.Cluster, time, step);

        var during = await s.Run("get", "pods");
        var status = await s.Run("rollout", "status", "deployment/web", "--watch=false");
        await SandboxClock.AdvanceAsync(s.Cluster, time, TimeSpan.FromSeconds(10));
        var after = await s.Run("get", "pods");

        ShouldSucceed(during);
        var rows = Rows(during.Stdout).Skip(1).ToList();
        rows.Count.ShouldBe(4, during.Stdout);
        rows.Count(r => r[1] == "2/2" && r[2] == "Terminating").ShouldBe(2, during.Stdout);
        rows.Count(r => r[1] == "2/2" && r[2] == "Running").ShouldBe(2, during.Stdout);
        // Terminating pods are not replicas: the rollout is complete while they stop.
        status.Stdout.ShouldBe("deployment \"web\" successfully rolled out\n");
        var remaining = Rows(after.Stdout).Skip(1).ToList();
        remaining.Count.ShouldBe(2, after.Stdout);
        remaining.ShouldAllBe(r => r[2] == "Running");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task DeletePod_WaitsUntilTheKubeletHasRemovedIt(string version)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await Start(version, time, o => o.PodStopDelay = TimeSpan.FromSeconds(5));
        s.Cluster.Writer.Create(ResourceKinds.Pods, "default", JsonNode.Parse("""
            {"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}
            """)!.AsObject());
        await WaitFor(s.Cluster, ResourceKinds.Pods, "web", p => p["status"]?["phase"]?.GetValue<string>() == "Running");

        var delete = s.Run("delete", "pod", "web");
        // kubectl's wait lists the pod by name (then watches it) once the DELETE has answered with the marked pod.
        await s.RequestAsync(r => r.StartsWith("GET /api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb", StringComparison.Ordinal), "kubectl's wait for the deletion");
        var terminating = s.Cluster.Store.Get(ResourceKinds.Pods, "default", "web");
        var doneBeforeTheStop = delete.IsCompleted;
        await SandboxClock.AdvanceAsync(s.Cluster, time, TimeSpan.FromSeconds(5));
        var result = await delete;

        terminating.ShouldNotBeNull();
        terminating.Meta()["deletionTimestamp"].ShouldNotBeNull();
        doneBeforeTheStop.ShouldBeFalse();
        ShouldSucceed(result);
        result.Stdout.ShouldBe("pod \"web\" deleted\n");
        s.Cluster.Store.Get(ResourceKinds.Pods, "default", "web").ShouldBeNull();
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task DeletePod_ForceWithGracePeriodZero_RemovesItAtOnce(string version)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await Start(version, time, o => o.PodStopDelay = TimeSpan.FromSeconds(5));
        s.Cluster.Writer.Create(ResourceKinds.Pods, "default", JsonNode.Parse("""
            {"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"nginx:1.25"}]}}
            """)!.AsObject());
        await WaitFor(s.Cluster, ResourceKinds.Pods, "web", p => p["status"]?["phase"]?.GetValue<string>() == "Running");

        var result = await s.Run("delete", "pod", "web", "--grace-period=0", "--force");

        ShouldSucceed(result);
        result.Stdout.ShouldBe("pod \"web\" force deleted\n");
        result.Stderr.ShouldStartWith("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated.");
        s.Cluster.Store.Get(ResourceKinds.Pods, "default", "web").ShouldBeNull();
    }
}

static class ShouldlyExtensions
{
    public static void ShouldContain(this IEnumerable<string> lines, string prefix, PrefixMatch _) =>
        lines.ShouldContain(l => l.StartsWith(prefix, StringComparison.Ordinal), $"no request starting with {prefix} in:\n{string.Join("\n", lines)}");

    public sealed record PrefixMatch;

    public static readonly PrefixMatch Prefix = new();
}
