using System.Globalization;
using Hoist.Contracts;

namespace Hoist.Server.Kubernetes;

public enum RolloutPhase { Progressing, Complete, Failed }

/// <summary>What a release expects of its workload after the patch.</summary>
public sealed record RolloutTarget(WorkloadKind Kind, string Name, string Container, string Image, long PatchedGeneration);

/// <summary>
/// The verdict on one snapshot. <see cref="Failure"/> fails the release at once (deadline exceeded, workload
/// deleted); <see cref="Suspects"/> are problems on pods of the new revision that fail it only if they persist.
/// </summary>
public sealed record RolloutAssessment
{
    public required RolloutPhase Phase { get; init; }
    /// <summary>kubectl's own words (<c>Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...</c>).</summary>
    public required string Message { get; init; }
    public required RolloutProgressDto Progress { get; init; }
    public FailureSignal? Failure { get; init; }
    public IReadOnlyList<FailureSignal> Suspects { get; init; } = [];
    /// <summary>Bare ReplicaSet only: the old pod to delete next so that the ReplicaSet recreates it from the new template.</summary>
    public string? PodToReplace { get; init; }
    public IReadOnlyList<PodState> NewPods { get; init; } = [];

    /// <summary><c>2/3 updated, 3 available, 1 old, 1 waiting: ContainerCreating</c></summary>
    public string ProgressText => RolloutHealth.Describe(Progress);
}

/// <summary>
/// Rollout health as a pure function of a snapshot. Completion follows <c>kubectl rollout status</c> per kind
/// (kubectl pkg/polymorphichelpers/rollout_status.go), with two additions: the controller must have observed
/// the generation Hoist's patch produced, and kinds kubectl does not cover (ReplicaSet, Pod, CronJob) get rules
/// of the same strictness. Failure comes only from pods of the new revision.
/// </summary>
public static class RolloutHealth
{
    public static RolloutAssessment Evaluate(RolloutSnapshot snapshot, RolloutTarget target)
    {
        if (snapshot.Workload is not { } w)
        {
            var subject = $"{target.Kind.Resource()} {target.Name}";
            return new RolloutAssessment
            {
                Phase = RolloutPhase.Failed,
                Message = $"{target.Kind.Resource()} \"{target.Name}\" was deleted",
                Progress = new RolloutProgressDto(0, 0, 0, 0, 0, []),
                Failure = new FailureSignal(FailureReason.WorkloadDeleted, "Deleted", subject, "the workload was deleted during the rollout", "deleted"),
            };
        }

        var newPods = snapshot.Pods.Where(p => IsNew(p, snapshot, target)).ToList();
        var suspects = newPods.SelectMany(p => FailureClassifier.Classify(p, currentSpecOnly: target.Kind == WorkloadKind.Pod)).ToList();
        var waiting = newPods.Where(p => !p.Terminating).Select(WaitingReason).OfType<string>().ToList();

        var result = w.Status switch
        {
            DeploymentStatus d => PodsAgree(Deployment(w, d, target, waiting), newPods, d.Replicas),
            StatefulSetStatus s => PodsAgree(StatefulSet(w, s, target, waiting), newPods, s.Strategy == "RollingUpdate" ? s.Replicas - (s.Partition ?? 0) : 0),
            DaemonSetStatus ds => PodsAgree(DaemonSet(w, ds, target, waiting), newPods, ds.Strategy == "RollingUpdate" ? ds.DesiredNumberScheduled : 0),
            ReplicaSetStatus rs => ReplicaSet(w, rs, target, snapshot, newPods, waiting),
            PodWorkloadStatus => Pod(target, snapshot, waiting),
            CronJobStatus => new RolloutAssessment
            {
                Phase = RolloutPhase.Complete,
                Message = $"cronjob \"{target.Name}\" updated",
                Progress = new RolloutProgressDto(0, 0, 0, 0, 0, []),
            },
            _ => throw new InvalidOperationException($"No rollout rule for {w.Status.GetType().Name}."),
        };
        return result with { Suspects = suspects, NewPods = newPods };
    }

