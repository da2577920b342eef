using Hoist.Contracts;

namespace Hoist.Server.Releases;

// The seams between the release engine (Releases/, Kubernetes/) and the API and pages. The engine implements
// them; the API and pages only call them.

/// <summary>Wakes the engine when a release is stored in Queued (the engine also polls on start-up for resumes).</summary>
public interface IReleaseNotifier
{
    void ReleaseQueued(long releaseId);
}

/// <summary>
/// A release's progress: every event stored so far (sequence &gt; <paramref name="afterSequence"/>), then live ones,
/// ending after the event that makes the release terminal. Late readers see everything.
/// </summary>
public interface IReleaseEventFeed
{
    IAsyncEnumerable<ReleaseEventDto> FollowAsync(long releaseId, long afterSequence, CancellationToken ct);
}

/// <summary>Cancel and roll back requests from users; both go through the engine so that the workload lock holds.</summary>
public interface IReleaseCommands
{
    /// <summary>Creates the rollback release of <paramref name="releaseId"/> (restoring its ImageBefore) and queues it.</summary>
    Task<Release> RollbackAsync(long releaseId, long? requestedByUserId, CancellationToken ct);
    Task<Release> CancelAsync(long releaseId, string requestedBy, CancellationToken ct);
}

/// <summary>
/// Told, synchronously and right after it is stored, of every release that reaches a terminal status (metrics,
/// audit, tests that check the cluster at the moment of the verdict). Keep it quick; exceptions are ignored.
/// Register any number with <c>services.AddSingleton&lt;IReleaseObserver, …&gt;()</c>.
/// </summary>
public interface IReleaseObserver
{
    void VerdictReached(Release release);
}
