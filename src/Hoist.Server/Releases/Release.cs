using Hoist.Contracts;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Releases;

/// <summary>
/// One release (发布单): patch one container image of one workload and verify it. Every status change goes
/// through <see cref="MoveTo"/>, which checks <see cref="Allowed"/>, stamps the time and records a transition;
/// an illegal move throws. Terminal states never change, except that Failed/TimedOut may start a rollback.
/// </summary>
public sealed class Release
{
    static readonly Dictionary<ReleaseStatus, ReleaseStatus[]> Allowed = new()
    {
        [ReleaseStatus.Queued] = [ReleaseStatus.Validating, ReleaseStatus.Cancelled],
        [ReleaseStatus.Validating] = [ReleaseStatus.Patching, ReleaseStatus.Failed, ReleaseStatus.Cancelled],
        [ReleaseStatus.Patching] = [ReleaseStatus.RollingOut, ReleaseStatus.Succeeded /* image unchanged */, ReleaseStatus.Failed, ReleaseStatus.Cancelled],
        [ReleaseStatus.RollingOut] = [ReleaseStatus.Succeeded, ReleaseStatus.Failed, ReleaseStatus.TimedOut, ReleaseStatus.Cancelled],
        [ReleaseStatus.Failed] = [ReleaseStatus.RollingBack],
        [ReleaseStatus.TimedOut] = [ReleaseStatus.RollingBack],
        [ReleaseStatus.RollingBack] = [ReleaseStatus.RolledBack, ReleaseStatus.Failed],
    };

    Release() { } // EF

    public long Id { get; private set; }

    // Who and where from.
    public long ProjectId { get; private set; }
    public long? BuildPlanId { get; private set; }
    public long? CredentialId { get; private set; }
    public long? TriggeredByUserId { get; private set; }
    public string Application { get; private set; } = "";
    public string Pipeline { get; private set; } = "";
    public string? BuildNumber { get; private set; }
    public string? GitCommit { get; private set; }
    public string? BuildUrl { get; private set; }
    /// <summary>Hash of the idempotency key (or of build + parameters): a retried CI step finds this release again.</summary>
    public string? IdempotencyKey { get; private set; }

    // What.
    public long CloudAccountId { get; private set; }
    public string CloudAccountName { get; private set; } = "";
    public string Namespace { get; private set; } = "";
    public WorkloadKind Kind { get; private set; }
    public string WorkloadName { get; private set; } = "";
    public string Container { get; private set; } = "";
    public string ImageAfter { get; private set; } = "";
    public bool RollbackOnFailure { get; private set; }
    public bool RestartIfUnchanged { get; private set; }
    public TimeSpan Timeout { get; private set; }
    public long? RollbackOfId { get; private set; }

