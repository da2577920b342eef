using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Hoist.Server.Teams;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Web;

/// <summary>A project addressed by name in a page's path (<c>/projects/{project}/…</c>), as CI knows it (PROJECT_NAME).</summary>
public sealed record ProjectPage(ProjectAccess Access, bool DeploySettings, IReadOnlyList<string> Grantors);

/// <summary>
/// Resolves <c>{project}</c> for the actor through <see cref="Access"/> (the API's rules) and, for pages that need
/// DeploySettings, names who can grant it: the team's owners and admins.
/// </summary>
public sealed class ProjectPageQueries(HoistDb db, Access access)
{
    /// <summary>The project, or the refusal (not found when the actor does not work in a project of that name).</summary>
    public async Task<Outcome<ProjectPage>> FindAsync(Actor actor, string name, CancellationToken ct)
    {
        var visible = await access.VisibleProjectIdsAsync(actor, ct);
        var candidates = await db.Projects.AsNoTracking()
            .Where(p => p.Name == name && (visible == null || visible.Contains(p.Id)))
            .OrderBy(p => p.Id)
            .ToListAsync(ct);
        // Names are unique per team; a person in two teams with a project of the same name gets the older one.
        if (candidates.Count == 0) return ApiProblem.NotFound($"Project '{InputRules.Sanitize(name, 64)}'");
        var work = await access.ProjectAsync(actor, candidates[0], ProjectNeed.Work, ct);
        if (!work.Ok) return work.Problem!;
        var settings = await access.ProjectAsync(actor, candidates[0], ProjectNeed.DeploySettings, ct);
        var grantors = settings.Ok ? [] : await GrantorsAsync(work.Value!.Team.Id, ct);
        return new ProjectPage(work.Value!, settings.Ok, grantors);
    }

    /// <summary>Who may grant DeploySettings in a team: its owners and admins.</summary>
    public async Task<IReadOnlyList<string>> GrantorsAsync(long teamId, CancellationToken ct) =>
        await db.TeamMembers.AsNoTracking()
            .Where(m => m.TeamId == teamId && (m.Role == TeamRole.Owner || m.Role == TeamRole.Admin))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.UserName)
            .OrderBy(n => n)
            .Take(10)
            .ToListAsync(ct);
}
