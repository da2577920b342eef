using Hoist.Contracts;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Web;

/// <summary>The release list's filters, as they appear in the page's query string.</summary>
public sealed record ReleaseListFilter
{
    public ReleaseStatus? Status { get; init; }
    public string? Application { get; init; }
    public string? Pipeline { get; init; }
    public string? Project { get; init; }
    public string? Workload { get; init; }
    /// <summary>Inclusive UTC days.</summary>
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
}

/// <summary>One line of the release list: only the columns the table shows, so a page never loads transitions or patches.</summary>
public sealed record ReleaseRow
{
    public required long Id { get; init; }
    public required ReleaseStatus Status { get; init; }
    public required FailureReason Reason { get; init; }
    public required string Application { get; init; }
    public required string Pipeline { get; init; }
    public required long ProjectId { get; init; }
    public string Project { get; set; } = "";
    public required string CloudAccountName { get; init; }
    public required string Namespace { get; init; }
    public required WorkloadKind Kind { get; init; }
    public required string WorkloadName { get; init; }
    public required string Container { get; init; }
    public required string ImageAfter { get; init; }
    public long? TriggeredByUserId { get; init; }
    public string? TriggeredBy { get; set; }
    public string? BuildNumber { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long? RollbackOfId { get; init; }
}

public sealed record ReleasePage(IReadOnlyList<ReleaseRow> Rows, int Total, int Page, int PageSize)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>Everything the release page shows: the release with its transitions and pod outcomes, and the names behind its ids.</summary>
public sealed record ReleaseView(Release Release, string Project, string? BuildPlan, string? TriggeredBy, IReadOnlyList<ReleasePod> Pods);

/// <summary>Per cloud account, what the releases of the last day say about it (the overview's cluster table).</summary>
public sealed record ClusterActivity(long CloudAccountId, string CloudAccountName, int Releases, int Failed, long LastReleaseId, ReleaseStatus LastStatus, DateTimeOffset LastAt);

/// <summary>
/// Read-side queries of the release pages. They run in the page's own request against <see cref="HoistDb"/> (no HTTP
/// call to the API), page in SQL, and order by id (monotonic with creation) so the list is an index walk.
/// Visibility is the API's: the projects <see cref="Access.VisibleProjectIdsAsync"/> names, and a single release
/// through <see cref="ReleaseQueries.FindAsync"/>. The list adds what the page needs beyond the API's exact-match
/// filters: substring matches and a date range.
/// </summary>
public sealed class ReleasePageQueries(HoistDb db, Access access, ReleaseQueries releases, TimeProvider time)
{
    public const int DefaultPageSize = 25;

    public async Task<ReleasePage> ListAsync(Actor actor, ReleaseListFilter filter, int page, int pageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 5, 100);
        var visible = await access.VisibleProjectIdsAsync(actor, ct);
        var query = db.Releases.AsNoTracking();
        if (visible is not null) query = query.Where(r => visible.Contains(r.ProjectId));
        query = Apply(query, filter);
        var total = await query.CountAsync(ct);
        // Page over ids first, then read the page's rows: sorting integers (an index walk when unfiltered) stays
        // cheap on page 300 of 10,000 releases, where sorting whole rows would not.
        var ids = await query
            .OrderByDescending(r => r.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(r => r.Id)
            .ToListAsync(ct);
        var rows = await db.Releases.AsNoTracking()
            .Where(r => ids.Contains(r.Id))
            .OrderByDescending(r => r.Id)
            .Select(r => new ReleaseRow
            {
                Id = r.Id,
                Status = r.Status,
                Reason = r.Reason,
                Application = r.Application,
                Pipeline = r.Pipeline,
                ProjectId = r.ProjectId,
                CloudAccountName = r.CloudAccountName,
                Namespace = r.Namespace,
                Kind = r.Kind,
                WorkloadName = r.WorkloadName,
                Container = r.Container,
                ImageAfter = r.ImageAfter,
                TriggeredByUserId = r.TriggeredByUserId,
                BuildNumber = r.BuildNumber,
                CreatedAt = r.CreatedAt,
                StartedAt = r.StartedAt,
                FinishedAt = r.FinishedAt,
                RollbackOfId = r.RollbackOfId,
            })
            .ToListAsync(ct);
        await NameAsync(rows, ct);
        return new ReleasePage(rows, total, page, pageSize);
    }

