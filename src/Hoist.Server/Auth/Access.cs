using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Hoist.Server.Projects;
using Hoist.Server.Teams;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Auth;

public enum TeamNeed { See, DeploySettings, Admin, Owner }

public enum ProjectNeed { Work, DeploySettings, Admin }

public sealed record TeamAccess(Team Team, TeamRole? Role, bool DeploySettings);

public sealed record ProjectAccess(Project Project, Team Team, TeamRole? Role, bool DeploySettings);

/// <summary>
/// The permission rules in one place. A team or project the actor cannot see at all is "not found" (its
/// existence is not revealed); one the actor can see but may not change is "permission denied".
/// Server admins may do everything; team owners and admins work in every project of their team; members work
/// in the projects they were added to; DeploySettings (部署设置) is owners, admins, and members granted it.
/// </summary>
public sealed class Access(HoistDb db)
{
    public async Task<Outcome<TeamAccess>> TeamAsync(Actor actor, long teamId, TeamNeed need, CancellationToken ct)
    {
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct);
        if (team is null) return ApiProblem.NotFound("This team");
        if (actor.IsSystemAdmin) return new TeamAccess(team, actor.IsSystem ? null : await RoleAsync(actor, teamId, ct), true);

        var member = await MembershipAsync(actor, teamId, ct);
        if (member is null) return ApiProblem.NotFound("This team");
        var ok = need switch
        {
            TeamNeed.See => true,
            TeamNeed.DeploySettings => member.HasDeploySettings,
            TeamNeed.Admin => member.Role is TeamRole.Owner or TeamRole.Admin,
            TeamNeed.Owner => member.Role is TeamRole.Owner,
            _ => false,
        };
        if (!ok) return Denied(need);
        return new TeamAccess(team, member.Role, member.HasDeploySettings);
    }

    public async Task<Outcome<ProjectAccess>> ProjectAsync(Actor actor, long projectId, ProjectNeed need, CancellationToken ct)
    {
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return ApiProblem.NotFound("This project");
        return await ProjectAsync(actor, project, need, ct);
    }

    public async Task<Outcome<ProjectAccess>> ProjectAsync(Actor actor, Project project, ProjectNeed need, CancellationToken ct)
    {
        var team = await db.Teams.AsNoTracking().FirstAsync(t => t.Id == project.TeamId, ct);
        if (actor.IsSystemAdmin) return new ProjectAccess(project, team, null, true);

        var member = await MembershipAsync(actor, team.Id, ct);
        if (member is null) return ApiProblem.NotFound("This project");
        var teamAdmin = member.Role is TeamRole.Owner or TeamRole.Admin;
        var works = teamAdmin || await db.ProjectMembers.AnyAsync(m => m.ProjectId == project.Id && m.UserId == actor.UserId, ct);
        if (!works) return ApiProblem.NotFound("This project");
        var ok = need switch
        {
            ProjectNeed.Work => true,
            ProjectNeed.DeploySettings => member.HasDeploySettings,
            ProjectNeed.Admin => teamAdmin,
            _ => false,
        };
        if (!ok) return Denied(need == ProjectNeed.DeploySettings ? TeamNeed.DeploySettings : TeamNeed.Admin);
        return new ProjectAccess(project, team, member.Role, member.HasDeploySettings);
    }

    /// <summary>
    /// For deploys: may this user still work in the project? Unlike <see cref="ProjectAsync(Actor, long, ProjectNeed, CancellationToken)"/>
    /// this names the reason, because the caller already proved it knows the credential.
    /// </summary>
    public async Task<bool> WorksInProjectAsync(Actor actor, Project project, CancellationToken ct)
    {
        if (actor.IsSystemAdmin) return true;
        var member = await MembershipAsync(actor, project.TeamId, ct);
        if (member is null) return false;
        return member.Role is TeamRole.Owner or TeamRole.Admin
            || await db.ProjectMembers.AnyAsync(m => m.ProjectId == project.Id && m.UserId == actor.UserId, ct);
    }

    /// <summary>The ids of the projects the actor works in, or null for "all" (server admins).</summary>
    public async Task<IReadOnlyList<long>?> VisibleProjectIdsAsync(Actor actor, CancellationToken ct)
    {
        if (actor.IsSystemAdmin) return null;
        var adminTeams = db.TeamMembers.Where(m => m.UserId == actor.UserId && (m.Role == TeamRole.Owner || m.Role == TeamRole.Admin))
            .Select(m => m.TeamId);
        var memberTeams = db.TeamMembers.Where(m => m.UserId == actor.UserId).Select(m => m.TeamId);
        return await db.Projects
            .Where(p => adminTeams.Contains(p.TeamId)
                        || (memberTeams.Contains(p.TeamId) && db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == actor.UserId)))
            .Select(p => p.Id)
            .ToListAsync(ct);
    }

    /// <summary>The team ids the actor belongs to, or null for "all".</summary>
    public async Task<IReadOnlyList<long>?> VisibleTeamIdsAsync(Actor actor, CancellationToken ct) =>
        actor.IsSystemAdmin ? null : await db.TeamMembers.Where(m => m.UserId == actor.UserId).Select(m => m.TeamId).ToListAsync(ct);

    /// <summary>The team ids where the actor is owner or admin (audit readers), or null for "all".</summary>
    public async Task<IReadOnlyList<long>?> AdministeredTeamIdsAsync(Actor actor, CancellationToken ct) =>
        actor.IsSystemAdmin ? null : await db.TeamMembers
            .Where(m => m.UserId == actor.UserId && (m.Role == TeamRole.Owner || m.Role == TeamRole.Admin))
            .Select(m => m.TeamId).ToListAsync(ct);

    Task<TeamMember?> MembershipAsync(Actor actor, long teamId, CancellationToken ct) =>
        actor.UserId is null ? Task.FromResult<TeamMember?>(null)
            : db.TeamMembers.AsNoTracking().FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == actor.UserId, ct);

    async Task<TeamRole?> RoleAsync(Actor actor, long teamId, CancellationToken ct) => (await MembershipAsync(actor, teamId, ct))?.Role;

    static ApiProblem Denied(TeamNeed need) => need switch
    {
        TeamNeed.DeploySettings => new ApiProblem(StatusCodes.Status403Forbidden, ProblemCodes.PermissionDenied, "Deploy settings permission needed",
            "This needs the deploy settings permission (部署设置权限). Team owners and admins hold it; ask one of them to grant it to you."),
        TeamNeed.Owner => ApiProblem.Forbidden("Only a team owner may do this."),
        _ => ApiProblem.Forbidden("Only a team owner or admin may do this."),
    };
}