    // The workload's status and its pods arrive on different watch streams. kubectl trusts the status alone; Hoist
    // also waits until the pods it sees agree (enough Ready pods of the new revision), so that the verdict and the
    // pod outcomes recorded with it describe the same moment, and a lagging stream can never make it early.
    static RolloutAssessment PodsAgree(RolloutAssessment a, List<PodState> newPods, int expected)
    {
        if (a.Phase != RolloutPhase.Complete) return a;
        var ready = newPods.Count(p => p.Ready && !p.Terminating);
        return ready >= expected ? a : a with { Phase = RolloutPhase.Progressing, Message = $"Waiting for pod status to catch up: {ready} of {expected} new pods seen Ready..." };
    }

    public static bool IsNew(PodState pod, RolloutSnapshot snapshot, RolloutTarget target) =>
        target.Kind == WorkloadKind.Pod || (snapshot.NewRevision is { } rev && pod.Revision == rev);

    public static string Describe(RolloutProgressDto p)
    {
        var text = $"{p.Updated}/{p.Desired} updated, {p.Available} available";
        if (p.Old > 0) text += $", {p.Old} old";
        if (p.Waiting.Count > 0) text += $", {p.Waiting.Count} waiting: {string.Join(", ", p.Waiting.Distinct(StringComparer.Ordinal))}";
        return text;
    }

    static string? WaitingReason(PodState pod)
    {
        if (pod.Scheduled is { Status: "False" } s) return s.Reason ?? "Unschedulable";
        var waiting = pod.Containers.FirstOrDefault(c => c.State == "waiting" && !c.Ready);
        if (waiting is not null) return Text.Clean(waiting.Reason, 60) ?? "Waiting";
        if (pod.Phase == "Pending" && pod.Containers.All(c => c.State == "unknown")) return "Pending";
        return null;
    }

    static bool Observed(WorkloadState w, RolloutTarget t) =>
        w.Generation >= t.PatchedGeneration && w.ObservedGeneration >= w.Generation && w.ObservedGeneration > 0;

    static RolloutAssessment Deployment(WorkloadState w, DeploymentStatus d, RolloutTarget t, List<string> waiting)
    {
        var progress = new RolloutProgressDto(d.Replicas, d.UpdatedReplicas, d.ReadyReplicas, d.AvailableReplicas,
            Math.Max(0, d.StatusReplicas - d.UpdatedReplicas), waiting);
        RolloutAssessment Waiting(string message) => new() { Phase = RolloutPhase.Progressing, Message = message + (d.Paused ? " (the deployment is paused)" : ""), Progress = progress };

        if (!Observed(w, t)) return Waiting("Waiting for deployment spec update to be observed...");
        var progressing = d.Conditions.FirstOrDefault(c => c.Type == "Progressing");
        if (progressing?.Reason == "ProgressDeadlineExceeded")
        {
            return new RolloutAssessment
            {
                Phase = RolloutPhase.Failed,
                Message = $"deployment \"{t.Name}\" exceeded its progress deadline",
                Progress = progress,
                Failure = new FailureSignal(FailureReason.ProgressDeadlineExceeded, "ProgressDeadlineExceeded", $"deployment {t.Name}",
                    Text.Clean(progressing.Message) ?? "the rollout made no progress within progressDeadlineSeconds", "deadline"),
            };
        }
        var name = t.Name;
        if (d.UpdatedReplicas < d.Replicas)
            return Waiting($"Waiting for deployment \"{name}\" rollout to finish: {d.UpdatedReplicas} out of {d.Replicas} new replicas have been updated...");
        if (d.StatusReplicas > d.UpdatedReplicas)
            return Waiting($"Waiting for deployment \"{name}\" rollout to finish: {d.StatusReplicas - d.UpdatedReplicas} old replicas are pending termination...");
        if (d.AvailableReplicas < d.UpdatedReplicas)
            return Waiting($"Waiting for deployment \"{name}\" rollout to finish: {d.AvailableReplicas} of {d.UpdatedReplicas} updated replicas are available...");
        return new RolloutAssessment { Phase = RolloutPhase.Complete, Message = $"deployment \"{name}\" successfully rolled out", Progress = progress };
    }

