using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Hoist.Server.Teams;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Projects;

public sealed record ProjectDto(long Id, long TeamId, string TeamName, string Name, DateTimeOffset CreatedAt);

public sealed record CreateProjectRequest(string? Name);

public sealed record ProjectMemberDto(long UserId, string UserName, string DisplayName, DateTimeOffset AddedAt);

/// <summary>Projects of a team. Team owners and admins create them and choose who works in them.</summary>
public sealed class ProjectService(HoistDb db, Access access, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<ProjectDto>> CreateAsync(Actor actor, long teamId, CreateProjectRequest request, CancellationToken ct)
    {
        var admin = await access.TeamAsync(actor, teamId, TeamNeed.Admin, ct);
        if (!admin.Ok) return admin.Problem!;
        if (InputRules.DisplayName("name", request.Name) is { } bad) return bad;
        var name = request.Name!;
        if (await db.Projects.AnyAsync(p => p.TeamId == teamId && p.Name == name, ct))
            return ApiProblem.Conflict($"The team already has a project named '{name}'.", "name");
        var project = new Project { TeamId = teamId, Name = name, CreatedAt = time.GetUtcNow() };
        db.Projects.Add(project);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return ApiProblem.Conflict($"The team already has a project named '{name}'.", "name");
        }
        await audit.RecordAsync(actor, AuditActions.ProjectCreate, teamId: teamId, projectId: project.Id, target: ("project", name), ct: ct);
        return new ProjectDto(project.Id, teamId, admin.Value!.Team.Name, name, project.CreatedAt);
    }

    public async Task<Outcome<IReadOnlyList<ProjectDto>>> ListAsync(Actor actor, long teamId, CancellationToken ct)
    {
        var seen = await access.TeamAsync(actor, teamId, TeamNeed.See, ct);
        if (!seen.Ok) return seen.Problem!;
        var visible = await access.VisibleProjectIdsAsync(actor, ct);
        var projects = await db.Projects.AsNoTracking()
            .Where(p => p.TeamId == teamId && (visible == null || visible.Contains(p.Id)))
            .OrderBy(p => p.Name).ToListAsync(ct);
        return projects.Select(p => new ProjectDto(p.Id, p.TeamId, seen.Value!.Team.Name, p.Name, p.CreatedAt)).ToList();
    }

    public async Task<Outcome<ProjectDto>> GetAsync(Actor actor, long projectId, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Work, ct);
        if (!a.Ok) return a.Problem!;
        var p = a.Value!.Project;
        return new ProjectDto(p.Id, p.TeamId, a.Value.Team.Name, p.Name, p.CreatedAt);
    }

    public async Task<Outcome<IReadOnlyList<ProjectMemberDto>>> MembersAsync(Actor actor, long projectId, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Work, ct);
        if (!a.Ok) return a.Problem!;
        var rows = await db.ProjectMembers.AsNoTracking().Where(m => m.ProjectId == projectId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .OrderBy(x => x.u.UserName).ToListAsync(ct);
        return rows.Select(x => new ProjectMemberDto(x.u.Id, x.u.UserName, x.u.DisplayName, x.m.AddedAt)).ToList();
    }

    public async Task<Outcome<ProjectMemberDto>> AddMemberAsync(Actor actor, long projectId, string userName, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Admin, ct);
        if (!a.Ok) return a.Problem!;
        var normalized = userName.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == normalized, ct);
        if (user is null) return ApiProblem.NotFound($"User '{InputRules.Sanitize(userName, 64)}'");
        if (!await db.TeamMembers.AnyAsync(m => m.TeamId == a.Value!.Team.Id && m.UserId == user.Id, ct))
            return ApiProblem.Conflict($"'{user.UserName}' is not a member of team '{a.Value!.Team.Name}'; add them to the team first.", "userName");
        var existing = await db.ProjectMembers.AsNoTracking().FirstOrDefaultAsync(m => m.ProjectId == projectId && m.UserId == user.Id, ct);
        if (existing is not null) return new ProjectMemberDto(user.Id, user.UserName, user.DisplayName, existing.AddedAt);
        var member = new ProjectMember { ProjectId = projectId, UserId = user.Id, AddedAt = time.GetUtcNow() };
        db.ProjectMembers.Add(member);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
        }
        await audit.RecordAsync(actor, AuditActions.ProjectMemberAdd, teamId: a.Value!.Team.Id, projectId: projectId, target: ("user", user.UserName), ct: ct);
        return new ProjectMemberDto(user.Id, user.UserName, user.DisplayName, member.AddedAt);
    }

    public async Task<Outcome<bool>> RemoveMemberAsync(Actor actor, long projectId, string userName, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Admin, ct);
        if (!a.Ok) return a.Problem!;
        var normalized = userName.ToLowerInvariant();
        var member = await db.ProjectMembers
            .Where(m => m.ProjectId == projectId)
            .Join(db.Users.Where(u => u.UserName == normalized), m => m.UserId, u => u.Id, (m, u) => m)
            .FirstOrDefaultAsync(ct);
        if (member is null) return ApiProblem.NotFound("This project member");
        db.ProjectMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.ProjectMemberRemove, teamId: a.Value!.Team.Id, projectId: projectId, target: ("user", normalized), ct: ct);
        return true;
    }
}
