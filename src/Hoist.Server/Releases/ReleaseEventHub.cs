using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Hoist.Contracts;
using Hoist.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Releases;

/// <summary>
/// In-process pub/sub of release events. A follower subscribes first, then replays what the database holds,
/// then relays live events, skipping what it already sent; it ends after the batch that makes the release
/// terminal. When the release runs on another replica nothing is published here, so a follower that hears
/// nothing for <see cref="QuietRecheck"/> re-reads the database.
/// </summary>
public sealed partial class ReleaseEventHub(IServiceScopeFactory scopes, ILogger<ReleaseEventHub> log) : IReleaseEventFeed
{
    readonly ILogger _log = log;

    public static readonly TimeSpan QuietRecheck = TimeSpan.FromSeconds(2);

    sealed record Published(ReleaseEventDto Event, bool Final);

    readonly Lock _gate = new();
    readonly Dictionary<long, List<Channel<Published>>> _followers = [];

    /// <summary>Called by the store after a commit: the batch's events in order; <paramref name="final"/> when the release is now terminal.</summary>
    public void Publish(long releaseId, IReadOnlyList<ReleaseEventDto> events, bool final)
    {
        Channel<Published>[] targets;
        lock (_gate)
        {
            if (!_followers.TryGetValue(releaseId, out var list)) return;
            targets = [.. list];
        }
        foreach (var channel in targets)
            for (var i = 0; i < events.Count; i++)
                channel.Writer.TryWrite(new Published(events[i], final && i == events.Count - 1));
    }

    public async IAsyncEnumerable<ReleaseEventDto> FollowAsync(long releaseId, long afterSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<Published>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            if (!_followers.TryGetValue(releaseId, out var list)) _followers[releaseId] = list = [];
            list.Add(channel);
        }
        try
        {
            var last = afterSequence;
            var (exists, terminal, stored) = await ReadAsync(releaseId, last, ct);
            LogReplay(releaseId, stored.Count, terminal);
            if (!exists) yield break;
            foreach (var e in stored) { yield return e; last = e.Sequence; }
            if (terminal) yield break;

            Task<bool>? waiting = null;
            while (true)
            {
                if (channel.Reader.TryRead(out var p))
                {
                    if (p.Event.Sequence <= last) continue;
                    if (p.Event.Sequence > last + 1)
                    {
                        // A gap: events committed by someone else (a command, another replica). Fill it from the database.
                        var (_, _, missed) = await ReadAsync(releaseId, last, ct);
                        foreach (var e in missed.Where(e => e.Sequence < p.Event.Sequence)) { yield return e; last = e.Sequence; }
                    }
                    yield return p.Event;
                    last = p.Event.Sequence;
                    if (p.Final) yield break;
                    continue;
                }

                waiting ??= channel.Reader.WaitToReadAsync(ct).AsTask();
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                // Wall-clock on purpose: this is a safety net for events written by another replica, not release time.
                var delay = Task.Delay(QuietRecheck, TimeProvider.System, quiet.Token);
                var first = await Task.WhenAny(waiting, delay);
                await quiet.CancelAsync();
                if (first == waiting)
                {
                    if (!await waiting) yield break;
                    waiting = null;
                    continue;
                }
                ct.ThrowIfCancellationRequested();
                var (stillExists, isTerminal, more) = await ReadAsync(releaseId, last, ct);
                foreach (var e in more) { yield return e; last = e.Sequence; }
                if (!stillExists || isTerminal) yield break;
            }
        }
        finally
        {
            lock (_gate)
            {
                if (_followers.TryGetValue(releaseId, out var list))
                {
                    list.Remove(channel);
                    if (list.Count == 0) _followers.Remove(releaseId);
                }
            }
        }
    }

    // Status first, then events: the events of a terminal status are committed with it, so none can be missed.
    async Task<(bool Exists, bool Terminal, List<ReleaseEventDto> Events)> ReadAsync(long releaseId, long after, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ReleaseStore>();
        return await store.ReadAsync(async (db, c) =>
        {
            var status = await db.Releases.Where(r => r.Id == releaseId).Select(r => (ReleaseStatus?)r.Status).FirstOrDefaultAsync(c);
            if (status is null) return (false, false, new List<ReleaseEventDto>());
            var events = await db.ReleaseEvents.AsNoTracking().Where(e => e.ReleaseId == releaseId && e.Sequence > after)
                .OrderBy(e => e.Sequence).ToListAsync(c);
            return (true, status.Value.IsTerminal(), events.Select(e => e.ToDto()).ToList());
        }, ct);
    }

    [LoggerMessage(Level = LogLevel.Trace, Message = "Following release {ReleaseId}: {Count} stored events replayed, terminal {Terminal}")]
    partial void LogReplay(long releaseId, int count, bool terminal);
}