    static RolloutAssessment StatefulSet(WorkloadState w, StatefulSetStatus s, RolloutTarget t, List<string> waiting)
    {
        var progress = new RolloutProgressDto(s.Replicas, s.UpdatedReplicas, s.ReadyReplicas, s.AvailableReplicas,
            Math.Max(0, s.StatusReplicas - s.UpdatedReplicas), waiting);
        RolloutAssessment Waiting(string message) => new() { Phase = RolloutPhase.Progressing, Message = message, Progress = progress };
        RolloutAssessment Done(string message) => new() { Phase = RolloutPhase.Complete, Message = message, Progress = progress };

        if (s.Strategy != "RollingUpdate")
            return Done($"statefulset \"{t.Name}\" updated; its {s.Strategy} strategy replaces pods only when they are deleted");
        if (!Observed(w, t)) return Waiting("Waiting for statefulset spec update to be observed...");
        if (s.ReadyReplicas < s.Replicas) return Waiting($"Waiting for {s.Replicas - s.ReadyReplicas} pods to be ready...");
        if (s.Partition is { } partition)
        {
            if (s.UpdatedReplicas < s.Replicas - partition)
                return Waiting($"Waiting for partitioned roll out to finish: {s.UpdatedReplicas} out of {s.Replicas - partition} new pods have been updated...");
            return Done($"partitioned roll out complete: {s.UpdatedReplicas} new pods have been updated...");
        }
        if (s.UpdateRevision != s.CurrentRevision)
            return Waiting($"waiting for statefulset rolling update to complete {s.UpdatedReplicas} pods at revision {s.UpdateRevision}...");
        return Done($"statefulset rolling update complete {s.CurrentReplicas} pods at revision {s.CurrentRevision}...");
    }

    static RolloutAssessment DaemonSet(WorkloadState w, DaemonSetStatus ds, RolloutTarget t, List<string> waiting)
    {
        var progress = new RolloutProgressDto(ds.DesiredNumberScheduled, ds.UpdatedNumberScheduled, ds.NumberReady, ds.NumberAvailable,
            Math.Max(0, ds.CurrentNumberScheduled - ds.UpdatedNumberScheduled), waiting);
        RolloutAssessment Waiting(string message) => new() { Phase = RolloutPhase.Progressing, Message = message, Progress = progress };

        if (ds.Strategy != "RollingUpdate")
            return new RolloutAssessment { Phase = RolloutPhase.Complete, Message = $"daemon set \"{t.Name}\" updated; its {ds.Strategy} strategy replaces pods only when they are deleted", Progress = progress };
        if (!Observed(w, t)) return Waiting("Waiting for daemon set spec update to be observed...");
        if (ds.UpdatedNumberScheduled < ds.DesiredNumberScheduled)
            return Waiting($"Waiting for daemon set \"{t.Name}\" rollout to finish: {ds.UpdatedNumberScheduled} out of {ds.DesiredNumberScheduled} new pods have been updated...");
        if (ds.NumberAvailable < ds.DesiredNumberScheduled)
            return Waiting($"Waiting for daemon set \"{t.Name}\" rollout to finish: {ds.NumberAvailable} of {ds.DesiredNumberScheduled} updated pods are available...");
        return new RolloutAssessment { Phase = RolloutPhase.Complete, Message = $"daemon set \"{t.Name}\" successfully rolled out", Progress = progress };
    }