    /// <summary>The release, or null when it does not exist or the actor does not work in its project (the API's 404).</summary>
    public async Task<ReleaseView?> GetAsync(Actor actor, long id, CancellationToken ct)
    {
        var found = await releases.FindAsync(actor, id, ct);
        if (!found.Ok) return null;
        var release = found.Value!;
        release.Transitions.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Id.CompareTo(b.Id));
        var pods = await db.ReleasePods.AsNoTracking().Where(p => p.ReleaseId == id).OrderBy(p => p.Name).ToListAsync(ct);
        var project = await db.Projects.Where(p => p.Id == release.ProjectId).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? "";
        var plan = release.BuildPlanId is { } planId ? await db.BuildPlans.Where(p => p.Id == planId).Select(p => p.Name).FirstOrDefaultAsync(ct) : null;
        var who = release.TriggeredByUserId is { } userId ? await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct) : null;
        // A rollback started elsewhere links the original only from its own side; look it up like the API does.
        if (release.RolledBackById is null)
            release.RolledBackById = await db.Releases.Where(r => r.RollbackOfId == id).OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        return new ReleaseView(release, project, plan, who, pods);
    }

    public async Task<IReadOnlyList<ClusterActivity>> ClusterActivityAsync(Actor actor, CancellationToken ct)
    {
        var since = time.GetUtcNow().AddDays(-1);
        var visible = await access.VisibleProjectIdsAsync(actor, ct);
        var recent = await db.Releases.AsNoTracking()
            .Where(r => visible == null || visible.Contains(r.ProjectId))
            .Where(r => r.CreatedAt >= since)
            .Select(r => new { r.Id, r.CloudAccountId, r.CloudAccountName, r.Status, r.CreatedAt })
            .ToListAsync(ct);
        return recent
            .GroupBy(r => r.CloudAccountId)
            .Select(g =>
            {
                var last = g.MaxBy(r => r.Id)!;
                var failed = g.Count(r => r.Status is ReleaseStatus.Failed or ReleaseStatus.TimedOut or ReleaseStatus.RolledBack);
                return new ClusterActivity(g.Key, last.CloudAccountName, g.Count(), failed, last.Id, last.Status, last.CreatedAt);
            })
            .OrderBy(c => c.CloudAccountName, StringComparer.Ordinal)
            .ToList();
    }

    IQueryable<Release> Apply(IQueryable<Release> q, ReleaseListFilter f)
    {
        if (f.Status is { } status) q = q.Where(r => r.Status == status);
        if (Clean(f.Application) is { } app) q = q.Where(r => r.Application.Contains(app));
        if (Clean(f.Pipeline) is { } pipeline) q = q.Where(r => r.Pipeline.Contains(pipeline));
        if (Clean(f.Workload) is { } workload) q = q.Where(r => r.WorkloadName.Contains(workload));
        if (Clean(f.Project) is { } project)
        {
            var ids = db.Projects.Where(p => p.Name.Contains(project)).Select(p => p.Id);
            q = q.Where(r => ids.Contains(r.ProjectId));
        }
        if (f.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            q = q.Where(r => r.CreatedAt >= start);
        }
        if (f.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            q = q.Where(r => r.CreatedAt < end);
        }
        return q;
    }

    static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    async Task NameAsync(List<ReleaseRow> rows, CancellationToken ct)
    {
        var projectIds = rows.Select(r => r.ProjectId).Distinct().ToList();
        var userIds = rows.Where(r => r.TriggeredByUserId != null).Select(r => r.TriggeredByUserId!.Value).Distinct().ToList();
        var projects = await db.Projects.Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var users = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, ct);
        foreach (var row in rows)
        {
            row.Project = projects.GetValueOrDefault(row.ProjectId) ?? "";
            row.TriggeredBy = row.TriggeredByUserId is { } u ? users.GetValueOrDefault(u) : null;
        }
    }
}
