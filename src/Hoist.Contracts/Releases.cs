using System.Text.Json.Serialization;

namespace Hoist.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<ReleaseStatus>))]
public enum ReleaseStatus
{
    Queued,
    Validating,
    Patching,
    RollingOut,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    RollingBack,
    RolledBack,
}

/// <summary>Why a release failed, typed so that CI scripts and pages can branch on it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailureReason>))]
public enum FailureReason
{
    None,
    ImagePullFailed,
    CrashLoop,
    ContainerConfigError,
    Unschedulable,
    ProgressDeadlineExceeded,
    TimedOut,
    WorkloadDeleted,
    ClusterUnreachable,
    ValidationFailed,
    PatchFailed,
    Cancelled,
}

public static class ReleaseStatusExtensions
{
    public static bool IsTerminal(this ReleaseStatus s) =>
        s is ReleaseStatus.Succeeded or ReleaseStatus.Failed or ReleaseStatus.TimedOut or ReleaseStatus.Cancelled or ReleaseStatus.RolledBack;

    public static bool IsSuccessful(this ReleaseStatus s) => s is ReleaseStatus.Succeeded;
}

public sealed record WorkloadRefDto(string CloudAccount, string Namespace, string Kind, string Name, string Container);

public sealed record ReleaseDto
{
    public required long Id { get; init; }
    public required ReleaseStatus Status { get; init; }
    public FailureReason Reason { get; init; }
    public string? Message { get; init; }
    public required string Url { get; init; }
    public required string Application { get; init; }
    public required string Pipeline { get; init; }
    public required string Project { get; init; }
    public string? BuildPlan { get; init; }
    public string? BuildNumber { get; init; }
    public string? GitCommit { get; init; }
    public string? BuildUrl { get; init; }
    public string? TriggeredBy { get; init; }
    public required WorkloadRefDto Workload { get; init; }
    public string? ImageBefore { get; init; }
    public required string ImageAfter { get; init; }
    /// <summary>The digest that actually runs (the pods' imageID), once known.</summary>
    public string? RunningDigest { get; init; }
    public string? RevisionBefore { get; init; }
    public string? RevisionAfter { get; init; }
    public long? RollbackOf { get; init; }
    public long? RolledBackBy { get; init; }
    public bool RollbackOnFailure { get; init; }
    public string? PatchSent { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public IReadOnlyList<ReleaseTransitionDto> Transitions { get; init; } = [];
    public IReadOnlyList<PodOutcomeDto> Pods { get; init; } = [];
}

public sealed record ReleaseTransitionDto(ReleaseStatus From, ReleaseStatus To, DateTimeOffset At, string? Message);

public sealed record PodOutcomeDto(string Name, string? Revision, bool New, string Phase, bool Ready, string? Reason, string? Message, int Restarts, string? ImageId);

/// <summary>One line of a release's progress, as streamed over SSE and printed by the CLI.</summary>
public sealed record ReleaseEventDto
{
    public required long Sequence { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary><c>status</c> (a transition), <c>progress</c> (rollout counts) or <c>log</c>.</summary>
    public required string Type { get; init; }
    public ReleaseStatus Status { get; init; }
    public required string Message { get; init; }
    public RolloutProgressDto? Progress { get; init; }
}

public sealed record RolloutProgressDto(int Desired, int Updated, int Ready, int Available, int Old, IReadOnlyList<string> Waiting);

public sealed record ReleaseListDto(IReadOnlyList<ReleaseDto> Items, int Total, int Page, int PageSize);
