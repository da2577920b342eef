using Hoist.Contracts;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Releases;

public sealed record ReleaseFilter(string? Application, string? Pipeline, string? Project, string? Status, string? Workload, int? Page, int? PageSize);

/// <summary>
/// Reads releases for the API and the pages, limited to the projects the actor works in. (Server work, issue #4:
/// the engine owns the rest of this folder.)
/// </summary>
public sealed class ReleaseQueries(HoistDb db, Access access)
{
    public async Task<Outcome<ReleaseListDto>> ListAsync(Actor actor, ReleaseFilter f, string baseUrl, CancellationToken ct)
    {
        foreach (var (field, value) in new[] { ("application", f.Application), ("pipeline", f.Pipeline), ("project", f.Project), ("workload", f.Workload) })
            if (InputRules.Text(field, value, 210, required: false) is { } bad) return bad;
        ReleaseStatus? status = null;
        if (f.Status is not null)
        {
            if (!Enum.TryParse<ReleaseStatus>(f.Status, ignoreCase: true, out var s) || !Enum.IsDefined(s) || int.TryParse(f.Status, out _))
                return ApiProblem.Invalid("status", $"'status' must be one of {string.Join(", ", Enum.GetNames<ReleaseStatus>())}.") with { Expected = Enum.GetNames<ReleaseStatus>() };
            status = s;
        }
        var (page, size) = Paging.Normalize(f.Page, f.PageSize);
        var visible = await access.VisibleProjectIdsAsync(actor, ct);

        var query = db.Set<Release>().AsNoTracking();
        if (visible is not null) query = query.Where(r => visible.Contains(r.ProjectId));
        if (f.Application is not null) query = query.Where(r => r.Application == f.Application);
        if (f.Pipeline is not null) query = query.Where(r => r.Pipeline == f.Pipeline);
        if (f.Project is not null)
        {
            var ids = db.Projects.Where(p => p.Name == f.Project).Select(p => p.Id);
            query = query.Where(r => ids.Contains(r.ProjectId));
        }
        if (status is not null) query = query.Where(r => r.Status == status);
        if (f.Workload is not null) query = query.Where(r => r.WorkloadName == f.Workload);

        var total = await query.CountAsync(ct);
        var releases = await query.OrderByDescending(r => r.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        var items = await DescribeAsync(releases, baseUrl, withTransitions: false, ct);
        return new ReleaseListDto(items, total, page, size);
    }

    public async Task<Outcome<ReleaseDto>> GetAsync(Actor actor, long id, string baseUrl, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, ct);
        if (!found.Ok) return found.Problem!;
        return (await DescribeAsync([found.Value!], baseUrl, withTransitions: true, ct))[0];
    }

    /// <summary>The release when the actor works in its project; "not found" otherwise (existence is not revealed).</summary>
    public async Task<Outcome<Release>> FindAsync(Actor actor, long id, CancellationToken ct)
    {
        var release = await db.Set<Release>().AsNoTracking().Include(r => r.Transitions).Include(r => r.Pods).AsSplitQuery()
            .FirstOrDefaultAsync(r => r.Id == id, ct);
        if (release is null) return ApiProblem.NotFound("This release");
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == release.ProjectId, ct);
        if (project is null || !await access.WorksInProjectAsync(actor, project, ct)) return ApiProblem.NotFound("This release");
        return release;
    }

    public async Task<IReadOnlyList<ReleaseDto>> DescribeAsync(IReadOnlyList<Release> releases, string baseUrl, bool withTransitions, CancellationToken ct)
    {
        var projectIds = releases.Select(r => r.ProjectId).Distinct().ToList();
        var planIds = releases.Where(r => r.BuildPlanId != null).Select(r => r.BuildPlanId!.Value).Distinct().ToList();
        var userIds = releases.Where(r => r.TriggeredByUserId != null).Select(r => r.TriggeredByUserId!.Value).Distinct().ToList();
        var releaseIds = releases.Select(r => r.Id).ToList();
        var projects = await db.Projects.Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var plans = await db.BuildPlans.Where(p => planIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var users = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, ct);
        var rolledBackBy = await db.Set<Release>().Where(r => r.RollbackOfId != null && releaseIds.Contains(r.RollbackOfId.Value))
            .Select(r => new { r.Id, Of = r.RollbackOfId!.Value }).ToListAsync(ct);

        return releases.Select(r => new ReleaseDto
        {
            Id = r.Id,
            Status = r.Status,
            Reason = r.Reason,
            Message = r.StatusMessage,
            Url = $"{baseUrl}/releases/{r.Id}",
            Application = r.Application,
            Pipeline = r.Pipeline,
            Project = projects.GetValueOrDefault(r.ProjectId) ?? "",
            BuildPlan = r.BuildPlanId is { } p ? plans.GetValueOrDefault(p) : null,
            BuildNumber = r.BuildNumber,
            GitCommit = r.GitCommit,
            BuildUrl = r.BuildUrl,
            TriggeredBy = r.TriggeredByUserId is { } u ? users.GetValueOrDefault(u) : null,
            Workload = new WorkloadRefDto(r.CloudAccountName, r.Namespace, r.Kind.ToString(), r.WorkloadName, r.Container),
            ImageBefore = r.ImageBefore,
            ImageAfter = r.ImageAfter,
            RunningDigest = r.RunningDigest,
            RevisionBefore = r.RevisionBefore,
            RevisionAfter = r.RevisionAfter,
            RollbackOf = r.RollbackOfId,
            RolledBackBy = r.RolledBackById ?? rolledBackBy.Where(x => x.Of == r.Id).Select(x => (long?)x.Id).Max(),
            RollbackOnFailure = r.RollbackOnFailure,
            PatchSent = r.PatchSent,
            CreatedAt = r.CreatedAt,
            FinishedAt = r.FinishedAt,
            Transitions = withTransitions
                ? r.Transitions.OrderBy(t => t.Id).Select(t => new ReleaseTransitionDto(t.From, t.To, t.At, t.Message)).ToList()
                : [],
            Pods = withTransitions ? r.Pods.OrderBy(p => p.Id).Select(p => p.ToDto()).ToList() : [],
        }).ToList();
    }
}
