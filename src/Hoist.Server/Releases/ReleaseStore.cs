using System.Text.Json;
using Hoist.Contracts;
using Hoist.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Releases;

/// <summary>A progress or log line to store with the next commit of a release.</summary>
public sealed record NewReleaseEvent(string Type, string Message, RolloutProgressDto? Progress = null);

/// <summary>
/// The engine's only way to the database. Each operation uses a short-lived <see cref="HoistDb"/> and they are
/// serialised in this process: SQLite has one writer anyway, and an in-memory SQLite connection shared by
/// contexts must not be used from two threads at once. Every commit turns the release's new transitions into
/// numbered <c>status</c> events and publishes them to followers after the transaction commits.
/// </summary>
public sealed class ReleaseStore(IServiceScopeFactory scopes, ReleaseEventHub hub, TimeProvider time, IEnumerable<IReleaseObserver> observers)
{
    readonly IReleaseObserver[] _observers = [.. observers];

    // Process-wide: two engines in one process (tests of several replicas) on one SQLite database would
    // otherwise deadlock each other's transactions; across processes the database's own locking applies.
    static readonly SemaphoreSlim Gate = new(1, 1);

    public TimeProvider Time => time;

    public async Task<T> ReadAsync<T>(Func<HoistDb, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
            return await read(db, ct);
        }
        finally { Gate.Release(); }
    }

    /// <summary>The release, detached (no transitions loaded): changes are written by <see cref="CommitAsync"/>.</summary>
    public Task<Release?> FindAsync(long id, CancellationToken ct) =>
        ReadAsync((db, c) => db.Releases.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, c), ct);

    /// <summary>Stores a new release (status Queued).</summary>
    public Task<Release> AddAsync(ReleaseSpec spec, CancellationToken ct) =>
        WriteAsync(async (db, added, c) =>
        {
            var release = Release.Create(spec, time.GetUtcNow());
            db.Releases.Add(release);
            await db.SaveChangesAsync(c);
            return release;
        }, ct);

    /// <summary>
    /// Saves a release's changes (new transitions become <c>status</c> events after <paramref name="events"/>).
    /// When a rollback release becomes terminal, the release it rolls back follows in the same transaction:
    /// RollingBack → RolledBack if it succeeded, → Failed otherwise.
    /// </summary>
    public Task CommitAsync(Release release, IReadOnlyList<NewReleaseEvent>? events, CancellationToken ct) =>
        WriteAsync(async (db, added, c) =>
        {
            Track(db, release);
            await AddEventsAsync(db, release, events ?? [], added, c);
            if (release.Status.IsTerminal() && release.RollbackOfId is { } originalId)
            {
                var original = await db.Releases.FirstOrDefaultAsync(r => r.Id == originalId, c);
                if (original is { Status: ReleaseStatus.RollingBack } && original.RolledBackById == release.Id)
                {
                    var now = time.GetUtcNow();
                    if (release.Status == ReleaseStatus.Succeeded)
                        original.MarkRolledBack(now, $"Rolled back to {release.ImageAfter} by release #{release.Id}");
                    else
                        original.Fail(now, original.Reason, $"Rollback release #{release.Id} did not succeed: {release.StatusMessage}");
                    await AddEventsAsync(db, original, [], added, c);
                }
            }
            await db.SaveChangesAsync(c);
            return release;
        }, ct);

    /// <summary>
    /// Creates the release that restores <paramref name="original"/>'s previous image and links the two, in one
    /// transaction. A Failed/TimedOut original moves to RollingBack (its pending changes, such as the Fail
    /// itself, are saved too); a Succeeded one only records who rolls it back.
    /// </summary>
    public Task<Release> CreateRollbackAsync(Release original, ReleaseSpec rollback, IReadOnlyList<NewReleaseEvent>? events, CancellationToken ct) =>
        WriteAsync(async (db, added, c) =>
        {
            // Two rollback requests for one release make one rollback: the second finds the first's.
            var existing = await db.Releases.Where(r => r.Id == original.Id).Select(r => r.RolledBackById).FirstOrDefaultAsync(c);
            if (existing is { } id) return await db.Releases.AsNoTracking().FirstAsync(r => r.Id == id, c);
            Track(db, original);
            await AddEventsAsync(db, original, events ?? [], added, c);
            var now = time.GetUtcNow();
            var created = Release.Create(rollback, now);
            db.Releases.Add(created);
            await db.SaveChangesAsync(c);
            original.RolledBackById = created.Id;
            if (original.CanMoveTo(ReleaseStatus.RollingBack))
                original.StartRollingBack(now, $"Rolling back to {created.ImageAfter} with release #{created.Id}");
            await AddEventsAsync(db, original, [], added, c);
            await db.SaveChangesAsync(c);
            return created;
        }, ct);

    // The engine's Release objects live across commits, detached. Everything they carry is written, except the
    // lease and cancel columns, which only atomic UPDATEs change (a renewal must not be overwritten by a stale copy).
    static void Track(HoistDb db, Release release)
    {
        var entry = db.Update(release);
        entry.Property(r => r.LeaseOwner).IsModified = false;
        entry.Property(r => r.LeaseExpiresAt).IsModified = false;
        entry.Property(r => r.CancelRequestedBy).IsModified = false;
    }

    async Task<T> WriteAsync<T>(Func<HoistDb, List<ReleaseEvent>, CancellationToken, Task<T>> write, CancellationToken ct)
    {
        var added = new List<ReleaseEvent>();
        List<(long Id, List<ReleaseEventDto> Events, bool Final)> publish = [];
        List<Release> finished = [];
        T result;
        await Gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            result = await write(db, added, ct);
            await tx.CommitAsync(ct);
            foreach (var group in added.GroupBy(e => e.ReleaseId))
            {
                var release = db.ChangeTracker.Entries<Release>().FirstOrDefault(e => e.Entity.Id == group.Key)?.Entity;
                var final = release?.Status.IsTerminal() ?? false;
                publish.Add((group.Key, group.OrderBy(e => e.Sequence).Select(e => e.ToDto()).ToList(), final));
                if (final && group.Any(e => e.Type == ReleaseEvent.StatusType && e.Status == release!.Status)) finished.Add(release!);
            }
        }
        finally { Gate.Release(); }
        foreach (var release in finished)
            foreach (var observer in _observers)
            {
                try { observer.VerdictReached(release); }
                catch (Exception) { /* an observer must not break the engine */ }
            }
        foreach (var (id, events, final) in publish) hub.Publish(id, events, final);
        return result;
    }

    async Task AddEventsAsync(HoistDb db, Release release, IReadOnlyList<NewReleaseEvent> events, List<ReleaseEvent> added, CancellationToken ct)
    {
        var newTransitions = release.Transitions.Where(t => t.Id == 0).ToList();
        if (events.Count == 0 && newTransitions.Count == 0) return;
        var seq = await db.ReleaseEvents.Where(e => e.ReleaseId == release.Id).MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
        seq = Math.Max(seq, added.Where(e => e.ReleaseId == release.Id).Select(e => e.Sequence).DefaultIfEmpty(0).Max());
        var now = time.GetUtcNow();
        foreach (var e in events)
            Add(new ReleaseEvent
            {
                ReleaseId = release.Id, Sequence = ++seq, At = now, Type = e.Type, Status = newTransitions.FirstOrDefault()?.From ?? release.Status,
                Message = Clip(e.Message, 4000),
                ProgressJson = e.Progress is null ? null : JsonSerializer.Serialize(e.Progress, ReleaseEvent.JsonOptions),
            });
        foreach (var t in newTransitions)
            Add(new ReleaseEvent { ReleaseId = release.Id, Sequence = ++seq, At = t.At, Type = ReleaseEvent.StatusType, Status = t.To, Message = Clip(t.Message ?? t.To.ToString(), 4000) });

        void Add(ReleaseEvent e)
        {
            db.ReleaseEvents.Add(e);
            added.Add(e);
        }
    }

    static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
