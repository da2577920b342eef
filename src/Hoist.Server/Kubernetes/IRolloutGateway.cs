namespace Hoist.Server.Kubernetes;

/// <summary>
/// The release engine's part of a cluster: read a workload, patch one container image, and follow the rollout.
/// Kept apart from <see cref="IClusterGateway"/> (used by the API and the pages) so that each side's fakes stay small.
/// Like the gateway, implementations never leak HttpOperationException: a missing object is null, a cluster that
/// cannot be reached is <see cref="ClusterUnreachableException"/>, any other refusal <see cref="ClusterRequestException"/>.
/// </summary>
public interface IRolloutGateway
{
    Task<bool> NamespaceExistsAsync(string ns, CancellationToken ct);

    /// <summary>The workload as it is now, or null when it does not exist.</summary>
    Task<WorkloadState?> ReadWorkloadAsync(WorkloadRef workload, CancellationToken ct);

    /// <summary>
    /// Sends <paramref name="patch"/> (a strategic-merge patch carrying <c>metadata.resourceVersion</c> as its
    /// precondition) once, retrying only transient failures. A changed resourceVersion answers
    /// <see cref="PatchOutcome.Conflict"/>: the caller re-reads and decides again.
    /// </summary>
    Task<PatchResult> PatchAsync(WorkloadRef workload, string patch, CancellationToken ct);

    /// <summary>
    /// The workload, its pods, the revision they belong to and their warning events: one snapshot at the start
    /// and one after every change, for as long as <paramref name="ct"/> allows. Dropped watches resume from the
    /// last resourceVersion and relist after 410 Gone, so no transition is missed; nothing is polled.
    /// </summary>
    IAsyncEnumerable<RolloutSnapshot> WatchRolloutAsync(WorkloadRef workload, CancellationToken ct);

    /// <summary>The last lines of a container's log (<paramref name="previous"/>: of its last terminated run); empty when unavailable.</summary>
    Task<IReadOnlyList<string>> ReadLogLinesAsync(string ns, string pod, string container, bool previous, int lines, CancellationToken ct);

    /// <summary>Deletes a pod so that its controller recreates it from the current template (bare ReplicaSets only).</summary>
    Task DeletePodAsync(string ns, string pod, CancellationToken ct);
}

/// <summary>One <see cref="IRolloutGateway"/> per cloud account, sharing the account's client with <see cref="IClusterGatewayFactory"/>.</summary>
public interface IRolloutGatewayFactory
{
    IRolloutGateway GetRollouts(long cloudAccountId, ClusterConnection connection);
}

public enum PatchOutcome { Applied, Conflict, NotFound }

/// <summary>The answer to a patch: the workload after it (when applied).</summary>
public sealed record PatchResult(PatchOutcome Outcome, WorkloadState? Workload);

/// <summary>The cluster answered, but refused (403, 422, …). The message names the status and reason, never the body.</summary>
public sealed class ClusterRequestException(int statusCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
}

public sealed record KubeCondition(string Type, string Status, string? Reason, string? Message);

/// <summary>A workload as Hoist needs it, whatever its kind. Everything here is untrusted text from the cluster.</summary>
public sealed record WorkloadState
{
    public required WorkloadRef Ref { get; init; }
    public string Uid { get; init; } = "";
    public string ResourceVersion { get; init; } = "";
    public long Generation { get; init; }
    public long ObservedGeneration { get; init; }
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = Empty;
    /// <summary>Annotations of the pod template (a Pod: its own); where <c>kubectl.kubernetes.io/restartedAt</c> lives.</summary>
    public IReadOnlyDictionary<string, string> TemplateAnnotations { get; init; } = Empty;
    public IReadOnlyList<ContainerInfo> Containers { get; init; } = [];
    /// <summary>Deployment: revision annotation; StatefulSet: updateRevision; DaemonSet: newest ControllerRevision hash.</summary>
    public string? Revision { get; init; }
    /// <summary>Label selector of its pods (<c>app=web</c>), or null for a Pod and a CronJob.</summary>
    public string? PodSelector { get; init; }
    public required WorkloadStatus Status { get; init; }

    public string? ImageOf(string container) => Containers.FirstOrDefault(c => c.Name == container)?.Image;

    public string? Annotation(string key) => Annotations.TryGetValue(key, out var v) ? v : null;

    static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();
}