    // A ReplicaSet never replaces its pods when its template changes; Hoist replaces them one at a time
    // (maxUnavailable 1, like a Deployment with replicas ≤ 3): the next old pod goes only when every new pod is
    // Ready and the ReplicaSet is back at full size.
    static RolloutAssessment ReplicaSet(WorkloadState w, ReplicaSetStatus rs, RolloutTarget t, RolloutSnapshot snapshot, List<PodState> newPods, List<string> waiting)
    {
        var live = snapshot.Pods.Where(p => !p.Terminating).ToList();
        var newLive = newPods.Where(p => !p.Terminating).ToList();
        var old = live.Where(p => !newLive.Contains(p)).ToList();
        var newReady = newLive.Count(p => p.Ready);
        var progress = new RolloutProgressDto(rs.Replicas, newLive.Count, newReady, Math.Min(newReady, rs.AvailableReplicas), old.Count, waiting);

        if (!Observed(w, t))
            return new RolloutAssessment { Phase = RolloutPhase.Progressing, Message = "Waiting for replica set spec update to be observed...", Progress = progress };
        if (old.Count == 0 && newReady >= rs.Replicas)
            return new RolloutAssessment { Phase = RolloutPhase.Complete, Message = $"replica set \"{t.Name}\" successfully rolled out: {rs.Replicas} replicas ready with the new template", Progress = progress };

        string? next = null;
        if (old.Count > 0 && snapshot.NewRevision is not null && newLive.All(p => p.Ready) && !snapshot.Pods.Any(p => p.Terminating) && live.Count >= rs.Replicas)
            next = old.OrderBy(p => p.CreatedAt ?? DateTimeOffset.MaxValue).ThenBy(p => p.Name, StringComparer.Ordinal).First().Name;
        return new RolloutAssessment
        {
            Phase = RolloutPhase.Progressing,
            Message = $"Waiting for replica set \"{t.Name}\" rollout to finish: {newReady} of {rs.Replicas} replicas ready with the new template, {old.Count} old pods left...",
            Progress = progress,
            PodToReplace = next,
        };
    }

    static RolloutAssessment Pod(RolloutTarget t, RolloutSnapshot snapshot, List<string> waiting)
    {
        var pod = snapshot.Pods.FirstOrDefault();
        var c = pod?.Containers.FirstOrDefault(x => x.Name == t.Container);
        var updated = c is not null && (ImageReference.SameImage(c.Image, t.Image) || DigestMatches(c.ImageId, t.Image));
        var ready = updated && c!.State == "running" && c.Ready && pod is { Terminating: false };
        var progress = new RolloutProgressDto(1, updated ? 1 : 0, ready ? 1 : 0, ready ? 1 : 0, updated ? 0 : 1, waiting);
        if (ready)
            return new RolloutAssessment { Phase = RolloutPhase.Complete, Message = $"pod \"{t.Name}\" is running container \"{t.Container}\" with image {t.Image}", Progress = progress };
        return new RolloutAssessment
        {
            Phase = RolloutPhase.Progressing,
            Message = updated
                ? $"Waiting for container \"{t.Container}\" of pod \"{t.Name}\" to be ready..."
                : $"Waiting for pod \"{t.Name}\" to restart container \"{t.Container}\" with the new image...",
            Progress = progress,
        };
    }

    static bool DigestMatches(string? imageId, string image) =>
        imageId is not null && ImageReference.TryParse(image, out var r, out _) && r.Digest is { } digest
        && imageId.EndsWith(digest, StringComparison.Ordinal);

    /// <summary>The digest that runs: the new pods' imageID of the target container (distinct values joined), or null.</summary>
    public static string? RunningDigest(IEnumerable<PodState> newPods, string container)
    {
        var ids = newPods.SelectMany(p => p.Containers).Where(c => c.Name == container && !string.IsNullOrEmpty(c.ImageId))
            .Select(c => c.ImageId!).Distinct(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? null : Text.Clean(string.Join(", ", ids), 500);
    }

    /// <summary>The CronJob verdict: the patch is the release; say when it runs next.</summary>
    public static string CronJobMessage(WorkloadState w, DateTimeOffset now)
    {
        if (w.Status is not CronJobStatus cj) return $"cronjob \"{w.Ref.Name}\" updated";
        if (cj.Suspend) return $"cronjob \"{w.Ref.Name}\" updated; it is suspended, so no job is scheduled";
        if (!CronSchedule.TryParse(cj.Schedule, out var schedule, out _))
            return $"cronjob \"{w.Ref.Name}\" updated; its schedule \"{Text.Clean(cj.Schedule, 80)}\" could not be read";
        var zone = TimeZoneInfo.Utc;
        var tzName = schedule.TimeZone ?? cj.TimeZone;
        if (tzName is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(tzName, out zone!)) zone = TimeZoneInfo.Utc;
        var next = schedule.Next(now, zone);
        return next is null
            ? $"cronjob \"{w.Ref.Name}\" updated; its schedule never fires"
            : $"cronjob \"{w.Ref.Name}\" updated; next job at {next.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
    }
}
