using Hoist.Server.Applications;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Teams;

public sealed record TeamDto(long Id, string Name, TeamRole? MyRole, bool MyDeploySettings, DateTimeOffset CreatedAt);

public sealed record CreateTeamRequest(string? Name);

public sealed record TeamMemberDto(long UserId, string UserName, string DisplayName, TeamRole Role, bool DeploySettings, bool DeploySettingsGranted);

public sealed record SetTeamMemberRequest(TeamRole? Role, bool? DeploySettings);

/// <summary>Teams and their members. Whoever creates a team owns it; owners and admins manage members.</summary>
public sealed class TeamService(HoistDb db, Access access, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<TeamDto>> CreateAsync(Actor actor, CreateTeamRequest request, CancellationToken ct)
    {
        if (InputRules.DisplayName("name", request.Name) is { } bad) return bad;
        var name = request.Name!;
        if (await db.Teams.AnyAsync(t => t.Name == name, ct)) return ApiProblem.Conflict($"A team named '{name}' already exists.", "name");

        var now = time.GetUtcNow();
        var team = new Team { Name = name, CreatedAt = now };
        db.Teams.Add(team);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            if (actor.UserId is { } userId)
                db.TeamMembers.Add(new TeamMember { TeamId = team.Id, UserId = userId, Role = TeamRole.Owner, AddedAt = now });
            // CODING's plugin sends the team as `application` by default, so every team starts with that application.
            db.Applications.Add(new Application { TeamId = team.Id, Name = name, CreatedAt = now });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return ApiProblem.Conflict($"A team named '{name}' already exists.", "name");
        }
        await audit.RecordAsync(actor, AuditActions.TeamCreate, teamId: team.Id, target: ("team", team.Name), ct: ct);
        return new TeamDto(team.Id, team.Name, actor.UserId is null ? null : TeamRole.Owner, true, team.CreatedAt);
    }

    public async Task<IReadOnlyList<TeamDto>> ListAsync(Actor actor, CancellationToken ct)
    {
        var visible = await access.VisibleTeamIdsAsync(actor, ct);
        var teams = await db.Teams.AsNoTracking()
            .Where(t => visible == null || visible.Contains(t.Id))
            .OrderBy(t => t.Name)
            .ToListAsync(ct);
        var mine = await db.TeamMembers.AsNoTracking().Where(m => m.UserId == actor.UserId).ToDictionaryAsync(m => m.TeamId, ct);
        return teams.Select(t =>
        {
            var m = mine.GetValueOrDefault(t.Id);
            return new TeamDto(t.Id, t.Name, m?.Role, actor.IsSystemAdmin || m?.HasDeploySettings == true, t.CreatedAt);
        }).ToList();
    }

    public async Task<Outcome<TeamDto>> GetAsync(Actor actor, long teamId, CancellationToken ct)
    {
        var seen = await access.TeamAsync(actor, teamId, TeamNeed.See, ct);
        if (!seen.Ok) return seen.Problem!;
        var a = seen.Value!;
        return new TeamDto(a.Team.Id, a.Team.Name, a.Role, a.DeploySettings, a.Team.CreatedAt);
    }

    public async Task<Outcome<IReadOnlyList<TeamMemberDto>>> MembersAsync(Actor actor, long teamId, CancellationToken ct)
    {
        var seen = await access.TeamAsync(actor, teamId, TeamNeed.See, ct);
        if (!seen.Ok) return seen.Problem!;
        var rows = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == teamId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .OrderBy(x => x.u.UserName)
            .ToListAsync(ct);
        return rows.Select(x => new TeamMemberDto(x.u.Id, x.u.UserName, x.u.DisplayName, x.m.Role, x.m.HasDeploySettings, x.m.DeploySettingsGranted)).ToList();
    }

    /// <summary>Adds a user to the team or changes their role / deploy-settings grant. Owner changes need an owner.</summary>
    public async Task<Outcome<TeamMemberDto>> SetMemberAsync(Actor actor, long teamId, string userName, SetTeamMemberRequest request, CancellationToken ct)
    {
        var admin = await access.TeamAsync(actor, teamId, TeamNeed.Admin, ct);
        if (!admin.Ok) return admin.Problem!;
        var normalized = userName.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == normalized, ct);
        if (user is null) return ApiProblem.NotFound($"User '{InputRules.Sanitize(userName, 64)}'") with { Title = "User not found" };

        var member = await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == user.Id, ct);
        var role = request.Role ?? member?.Role ?? TeamRole.Member;
        var isOwnerChange = role == TeamRole.Owner || member?.Role == TeamRole.Owner;
        if (isOwnerChange && !actor.IsSystemAdmin && admin.Value!.Role != TeamRole.Owner)
            return ApiProblem.Forbidden("Only a team owner may make or change owners.");
        if (member?.Role == TeamRole.Owner && role != TeamRole.Owner && await IsLastOwnerAsync(teamId, user.Id, ct))
            return ApiProblem.Conflict("A team keeps at least one owner.", "role");

        if (member is null)
        {
            member = new TeamMember { TeamId = teamId, UserId = user.Id, AddedAt = time.GetUtcNow() };
            db.TeamMembers.Add(member);
        }
        member.Role = role;
        member.DeploySettingsGranted = request.DeploySettings ?? member.DeploySettingsGranted;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return ApiProblem.Conflict("The membership changed at the same time; try again.");
        }
        await audit.RecordAsync(actor, AuditActions.MemberSet, teamId: teamId, target: ("user", user.UserName),
            detail: $"role={member.Role} deploySettings={member.HasDeploySettings}", ct: ct);
        return new TeamMemberDto(user.Id, user.UserName, user.DisplayName, member.Role, member.HasDeploySettings, member.DeploySettingsGranted);
    }

    public async Task<Outcome<bool>> RemoveMemberAsync(Actor actor, long teamId, string userName, CancellationToken ct)
    {
        var admin = await access.TeamAsync(actor, teamId, TeamNeed.Admin, ct);
        if (!admin.Ok) return admin.Problem!;
        var normalized = userName.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == normalized, ct);
        var member = user is null ? null : await db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == user.Id, ct);
        if (member is null) return ApiProblem.NotFound("This member");
        if (member.Role == TeamRole.Owner && !actor.IsSystemAdmin && admin.Value!.Role != TeamRole.Owner)
            return ApiProblem.Forbidden("Only a team owner may remove an owner.");
        if (member.Role == TeamRole.Owner && await IsLastOwnerAsync(teamId, member.UserId, ct))
            return ApiProblem.Conflict("A team keeps at least one owner.");

        // Leaving the team also ends the user's project memberships in it.
        var projects = db.Projects.Where(p => p.TeamId == teamId).Select(p => p.Id);
        db.ProjectMembers.RemoveRange(db.ProjectMembers.Where(m => m.UserId == member.UserId && projects.Contains(m.ProjectId)));
        db.TeamMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.MemberRemove, teamId: teamId, target: ("user", user!.UserName), ct: ct);
        return true;
    }

    async Task<bool> IsLastOwnerAsync(long teamId, long userId, CancellationToken ct) =>
        !await db.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.Role == TeamRole.Owner && m.UserId != userId, ct);
}