/// <summary>The status fields kubectl's rollout rules read, per kind.</summary>
public abstract record WorkloadStatus;

public sealed record DeploymentStatus : WorkloadStatus
{
    public int Replicas { get; init; }
    public int StatusReplicas { get; init; }
    public int UpdatedReplicas { get; init; }
    public int ReadyReplicas { get; init; }
    public int AvailableReplicas { get; init; }
    public bool Paused { get; init; }
    public IReadOnlyList<KubeCondition> Conditions { get; init; } = [];
}

public sealed record StatefulSetStatus : WorkloadStatus
{
    public int Replicas { get; init; }
    /// <summary>RollingUpdate or OnDelete.</summary>
    public string Strategy { get; init; } = "RollingUpdate";
    /// <summary>Null when <c>updateStrategy.rollingUpdate</c> is absent (kubectl then compares revisions).</summary>
    public int? Partition { get; init; }
    public int StatusReplicas { get; init; }
    public int ReadyReplicas { get; init; }
    public int CurrentReplicas { get; init; }
    public int UpdatedReplicas { get; init; }
    public int AvailableReplicas { get; init; }
    public string? CurrentRevision { get; init; }
    public string? UpdateRevision { get; init; }
}

public sealed record DaemonSetStatus : WorkloadStatus
{
    public string Strategy { get; init; } = "RollingUpdate";
    public int DesiredNumberScheduled { get; init; }
    public int CurrentNumberScheduled { get; init; }
    public int UpdatedNumberScheduled { get; init; }
    public int NumberReady { get; init; }
    public int NumberAvailable { get; init; }
}

public sealed record ReplicaSetStatus : WorkloadStatus
{
    public int Replicas { get; init; }
    public int StatusReplicas { get; init; }
    public int ReadyReplicas { get; init; }
    public int AvailableReplicas { get; init; }
}

/// <summary>A bare Pod: its state is in the snapshot's single pod.</summary>
public sealed record PodWorkloadStatus : WorkloadStatus;

public sealed record CronJobStatus : WorkloadStatus
{
    public string Schedule { get; init; } = "";
    public string? TimeZone { get; init; }
    public bool Suspend { get; init; }
    public DateTimeOffset? LastScheduleTime { get; init; }
}

/// <summary>A pod as the verdict needs it.</summary>
public sealed record PodState
{
    public required string Name { get; init; }
    public string Uid { get; init; } = "";
    /// <summary>pod-template-hash, controller-revision-hash, or (bare ReplicaSet) a fingerprint of its template.</summary>
    public string? Revision { get; init; }
    public string Phase { get; init; } = "Pending";
    public bool Ready { get; init; }
    public bool Terminating { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? Node { get; init; }
    /// <summary>The PodScheduled condition, when the scheduler has written one.</summary>
    public KubeCondition? Scheduled { get; init; }
    /// <summary>Init containers first, then containers, each with its spec image and (once known) its status.</summary>
    public IReadOnlyList<PodContainer> Containers { get; init; } = [];
}

public sealed record PodContainer
{
    public required string Name { get; init; }
    public bool IsInit { get; init; }
    public required string SpecImage { get; init; }
    /// <summary>The image the kubelet reports (often normalized: <c>docker.io/library/nginx:1.27</c>), null before any status.</summary>
    public string? Image { get; init; }
    public string? ImageId { get; init; }
    public bool Ready { get; init; }
    public int Restarts { get; init; }
    /// <summary>waiting, running, terminated, or unknown before the kubelet reported.</summary>
    public string State { get; init; } = "unknown";
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public int? ExitCode { get; init; }
    public Termination? LastTermination { get; init; }
}

public sealed record Termination(int ExitCode, string? Reason, string? Message, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>A Warning event about the workload or one of its pods.</summary>
public sealed record ClusterEvent(string Type, string Reason, string Message, string ObjectKind, string ObjectName, int Count, DateTimeOffset? LastSeen);

/// <summary>
/// What the watches know at one moment. <see cref="Workload"/> null means it was deleted.
/// <see cref="NewRevision"/> is the revision the current template belongs to, once the controller created it.
/// </summary>
public sealed record RolloutSnapshot(
    WorkloadState? Workload,
    string? NewRevision,
    IReadOnlyList<PodState> Pods,
    IReadOnlyList<ClusterEvent> Events);
