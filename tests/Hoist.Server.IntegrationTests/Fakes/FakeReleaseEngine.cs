using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.IntegrationTests.Fakes;

/// <summary>
/// Stands in for the release engine's seams until it is in main: records queued releases, serves events the
/// test publishes (replaying stored ones to late readers), and performs cancel/rollback on the stored release.
/// </summary>
public sealed class FakeReleaseEngine : IReleaseNotifier, IReleaseEventFeed, IReleaseCommands
{
    sealed class Feed
    {
        public readonly List<ReleaseEventDto> Events = [];
        public bool Done;
        public TaskCompletionSource Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly ConcurrentDictionary<long, Feed> _feeds = new();

    public Func<IServiceProvider> Services { get; set; } = () => throw new InvalidOperationException("not started");
    public ConcurrentQueue<long> Queued { get; } = new();

    public void ReleaseQueued(long releaseId) => Queued.Enqueue(releaseId);

    public void Publish(long releaseId, ReleaseEventDto e, bool last = false)
    {
        var feed = _feeds.GetOrAdd(releaseId, _ => new Feed());
        TaskCompletionSource changed;
        lock (feed)
        {
            feed.Events.Add(e);
            feed.Done |= last;
            changed = feed.Changed;
            feed.Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    public async IAsyncEnumerable<ReleaseEventDto> FollowAsync(long releaseId, long afterSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        var feed = _feeds.GetOrAdd(releaseId, _ => new Feed());
        var index = 0;
        while (true)
        {
            List<ReleaseEventDto> batch;
            bool done;
            Task changed;
            lock (feed)
            {
                batch = feed.Events.Skip(index).ToList();
                index = feed.Events.Count;
                done = feed.Done;
                changed = feed.Changed.Task;
            }
            foreach (var e in batch.Where(e => e.Sequence > afterSequence)) yield return e;
            if (done) yield break;
            await changed.WaitAsync(ct);
        }
    }

    public async Task<Release> RollbackAsync(long releaseId, long? requestedByUserId, CancellationToken ct)
    {
        await using var scope = Services().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        var release = await db.Set<Release>().FirstAsync(r => r.Id == releaseId, ct);
        if (release.ImageBefore is null) throw new InvalidOperationException("the image before this release is not known.");
        var rollback = Release.Create(new ReleaseSpec
        {
            ProjectId = release.ProjectId, BuildPlanId = release.BuildPlanId, CredentialId = release.CredentialId, TriggeredByUserId = requestedByUserId,
            Application = release.Application, Pipeline = release.Pipeline, CloudAccountId = release.CloudAccountId,
            CloudAccountName = release.CloudAccountName, Workload = release.Workload, Container = release.Container,
            Image = release.ImageBefore, RollbackOfId = release.Id,
        }, DateTimeOffset.UtcNow);
        db.Add(rollback);
        await db.SaveChangesAsync(ct);
        ReleaseQueued(rollback.Id);
        return rollback;
    }

    public async Task<Release> CancelAsync(long releaseId, string requestedBy, CancellationToken ct)
    {
        await using var scope = Services().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        var release = await db.Set<Release>().Include(r => r.Transitions).FirstAsync(r => r.Id == releaseId, ct);
        release.Cancel(DateTimeOffset.UtcNow, requestedBy);
        await db.SaveChangesAsync(ct);
        Publish(releaseId, new ReleaseEventDto { Sequence = 1000, At = DateTimeOffset.UtcNow, Type = "status", Status = ReleaseStatus.Cancelled, Message = "Cancelled" }, last: true);
        return release;
    }
}
