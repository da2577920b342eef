using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Tests.Fakes;
using Shouldly;

namespace Hoist.Server.Tests.Kubernetes;

/// <summary>The success rules per kind, as kubectl rollout status words them (k8s-semantics.md §1).</summary>
public class RolloutHealthTests
{
    static RolloutTarget Target(WorkloadKind kind, string name, long patched = 2) => new(kind, name, "web", "nginx:1.27", patched);

    static RolloutSnapshot Deploy(long generation, long observed, int replicas, int statusReplicas, int updated, int available, params KubeCondition[] conditions) =>
        new(Build.Deployment(replicas: replicas, generation: generation) with
        {
            ObservedGeneration = observed,
            Status = new DeploymentStatus { Replicas = replicas, StatusReplicas = statusReplicas, UpdatedReplicas = updated, ReadyReplicas = available, AvailableReplicas = available, Conditions = conditions },
        }, "h2", Ready("web", "h2", Math.Min(updated, available)), []);

    static PodState[] Ready(string prefix, string revision, int count) =>
        [.. Enumerable.Range(1, count).Select(i => Build.Pod($"{prefix}-{revision}-{i}", revision))];

    static readonly KubeCondition Deadline = new("Progressing", "False", "ProgressDeadlineExceeded", "ReplicaSet \"web-h2\" has timed out progressing.");

