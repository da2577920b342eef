
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Contracts;
using Hoist.Sandbox;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Store;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Hoist.Server.IntegrationTests.Releases;

/// <summary>Whole releases against the sandbox over HTTP: each kind, each failure class, faults, restarts.</summary>
public sealed class ReleaseEngineSandboxTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    static readonly SandboxOptions Quick = new() { PodStartDelay = TimeSpan.FromMilliseconds(200) };

    static readonly string AllKinds = string.Join("\n---\n",
        Manifests.Deployment(), Manifests.StatefulSet(), Manifests.DaemonSet(), Manifests.ReplicaSet(), Manifests.Pod(), Manifests.CronJob(), Manifests.Job());

    public static TheoryData<WorkloadKind, string, string> Kinds => new()
    {
        { WorkloadKind.Deployment, "web", "nginx:1.26" },
        { WorkloadKind.StatefulSet, "db", "postgres:16" },
        { WorkloadKind.DaemonSet, "agent", "fluentbit:3" },
        { WorkloadKind.ReplicaSet, "bare", "nginx:1.26" },
        { WorkloadKind.Pod, "solo", "nginx:1.26" },
        { WorkloadKind.CronJob, "nightly", "backup:1" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Release_GoodImage_SucceedsForEachKindOnlyOnceTheClusterIsThere(WorkloadKind kind, string name, string before)
    {
        await using var s = await SandboxEngine.StartAsync(Quick, ct: Ct);
        await s.Cluster.ApplyAsync(AllKinds, Ct);
        await Until(() => Settled(s.Cluster, kind, name, before), "the initial rollout");
        var image = before.Split(':')[0] + ":next";
        string? stateAtVerdict = null;
        s.OnVerdict = r => stateAtVerdict = Settled(s.Cluster, kind, name, image) ? "complete" : "incomplete";

        var release = await s.QueueAsync(SandboxEngine.Spec(kind, name, image), Ct);
        var (done, _) = await s.FinishAsync(release.Id, Patience, Ct);

        done.Status.ShouldBe(ReleaseStatus.Succeeded, done.StatusMessage);
        stateAtVerdict.ShouldBe("complete");
        done.Transitions.OrderBy(t => t.Id).Select(t => t.To).ShouldBe(kind == WorkloadKind.CronJob
            ? [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.Succeeded]
            : [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Succeeded]);
        done.ImageBefore.ShouldBe(before);
        done.ImageAfter.ShouldBe(image);
        done.PatchSent.ShouldNotBeNull().ShouldContain(image);
        s.Cluster.Stats.Count("patch", Resource(kind)).ShouldBe(1);
        if (kind != WorkloadKind.CronJob)
        {
            done.RunningDigest.ShouldNotBeNullOrEmpty();
            done.Pods.ShouldNotBeEmpty();
            done.Pods.Where(p => p.New).ShouldAllBe(p => p.Ready);
        }
        if (kind == WorkloadKind.Deployment)
        {
            done.RevisionBefore.ShouldBe("1");
            done.RevisionAfter.ShouldBe("2");
        }
        if (kind == WorkloadKind.CronJob) done.StatusMessage.ShouldStartWith("cronjob \"nightly\" updated; next job at ");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Release_SameImage_IsANoOpForEachKind(WorkloadKind kind, string name, string before)
    {
        await using var s = await SandboxEngine.StartAsync(Quick, ct: Ct);
        await s.Cluster.ApplyAsync(AllKinds, Ct);
        var generation = Generation(s.Cluster, kind, name);

        var release = await s.QueueAsync(SandboxEngine.Spec(kind, name, before), Ct);
        var (done, _) = await s.FinishAsync(release.Id, Patience, Ct);

        done.Status.ShouldBe(ReleaseStatus.Succeeded);
        done.StatusMessage.ShouldBe($"image unchanged: container \"web\" already runs {before}");
        s.Cluster.Stats.Count("patch", Resource(kind)).ShouldBe(0);
        Generation(s.Cluster, kind, name).ShouldBe(generation);
    }

    public static TheoryData<string, string, string, int, FailureReason, string> Failures => new()
    {
        { "nonexistent image", "nginx:nonexistent", "", 600, FailureReason.ImagePullFailed, "failed: ErrImagePull — pod web-" },
        { "crash loop", "app:crashloop", "", 600, FailureReason.CrashLoop, "failed: CrashLoopBackOff — pod web-" },
        { "config error", "app:configerror", "", 600, FailureReason.ContainerConfigError, "failed: CreateContainerConfigError — pod web-" },
        { "impossible nodeSelector", "nginx:1.27", "nodeSelector: {disktype: nowhere}", 600, FailureReason.Unschedulable, "failed: Unschedulable — pod web-" },
        { "progress deadline", "app:unready", "", 2, FailureReason.ProgressDeadlineExceeded, "failed: ProgressDeadlineExceeded — deployment web: " },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Release_FailureClass_FailsWithItsReasonWithinTenSecondsOfTheCause(string scenario, string image, string podExtra, int deadline, FailureReason reason, string message)
    {
        await using var s = await SandboxEngine.StartAsync(Quick, ct: Ct);
        await s.Cluster.ApplyAsync(Manifests.Deployment(progressDeadlineSeconds: deadline, podExtra: podExtra), Ct);
        if (podExtra.Length == 0) await Until(() => Settled(s.Cluster, WorkloadKind.Deployment, "web", "nginx:1.26"), "the initial rollout");
        using var causes = CauseWatch.Start(s.Cluster, reason);

        var release = await s.QueueAsync(SandboxEngine.Spec(WorkloadKind.Deployment, "web", image), Ct);
        var (done, events) = await s.FinishAsync(release.Id, Patience, Ct);

        done.Status.ShouldBe(ReleaseStatus.Failed, scenario);
        done.Reason.ShouldBe(reason, scenario);
        if (reason == FailureReason.ImagePullFailed)
            done.StatusMessage.ShouldNotBeNull().ShouldMatch(@"^failed: (ErrImagePull|ImagePullBackOff) — pod web-[a-z0-9]+-[a-z0-9]{5}: .*nginx:nonexistent", scenario);
        else
            done.StatusMessage.ShouldStartWith(message, Case.Sensitive, scenario);
        var causeAt = causes.FirstSeen.ShouldNotBeNull($"{scenario}: the cause never showed in the cluster");
        var verdictAt = s.Verdicts[release.Id].At;
        (verdictAt - causeAt).ShouldBeLessThan(TimeSpan.FromSeconds(10), scenario);
        if (reason == FailureReason.CrashLoop)
        {
            done.StatusMessage.ShouldContain("exited with code 1");
            done.FailureLog.ShouldNotBeNullOrEmpty();
        }
        events.ShouldContain(e => e.Type == ReleaseEvent.ProgressType, scenario);
    }

    [Theory]
    [InlineData("default", "web", "nope", ProblemCodes.ContainerNotFound)]
    [InlineData("default", "ghost", "web", ProblemCodes.WorkloadNotFound)]
    [InlineData("prod", "web", "web", ProblemCodes.NamespaceNotFound)]
    public async Task Release_BadTarget_FailsValidationAndLeavesTheWorkloadAlone(string ns, string name, string container, string code)
    {
        await using var s = await SandboxEngine.StartAsync(Quick, ct: Ct);
        await s.Cluster.ApplyAsync(AllKinds, Ct);
        var generation = Generation(s.Cluster, WorkloadKind.Deployment, "web");

        var check = await s.Services.GetRequiredService<IReleaseTargetValidator>().ValidateAsync(1, ns, "Deployment", name, container, "nginx:1.27", Ct);
        check.Problem!.Code.ShouldBe(code);
        var release = await s.QueueAsync(SandboxEngine.Spec(WorkloadKind.Deployment, name, "nginx:1.27", container: container, ns: ns), Ct);
        var (done, _) = await s.FinishAsync(release.Id, Patience, Ct);

        done.Status.ShouldBe(ReleaseStatus.Failed);
        done.Reason.ShouldBe(FailureReason.ValidationFailed);
        done.StatusMessage.ShouldNotBeNull().ShouldContain(check.Problem.Detail);
        Generation(s.Cluster, WorkloadKind.Deployment, "web").ShouldBe(generation);
        s.Cluster.Stats.Snapshot().Keys.ShouldNotContain(k => k.StartsWith("patch ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Release_Job_IsRefusedBeforeAnyRelease()
    {
        await using var s = await SandboxEngine.StartAsync(Quick, ct: Ct);
        await s.Cluster.ApplyAsync(AllKinds, Ct);
        var generation = Generation(s.Cluster, ResourceKinds.Jobs, "once");
        var check = await s.Services.GetRequiredService<IReleaseTargetValidator>().ValidateAsync(1, "default", "Job", "once", "web", "busybox:1.37", Ct);
        check.Problem!.Code.ShouldBe(ProblemCodes.UnsupportedWorkloadKind);
        Generation(s.Cluster, ResourceKinds.Jobs, "once").ShouldBe(generation);
        s.Cluster.Stats.Snapshot().Keys.ShouldNotContain(k => k.StartsWith("patch ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Release_UnderInjectedFaults_FiftyReleasesReachTheRightVerdictAndNoneSucceedsEarly()
    {
        // The sandbox closes every stream after 2 s, so one silent for 10 s is dead: re-open it (the default, 90 s,
        // suits a real apiserver's one-minute bookmarks).
        await using var s = await SandboxEngine.StartAsync(new SandboxOptions { PodStartDelay = TimeSpan.FromMilliseconds(300) },
            new() { ["Kubernetes:WatchIdleTimeout"] = "00:00:10" }, Ct);
        var names = Enumerable.Range(1, 50).Select(i => $"app{i:00}").ToList();
        await s.Cluster.ApplyAsync(string.Join("\n---\n", names.Select(n => Manifests.Deployment(n, "nginx:1.26", replicas: 2))), Ct);
        await Until(() => names.All(n => Settled(s.Cluster, WorkloadKind.Deployment, n, "nginx:1.26")), "50 initial rollouts");
        var early = new ConcurrentBag<string>();
        s.OnVerdict = r =>
        {
            if (r.Status == ReleaseStatus.Succeeded && !Settled(s.Cluster, WorkloadKind.Deployment, r.WorkloadName, r.ImageAfter))
                early.Add($"#{r.Id} {r.WorkloadName}: {Describe(s.Cluster.Store.Get(ResourceKinds.Deployments, "default", r.WorkloadName)!)}");
        };
        s.Cluster.Faults = new FaultSettings { ErrorRate = 0.1, ConflictRate = 0.1, WatchCloseAfterSeconds = 2, LatencyMs = 50 };

        var bad = names.Where((_, i) => i % 5 == 4).ToHashSet();
        var releases = new List<(string Name, long Id)>();
        foreach (var n in names)
            releases.Add((n, (await s.QueueAsync(SandboxEngine.Spec(WorkloadKind.Deployment, n, bad.Contains(n) ? "nginx:nonexistent" : "nginx:1.27"), Ct)).Id));
        var results = await Task.WhenAll(releases.Select(async r => (r.Name, (await s.FinishAsync(r.Id, TimeSpan.FromSeconds(90), Ct)).Release)));

        early.ShouldBeEmpty();
        foreach (var (name, release) in results)
        {
            if (bad.Contains(name))
            {
                release.Status.ShouldBe(ReleaseStatus.Failed, $"{name}: {release.StatusMessage}");
                release.Reason.ShouldBe(FailureReason.ImagePullFailed, $"{name}: {release.StatusMessage}");
            }
            else
            {
                release.Status.ShouldBe(ReleaseStatus.Succeeded, $"{name}: {release.StatusMessage}");
            }
        }
        // Every release patched its workload exactly once, whatever the faults did to the requests.
        foreach (var n in names)
            s.Cluster.Store.Get(ResourceKinds.Deployments, "default", n)!["metadata"]!["generation"]!.ToJsonString().ShouldBe("2", n);
    }

    [Fact]
    public async Task Release_RollingOutAcrossAnEngineRestart_FinishesWithExactlyOnePatch()
    {
        await using var s = await SandboxEngine.StartAsync(new SandboxOptions { PodStartDelay = TimeSpan.FromSeconds(1) }, ct: Ct);
        await s.Cluster.ApplyAsync(Manifests.Deployment(replicas: 3), Ct);
        await Until(() => Settled(s.Cluster, WorkloadKind.Deployment, "web", "nginx:1.26"), "the initial rollout");

        var release = await s.QueueAsync(SandboxEngine.Spec(WorkloadKind.Deployment, "web", "nginx:1.27"), Ct);
        await s.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut, Patience, Ct);
        Settled(s.Cluster, WorkloadKind.Deployment, "web", "nginx:1.27").ShouldBeFalse();
        await s.RestartAsync(Ct);
        var (done, _) = await s.FinishAsync(release.Id, Patience, Ct);

        done.Status.ShouldBe(ReleaseStatus.Succeeded, done.StatusMessage);
        s.Cluster.Stats.Count("patch", "deployments").ShouldBe(1);
        done.Transitions.Count(t => t.To == ReleaseStatus.RollingOut).ShouldBe(1);
    }

    [Fact]
    public async Task Release_RollbackOnFailure_RestoresThePreviousImage()
    {
        await using var s = await SandboxEngine.StartAsync(Quick, ct: Ct);
        await s.Cluster.ApplyAsync(Manifests.Deployment(replicas: 2), Ct);
        await Until(() => Settled(s.Cluster, WorkloadKind.Deployment, "web", "nginx:1.26"), "the initial rollout");

        var release = await s.QueueAsync(SandboxEngine.Spec(WorkloadKind.Deployment, "web", "nginx:nonexistent", rollbackOnFailure: true), Ct);
        var (done, events) = await s.FinishAsync(release.Id, Patience, Ct);

        done.Status.ShouldBe(ReleaseStatus.RolledBack, done.StatusMessage);
        done.Reason.ShouldBe(FailureReason.ImagePullFailed);
        var rollback = await s.ReadReleaseAsync(done.RolledBackById!.Value);
        rollback.Status.ShouldBe(ReleaseStatus.Succeeded);
        Settled(s.Cluster, WorkloadKind.Deployment, "web", "nginx:1.26").ShouldBeTrue();
        events.Where(e => e.Type == ReleaseEvent.StatusType).Select(e => e.Status).ShouldBe(
            [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Failed, ReleaseStatus.RollingBack, ReleaseStatus.RolledBack]);
    }

    // ---- the cluster's own state, read from the sandbox store ----

    static string Resource(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Deployment => "deployments",
        WorkloadKind.StatefulSet => "statefulsets",
        WorkloadKind.DaemonSet => "daemonsets",
        WorkloadKind.ReplicaSet => "replicasets",
        WorkloadKind.Pod => "pods",
        _ => "cronjobs",
    };

    static ResourceKind KindOf(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Deployment => ResourceKinds.Deployments,
        WorkloadKind.StatefulSet => ResourceKinds.StatefulSets,
        WorkloadKind.DaemonSet => ResourceKinds.DaemonSets,
        WorkloadKind.ReplicaSet => ResourceKinds.ReplicaSets,
        WorkloadKind.Pod => ResourceKinds.Pods,
        _ => ResourceKinds.CronJobs,
    };

    static long Generation(SandboxCluster c, WorkloadKind kind, string name) => Generation(c, KindOf(kind), name);

    static long Generation(SandboxCluster c, ResourceKind kind, string name) => Num(c.Store.Get(kind, "default", name)!["metadata"]?["generation"]);

    static long Num(JsonNode? n) => n is null ? 0 : long.Parse(n.ToJsonString(), CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether the cluster has fully arrived at <paramref name="image"/> for this workload: its controller
    /// observed the spec, every replica runs the image and is Ready, and no old pod is left.
    /// </summary>
    static bool Settled(SandboxCluster c, WorkloadKind kind, string name, string image)
    {
        var o = c.Store.Get(KindOf(kind), "default", name);
        if (o is null) return false;
        if (kind == WorkloadKind.CronJob)
            return o["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>() == image;
        var status = o["status"];
        var observed = Num(status?["observedGeneration"]) >= Num(o["metadata"]!["generation"]);
        var pods = kind == WorkloadKind.Pod
            ? [o]
            : c.Store.List(ResourceKinds.Pods, "default", p => p["metadata"]?["labels"]?["app"]?.GetValue<string>() == name).Items;
        pods = pods.Where(p => p["metadata"]?["deletionTimestamp"] is null).ToList();
        var desired = kind switch
        {
            WorkloadKind.DaemonSet => (int)Num(status?["desiredNumberScheduled"]),
            WorkloadKind.Pod => 1,
            _ => (int)Num(o["spec"]!["replicas"]),
        };
        var allNew = pods.All(p => ImageReference.SameImage(WebStatus(p)?["image"]?.GetValue<string>(), image) && WebStatus(p)?["ready"]?.GetValue<bool>() == true);
        var counts = kind switch
        {
            WorkloadKind.Deployment => Num(status?["updatedReplicas"]) == desired && Num(status?["availableReplicas"]) == desired && Num(status?["replicas"]) == desired,
            WorkloadKind.StatefulSet => Num(status?["updatedReplicas"]) == desired && Num(status?["readyReplicas"]) == desired,
            WorkloadKind.DaemonSet => desired > 0 && Num(status?["updatedNumberScheduled"]) == desired && Num(status?["numberAvailable"]) == desired,
            _ => true,
        };
        return (kind == WorkloadKind.Pod || observed) && counts && pods.Count == desired && allNew;
    }

    static JsonNode? WebStatus(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray)?.FirstOrDefault(s => s?["name"]?.GetValue<string>() == "web");

    static string Describe(JsonObject d) => $"generation {d["metadata"]?["generation"]}, status {d["status"]?.ToJsonString()}";

    static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new ShouldAssertException($"timed out waiting for {what}");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Watches the sandbox store for the first sign of a failure's cause and notes the wall-clock time.</summary>
    sealed class CauseWatch : IDisposable
    {
        readonly WatchSubscription _subscription;
        readonly Task _reader;
        public DateTimeOffset? FirstSeen { get; private set; }

        CauseWatch(SandboxCluster cluster, FailureReason reason)
        {
            _subscription = cluster.Store.Watch(null, "default", cluster.Store.ResourceVersion);
            _reader = Task.Run(async () =>
            {
                await foreach (var e in _subscription.Events.ReadAllAsync(CancellationToken.None))
                    if (FirstSeen is null && Shows(e, reason)) FirstSeen = DateTimeOffset.UtcNow;
            });
        }

        public static CauseWatch Start(SandboxCluster cluster, FailureReason reason) => new(cluster, reason);

        static bool Shows(StoreEvent e, FailureReason reason)
        {
            if (reason == FailureReason.ProgressDeadlineExceeded)
                return e.Kind == ResourceKinds.Deployments && (e.Object["status"]?["conditions"] as JsonArray)?.Any(c => c?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded") == true;
            if (e.Kind != ResourceKinds.Pods) return false;
            if (reason == FailureReason.Unschedulable)
                return (e.Object["status"]?["conditions"] as JsonArray)?.Any(c => c?["reason"]?.GetValue<string>() == "Unschedulable") == true;
            var waiting = (e.Object["status"]?["containerStatuses"] as JsonArray)?.Select(s => s?["state"]?["waiting"]?["reason"]?.GetValue<string>()).ToList() ?? [];
            return reason switch
            {
                FailureReason.ImagePullFailed => waiting.Any(w => w is "ErrImagePull" or "ImagePullBackOff"),
                FailureReason.CrashLoop => (e.Object["status"]?["containerStatuses"] as JsonArray)?.Any(s => s?["state"]?["terminated"] is not null || s?["lastState"]?["terminated"] is not null) == true,
                FailureReason.ContainerConfigError => waiting.Contains("CreateContainerConfigError"),
                _ => false,
            };
        }

        public void Dispose()
        {
            _subscription.Dispose();
            _reader.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