    // What happened.
    public ReleaseStatus Status { get; private set; } = ReleaseStatus.Queued;
    public FailureReason Reason { get; private set; }
    public string? StatusMessage { get; private set; }
    public string? ImageBefore { get; set; }
    public string? RevisionBefore { get; set; }
    public string? RevisionAfter { get; set; }
    public string? RunningDigest { get; set; }
    public string? PatchSent { get; set; }
    /// <summary>The workload's metadata.generation after the patch: the rollout counts only once the controller observed it.</summary>
    public long? PatchedGeneration { get; set; }
    /// <summary>Last log lines of a crash-looping container, kept with the verdict.</summary>
    public string? FailureLog { get; set; }
    public long? RolledBackById { get; set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? PatchedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Set by a cancel request that reached a replica not running this release; the runner's lease renewal reads it.</summary>
    public string? CancelRequestedBy { get; set; }

    /// <summary>Lease for multi-replica servers: who is working on it and until when.</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public List<ReleaseTransition> Transitions { get; private set; } = [];

    /// <summary>Each pod's outcome, written with the verdict.</summary>
    public List<ReleasePod> Pods { get; private set; } = [];

    public WorkloadRef Workload => new(Namespace, Kind, WorkloadName);

    /// <summary>The per-workload queue key: one active release per (cloud account, namespace, kind, name).</summary>
    public WorkloadKey Key => new(CloudAccountId, Namespace, Kind, WorkloadName);

    public static Release Create(ReleaseSpec spec, DateTimeOffset now) => new()
    {
        ProjectId = spec.ProjectId,
        BuildPlanId = spec.BuildPlanId,
        CredentialId = spec.CredentialId,
        TriggeredByUserId = spec.TriggeredByUserId,
        Application = spec.Application,
        Pipeline = spec.Pipeline,
        BuildNumber = spec.BuildNumber,
        GitCommit = spec.GitCommit,
        BuildUrl = spec.BuildUrl,
        IdempotencyKey = spec.IdempotencyKey,
        CloudAccountId = spec.CloudAccountId,
        CloudAccountName = spec.CloudAccountName,
        Namespace = spec.Workload.Namespace,
        Kind = spec.Workload.Kind,
        WorkloadName = spec.Workload.Name,
        Container = spec.Container,
        ImageAfter = spec.Image,
        RollbackOnFailure = spec.RollbackOnFailure,
        RestartIfUnchanged = spec.RestartIfUnchanged,
        Timeout = spec.Timeout,
        RollbackOfId = spec.RollbackOfId,
        CreatedAt = now,
    };

    public void StartValidating(DateTimeOffset now) { StartedAt ??= now; MoveTo(ReleaseStatus.Validating, now, "Validating the target"); }
    public void StartPatching(DateTimeOffset now) => MoveTo(ReleaseStatus.Patching, now, "Patching the image");
    public void StartRollingOut(DateTimeOffset now, string message) => MoveTo(ReleaseStatus.RollingOut, now, message);
    public void Succeed(DateTimeOffset now, string message) => MoveTo(ReleaseStatus.Succeeded, now, message, FailureReason.None);
    public void Fail(DateTimeOffset now, FailureReason reason, string message) => MoveTo(ReleaseStatus.Failed, now, message, reason);
    public void TimeOut(DateTimeOffset now, string message) => MoveTo(ReleaseStatus.TimedOut, now, message, FailureReason.TimedOut);
    public void Cancel(DateTimeOffset now, string by) => MoveTo(ReleaseStatus.Cancelled, now, $"Cancelled by {by}", FailureReason.Cancelled);
    public void StartRollingBack(DateTimeOffset now, string message) => MoveTo(ReleaseStatus.RollingBack, now, message, Reason);
    public void MarkRolledBack(DateTimeOffset now, string message) => MoveTo(ReleaseStatus.RolledBack, now, message, Reason);

    public bool CanMoveTo(ReleaseStatus next) => Allowed.TryGetValue(Status, out var to) && to.Contains(next);

    void MoveTo(ReleaseStatus next, DateTimeOffset now, string message, FailureReason? reason = null)
    {
        if (!CanMoveTo(next)) throw new InvalidReleaseTransitionException(Id, Status, next);
        Transitions.Add(new ReleaseTransition { From = Status, To = next, At = now, Message = message });
        Status = next;
        StatusMessage = message;
        if (reason is { } r) Reason = r;
        if (next.IsTerminal()) FinishedAt = now;
    }
}

/// <summary>What a new release is asked to do; built by the deploy API after authorization.</summary>
public sealed record ReleaseSpec
{
    public required long ProjectId { get; init; }
    public long? BuildPlanId { get; init; }
    public long? CredentialId { get; init; }
    public long? TriggeredByUserId { get; init; }
    public required string Application { get; init; }
    public required string Pipeline { get; init; }
    public string? BuildNumber { get; init; }
    public string? GitCommit { get; init; }
    public string? BuildUrl { get; init; }
    public string? IdempotencyKey { get; init; }
    public required long CloudAccountId { get; init; }
    public required string CloudAccountName { get; init; }
    public required WorkloadRef Workload { get; init; }
    public required string Container { get; init; }
    public required string Image { get; init; }
    public bool RollbackOnFailure { get; init; }
    public bool RestartIfUnchanged { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    public long? RollbackOfId { get; init; }
}

public readonly record struct WorkloadKey(long CloudAccountId, string Namespace, WorkloadKind Kind, string Name);

public sealed class ReleaseTransition
{
    public long Id { get; set; }
    public long ReleaseId { get; set; }
    public ReleaseStatus From { get; set; }
    public ReleaseStatus To { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Message { get; set; }
}

public sealed class InvalidReleaseTransitionException(long id, ReleaseStatus from, ReleaseStatus to)
    : InvalidOperationException($"Release {id} cannot move from {from} to {to}.")
{
    public ReleaseStatus From { get; } = from;
    public ReleaseStatus To { get; } = to;
}