    public static TheoryData<string, RolloutSnapshot, RolloutPhase, string> Deployments => new()
    {
        { "spec not observed", Deploy(2, 1, 3, 3, 3, 3), RolloutPhase.Progressing, "Waiting for deployment spec update to be observed..." },
        { "event from before the patch", Deploy(1, 1, 3, 3, 3, 3), RolloutPhase.Progressing, "Waiting for deployment spec update to be observed..." },
        { "updating", Deploy(2, 2, 3, 4, 1, 3), RolloutPhase.Progressing, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated..." },
        { "old pending termination", Deploy(2, 2, 3, 4, 3, 3), RolloutPhase.Progressing, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination..." },
        { "not yet available", Deploy(2, 2, 3, 3, 3, 2), RolloutPhase.Progressing, "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available..." },
        { "complete", Deploy(2, 2, 3, 3, 3, 3), RolloutPhase.Complete, "deployment \"web\" successfully rolled out" },
        { "complete, scaled to zero", Deploy(2, 2, 0, 0, 0, 0), RolloutPhase.Complete, "deployment \"web\" successfully rolled out" },
        { "deadline exceeded", Deploy(2, 2, 3, 4, 1, 3, Deadline), RolloutPhase.Failed, "deployment \"web\" exceeded its progress deadline" },
        { "old deadline, not yet observed", Deploy(2, 1, 3, 3, 3, 3, Deadline), RolloutPhase.Progressing, "Waiting for deployment spec update to be observed..." },
    };

    [Fact]
    public void RolloutHealth_StatusCompleteButPodsLagging_WaitsForThePods()
    {
        var lagging = Deploy(2, 2, 3, 3, 3, 3) with { Pods = [Build.Pod("web-h2-1", "h2"), Build.Pod("web-h2-2", "h2"), Build.Pod("web-h2-3", "h2", ready: false)] };
        var a = RolloutHealth.Evaluate(lagging, Target(WorkloadKind.Deployment, "web"));
        a.Phase.ShouldBe(RolloutPhase.Progressing);
        a.Message.ShouldBe("Waiting for pod status to catch up: 2 of 3 new pods seen Ready...");
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void RolloutHealth_Deployment_FollowsKubectl(string scenario, RolloutSnapshot snapshot, RolloutPhase phase, string message)
    {
        var a = RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.Deployment, "web"));
        a.Phase.ShouldBe(phase, scenario);
        a.Message.ShouldBe(message, scenario);
        if (phase == RolloutPhase.Failed) a.Failure!.Reason.ShouldBe(FailureReason.ProgressDeadlineExceeded);
        else a.Failure.ShouldBeNull(scenario);
    }

    static RolloutSnapshot Sts(long observed, int ready, int updated, int? partition, string current = "db-r1", string update = "db-r2", string strategy = "RollingUpdate") =>
        new(Build.StatefulSet(generation: 2) with
        {
            ObservedGeneration = observed,
            Status = new StatefulSetStatus
            {
                Replicas = 3, Strategy = strategy, Partition = partition, StatusReplicas = 3, ReadyReplicas = ready, CurrentReplicas = 3 - updated,
                UpdatedReplicas = updated, AvailableReplicas = ready, CurrentRevision = current, UpdateRevision = update,
            },
        }, update, Ready("db", update, Math.Min(updated, ready)), []);

    public static TheoryData<string, RolloutSnapshot, RolloutPhase, string> StatefulSets => new()
    {
        { "spec not observed", Sts(1, 3, 0, 0), RolloutPhase.Progressing, "Waiting for statefulset spec update to be observed..." },
        { "pods not ready", Sts(2, 2, 1, 0), RolloutPhase.Progressing, "Waiting for 1 pods to be ready..." },
        { "partition 0, updating", Sts(2, 3, 2, 0), RolloutPhase.Progressing, "Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated..." },
        { "partition 0, complete", Sts(2, 3, 3, 0), RolloutPhase.Complete, "partitioned roll out complete: 3 new pods have been updated..." },
        { "partition 2, its one pod updated", Sts(2, 3, 1, 2), RolloutPhase.Complete, "partitioned roll out complete: 1 new pods have been updated..." },
        { "partition 1, one of two", Sts(2, 3, 1, 1), RolloutPhase.Progressing, "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..." },
        { "no rollingUpdate, revisions differ", Sts(2, 3, 2, null), RolloutPhase.Progressing, "waiting for statefulset rolling update to complete 2 pods at revision db-r2..." },
        { "no rollingUpdate, revisions equal", Sts(2, 3, 3, null, current: "db-r2"), RolloutPhase.Complete, "statefulset rolling update complete 0 pods at revision db-r2..." },
        { "OnDelete", Sts(1, 3, 0, null, strategy: "OnDelete"), RolloutPhase.Complete, "statefulset \"db\" updated; its OnDelete strategy replaces pods only when they are deleted" },
    };

    [Theory]
    [MemberData(nameof(StatefulSets))]
    public void RolloutHealth_StatefulSet_FollowsKubectlIncludingPartitions(string scenario, RolloutSnapshot snapshot, RolloutPhase phase, string message)
    {
        var a = RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.StatefulSet, "db"));
        a.Phase.ShouldBe(phase, scenario + ": " + a.Message);
        a.Message.ShouldBe(message, scenario);
    }

    static RolloutSnapshot Ds(long observed, int updated, int available, string strategy = "RollingUpdate") =>
        new(Build.DaemonSet(generation: 2) with
        {
            ObservedGeneration = observed,
            Status = new DaemonSetStatus { Strategy = strategy, DesiredNumberScheduled = 3, CurrentNumberScheduled = 3, UpdatedNumberScheduled = updated, NumberReady = available, NumberAvailable = available },
        }, "h2", Ready("agent", "h2", Math.Min(updated, available)), []);

    public static TheoryData<string, RolloutSnapshot, RolloutPhase, string> DaemonSets => new()
    {
        { "spec not observed", Ds(1, 3, 3), RolloutPhase.Progressing, "Waiting for daemon set spec update to be observed..." },
        { "updating", Ds(2, 1, 3), RolloutPhase.Progressing, "Waiting for daemon set \"agent\" rollout to finish: 1 out of 3 new pods have been updated..." },
        { "not available", Ds(2, 3, 2), RolloutPhase.Progressing, "Waiting for daemon set \"agent\" rollout to finish: 2 of 3 updated pods are available..." },
        { "complete", Ds(2, 3, 3), RolloutPhase.Complete, "daemon set \"agent\" successfully rolled out" },
        { "OnDelete", Ds(1, 0, 3, "OnDelete"), RolloutPhase.Complete, "daemon set \"agent\" updated; its OnDelete strategy replaces pods only when they are deleted" },
    };

    [Theory]
    [MemberData(nameof(DaemonSets))]
    public void RolloutHealth_DaemonSet_FollowsKubectl(string scenario, RolloutSnapshot snapshot, RolloutPhase phase, string message)
    {
        var a = RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.DaemonSet, "agent"));
        a.Phase.ShouldBe(phase, scenario);
        a.Message.ShouldBe(message, scenario);
    }

    static RolloutSnapshot Rs(long observed, params PodState[] pods) =>
        new(Build.ReplicaSet(generation: 2) with { ObservedGeneration = observed }, "fp-new", pods, []);

    [Fact]
    public void RolloutHealth_ReplicaSet_ReplacesOldPodsOneAtATimeThenCompletes()
    {
        var target = Target(WorkloadKind.ReplicaSet, "bare");
        RolloutHealth.Evaluate(Rs(1, Build.Pod("a", "fp-old"), Build.Pod("b", "fp-old")), target).Phase.ShouldBe(RolloutPhase.Progressing);

        var start = RolloutHealth.Evaluate(Rs(2, Build.Pod("b", "fp-old") with { CreatedAt = DateTimeOffset.UnixEpoch.AddHours(1) }, Build.Pod("a", "fp-old") with { CreatedAt = DateTimeOffset.UnixEpoch }), target);
        start.Phase.ShouldBe(RolloutPhase.Progressing);
        start.PodToReplace.ShouldBe("a"); // the oldest first

        var starting = RolloutHealth.Evaluate(Rs(2, Build.Pod("b", "fp-old"), Build.Pod("c", "fp-new", waiting: "ContainerCreating")), target);
        starting.PodToReplace.ShouldBeNull(); // the new pod must be Ready first
        starting.ProgressText.ShouldBe("1/2 updated, 0 available, 1 old, 1 waiting: ContainerCreating");

        var next = RolloutHealth.Evaluate(Rs(2, Build.Pod("b", "fp-old"), Build.Pod("c", "fp-new")), target);
        next.PodToReplace.ShouldBe("b");
        next.Message.ShouldBe("Waiting for replica set \"bare\" rollout to finish: 1 of 2 replicas ready with the new template, 1 old pods left...");

        var done = RolloutHealth.Evaluate(Rs(2, Build.Pod("c", "fp-new"), Build.Pod("d", "fp-new")), target);
        done.Phase.ShouldBe(RolloutPhase.Complete);
        done.Message.ShouldBe("replica set \"bare\" successfully rolled out: 2 replicas ready with the new template");
    }

    [Fact]
    public void RolloutHealth_ReplicaSet_TerminatingPodHoldsTheNextReplacement()
    {
        var a = RolloutHealth.Evaluate(Rs(2, Build.Pod("b", "fp-old"), Build.Pod("a", "fp-old") with { Terminating = true }, Build.Pod("c", "fp-new")), Target(WorkloadKind.ReplicaSet, "bare"));
        a.PodToReplace.ShouldBeNull();
    }

    public static TheoryData<string, PodState, RolloutPhase> Pods => new()
    {
        { "old container still running", Build.Pod("solo", null, image: "nginx:1.26"), RolloutPhase.Progressing },
        { "new image pulling", Build.Pod("solo", null, image: "nginx:1.27", waiting: "ContainerCreating"), RolloutPhase.Progressing },
        { "new image running, not ready", Build.Pod("solo", null, image: "nginx:1.27", ready: false), RolloutPhase.Progressing },
        { "new image running and ready", Build.Pod("solo", null, image: "nginx:1.27"), RolloutPhase.Complete },
        { "terminating", Build.Pod("solo", null, image: "nginx:1.27") with { Terminating = true }, RolloutPhase.Progressing },
    };

    [Theory]
    [MemberData(nameof(Pods))]
    public void RolloutHealth_Pod_NeedsTheContainerRunningAndReadyWithTheNewImage(string scenario, PodState pod, RolloutPhase phase)
    {
        var snapshot = new RolloutSnapshot(Build.BarePod(), null, [pod], []);
        RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.Pod, "solo")).Phase.ShouldBe(phase, scenario);
    }

    [Fact]
    public void RolloutHealth_CronJob_IsCompleteWithItsNextRun()
    {
        var snapshot = new RolloutSnapshot(Build.CronJob(schedule: "0 3 * * *"), null, [], []);
        RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.CronJob, "nightly")).Phase.ShouldBe(RolloutPhase.Complete);
        RolloutHealth.CronJobMessage(Build.CronJob(schedule: "0 3 * * *"), new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero))
            .ShouldBe("cronjob \"nightly\" updated; next job at 2025-06-02 03:00 UTC");
    }

    [Fact]
    public void RolloutHealth_DeletedWorkload_FailsAtOnce()
    {
        var a = RolloutHealth.Evaluate(new RolloutSnapshot(null, null, [], []), Target(WorkloadKind.Deployment, "web"));
        a.Phase.ShouldBe(RolloutPhase.Failed);
        a.Failure!.Reason.ShouldBe(FailureReason.WorkloadDeleted);
    }

    [Fact]
    public void RolloutHealth_Suspects_ComeOnlyFromPodsOfTheNewRevision()
    {
        var snapshot = Deploy(2, 2, 3, 4, 1, 3) with
        {
            Pods =
            [
                Build.Pod("web-old-1", "h1", image: "nginx:1.26", waiting: "CrashLoopBackOff", restarts: 9, lastExit: 1),
                Build.Pod("web-new-1", "h2", image: "nginx:1.27", waiting: "ImagePullBackOff", message: "Back-off pulling image \"nginx:1.27\""),
            ],
        };
        var a = RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.Deployment, "web"));
        a.Suspects.Single().Pod.ShouldBe("web-new-1");
        a.Suspects.Single().Reason.ShouldBe(FailureReason.ImagePullFailed);
        a.NewPods.Select(p => p.Name).ShouldBe(["web-new-1"]);
    }

    [Fact]
    public void RolloutHealth_UnknownNewRevision_BlamesNoPod()
    {
        var snapshot = Deploy(2, 2, 3, 4, 1, 3) with { NewRevision = null, Pods = [Build.Pod("web-x", "h2", waiting: "ErrImagePull")] };
        RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.Deployment, "web")).Suspects.ShouldBeEmpty();
    }

    [Fact]
    public void RolloutHealth_ProgressText_CountsUpdatedAvailableOldAndWaiting()
    {
        var snapshot = Deploy(2, 2, 3, 4, 2, 3) with
        {
            Pods = [Build.Pod("web-new-1", "h2"), Build.Pod("web-new-2", "h2", waiting: "ContainerCreating"), Build.Pod("web-old-1", "h1", waiting: "ContainerCreating")],
        };
        var a = RolloutHealth.Evaluate(snapshot, Target(WorkloadKind.Deployment, "web"));
        a.ProgressText.ShouldBe("2/3 updated, 3 available, 2 old, 1 waiting: ContainerCreating");
        a.Progress.ShouldBe(new RolloutProgressDto(3, 2, 3, 3, 2, ["ContainerCreating"]), new ProgressComparer());
    }

    sealed class ProgressComparer : IEqualityComparer<RolloutProgressDto>
    {
        public bool Equals(RolloutProgressDto? x, RolloutProgressDto? y) =>
            x is not null && y is not null && (x with { Waiting = [] }) == (y with { Waiting = [] }) && x.Waiting.SequenceEqual(y.Waiting);
        public int GetHashCode(RolloutProgressDto obj) => obj.Desired;
    }

    [Fact]
    public void RolloutHealth_RunningDigest_IsTheNewPodsImageId()
    {
        var pods = new[] { Build.Pod("a", "h2", imageId: "docker.io/library/nginx@sha256:" + new string('b', 64)), Build.Pod("b", "h2", imageId: "docker.io/library/nginx@sha256:" + new string('b', 64)) };
        RolloutHealth.RunningDigest(pods, "web").ShouldBe("docker.io/library/nginx@sha256:" + new string('b', 64));
        RolloutHealth.RunningDigest([], "web").ShouldBeNull();
    }
}
