using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Web;

/// <summary>The release list's filters, as they appear in the page's query string.</summary>
public sealed record ReleaseFilter
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

/// <summary>Everything the release page shows: the release with its transitions, and the names behind its ids.</summary>
public sealed record ReleaseView(Release Release, string Project, string? BuildPlan, string? TriggeredBy);

/// <summary>Per cloud account, what the releases of the last day say about it (the overview's cluster table).</summary>
public sealed record ClusterActivity(string CloudAccountName, int Releases, int Failed, long LastReleaseId, ReleaseStatus LastStatus, DateTimeOffset LastAt);

/// <summary>
/// Read-side queries of the release pages. They run in the page's own request against <see cref="HoistDb"/> (no HTTP
/// call to the API), page in SQL, and order by id (monotonic with creation) so the list is an index walk.
/// </summary>
public sealed class ReleasePageQueries(HoistDb db, TimeProvider time)
{
    public const int DefaultPageSize = 25;

    public async Task<ReleasePage> ListAsync(ReleaseFilter filter, int page, int pageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 5, 100);
        var query = Apply(db.Releases.AsNoTracking(), filter);
        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(r => r.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
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

    public async Task<ReleaseView?> GetAsync(long id, CancellationToken ct)
    {
        var release = await db.Releases.AsNoTracking()
            .Include(r => r.Transitions)
            .FirstOrDefaultAsync(r => r.Id == id, ct);
        if (release is null) return null;
        // In memory: SQLite cannot order by DateTimeOffset, and a release has a handful of transitions.
        release.Transitions.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Id.CompareTo(b.Id));
        return new ReleaseView(release, ProjectName(release.ProjectId), BuildPlanName(release.BuildPlanId), UserName(release.TriggeredByUserId));
    }

    public async Task<IReadOnlyList<ClusterActivity>> ClusterActivityAsync(CancellationToken ct)
    {
        var since = time.GetUtcNow().AddDays(-1);
        var recent = await db.Releases.AsNoTracking()
            .Where(r => r.CreatedAt >= since)
            .Select(r => new { r.Id, r.CloudAccountName, r.Status, r.CreatedAt })
            .ToListAsync(ct);
        return recent
            .GroupBy(r => r.CloudAccountName)
            .Select(g =>
            {
                var last = g.MaxBy(r => r.Id)!;
                var failed = g.Count(r => r.Status is ReleaseStatus.Failed or ReleaseStatus.TimedOut or ReleaseStatus.RolledBack);
                return new ClusterActivity(g.Key, g.Count(), failed, last.Id, last.Status, last.CreatedAt);
            })
            .OrderBy(c => c.CloudAccountName, StringComparer.Ordinal)
            .ToList();
    }

    static IQueryable<Release> Apply(IQueryable<Release> q, ReleaseFilter f)
    {
        if (f.Status is { } status) q = q.Where(r => r.Status == status);
        if (Clean(f.Application) is { } app) q = q.Where(r => r.Application.Contains(app));
        if (Clean(f.Pipeline) is { } pipeline) q = q.Where(r => r.Pipeline.Contains(pipeline));
        if (Clean(f.Workload) is { } workload) q = q.Where(r => r.WorkloadName.Contains(workload));
        if (Clean(f.Project) is { } project)
        {
            // INTERIM: projects are matched by id until the Projects table lands with the server work.
            q = long.TryParse(project.TrimStart('#'), out var projectId) ? q.Where(r => r.ProjectId == projectId) : q.Where(_ => false);
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

    Task NameAsync(List<ReleaseRow> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            row.Project = ProjectName(row.ProjectId);
            row.TriggeredBy = UserName(row.TriggeredByUserId);
        }
        return Task.CompletedTask;
    }

    // INTERIM: names come from the server work's Projects/BuildPlans/Users tables once merged.
    static string ProjectName(long id) => $"#{id}";
    static string? BuildPlanName(long? id) => id is { } v ? $"#{v}" : null;
    static string? UserName(long? id) => id is { } v ? $"#{v}" : null;
}
