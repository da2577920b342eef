using Hoist.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Releases;

/// <summary>
/// The lease columns of a release (<c>LeaseOwner</c>, <c>LeaseExpiresAt</c>), changed only by these single-row
/// conditional UPDATEs, never by saving a whole <see cref="Release"/> (see <c>ReleaseStore.Track</c>).
/// </summary>
/// <remarks>
/// <para>
/// DESIGN.md §6 asks for a claim that two replicas on one PostgreSQL cannot both win, as <c>FOR UPDATE SKIP
/// LOCKED</c> gives. <see cref="ClaimAsync"/> is one statement, <c>UPDATE … SET owner = me, expires = until WHERE
/// id = @id AND (owner IS NULL OR owner = me OR expires IS NULL OR expires &lt; now)</c>, run in its own
/// transaction, and under PostgreSQL's default READ COMMITTED that is already a compare-and-set. The manual
/// (13.2.1, "Read Committed Isolation Level"): an UPDATE that finds its target row already updated by a concurrent
/// transaction waits for that transaction; if it commits, the WHERE clause is re-evaluated against the updated
/// version of the row (EvalPlanQual) and the row is updated only if it still matches; if it rolls back, the
/// original row is used. So when replicas A and B race for a free release, B's UPDATE blocks on A's row lock,
/// re-reads the row as A left it (owner A, expires in the future), no longer matches and reports 0 rows: B does
/// not run the release. The row lock is held only for A's one-statement transaction, so B waits microseconds.
/// </para>
/// <para>
/// <c>SELECT … FOR UPDATE SKIP LOCKED</c> would give the same guarantee and differs only in not waiting; it is the
/// tool for "take any N unclaimed rows of a queue". Here the scheduler has already chosen the one row it wants
/// (the head of a workload's queue), so skipping instead of waiting saves nothing, and it would need a
/// transaction around a SELECT and an UPDATE where one statement suffices. SQLite is correct for a simpler
/// reason: it runs one writer at a time and re-reads under its write lock. <c>PostgresLeaseTests</c> checks the
/// re-check on a real PostgreSQL, two replicas sharing one database, and the takeover.
/// </para>
/// <para>
/// Times come from each replica's clock, so replicas' clocks must agree to well within
/// <see cref="ReleaseEngineOptions.LeaseDuration"/> (NTP does). Should two runners ever overlap anyway (a replica
/// paused for longer than the lease), the workload is still patched once: the patch carries the release's id and
/// a workload that already carries it is never patched again.
/// </para>
/// </remarks>
static class ReleaseLease
{
    /// <summary>Takes the release if it is free, expired, or already ours; 1 if taken, 0 if another replica holds it.</summary>
    public static Task<int> ClaimAsync(HoistDb db, long id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct) =>
        db.Releases
            .Where(r => r.Id == id && (r.LeaseOwner == null || r.LeaseOwner == owner || r.LeaseExpiresAt == null || r.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, owner).SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)until), ct);

    /// <summary>Moves our lease's expiry (renewal, or holding it through a back-off); 0 when it is no longer ours.</summary>
    public static Task<int> ExtendAsync(HoistDb db, long id, string owner, DateTimeOffset until, CancellationToken ct) =>
        db.Releases.Where(r => r.Id == id && r.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)until), ct);

    /// <summary>Gives our lease up so that any replica may take the release at once.</summary>
    public static Task<int> GiveUpAsync(HoistDb db, long id, string owner, CancellationToken ct) =>
        db.Releases.Where(r => r.Id == id && r.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null), ct);
}
