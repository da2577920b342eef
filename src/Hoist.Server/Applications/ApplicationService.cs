using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Applications;

public sealed record ApplicationDto(long Id, long TeamId, string Name, DateTimeOffset CreatedAt);

public sealed record CreateApplicationRequest(string? Name);

public sealed record PipelineDto(long Id, string Name, long ApplicationId, string Application, long ProjectId, long BuildPlanId, DateTimeOffset CreatedAt);

public sealed class ApplicationService(HoistDb db, Access access, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<IReadOnlyList<ApplicationDto>>> ListAsync(Actor actor, long teamId, CancellationToken ct)
    {
        var seen = await access.TeamAsync(actor, teamId, TeamNeed.See, ct);
        if (!seen.Ok) return seen.Problem!;
        return await db.Applications.AsNoTracking().Where(a => a.TeamId == teamId).OrderBy(a => a.Name)
            .Select(a => new ApplicationDto(a.Id, a.TeamId, a.Name, a.CreatedAt)).ToListAsync(ct);
    }

    public async Task<Outcome<ApplicationDto>> CreateAsync(Actor actor, long teamId, CreateApplicationRequest request, CancellationToken ct)
    {
        var a = await access.TeamAsync(actor, teamId, TeamNeed.DeploySettings, ct);
        if (!a.Ok) return a.Problem!;
        if (InputRules.DisplayName("name", request.Name) is { } bad) return bad;
        var name = request.Name!;
        if (await db.Applications.AnyAsync(x => x.TeamId == teamId && x.Name == name, ct))
            return ApiProblem.Conflict($"The team already has an application named '{name}'.", "name");
        var app = new Application { TeamId = teamId, Name = name, CreatedAt = time.GetUtcNow() };
        db.Applications.Add(app);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return ApiProblem.Conflict($"The team already has an application named '{name}'.", "name");
        }
        await audit.RecordAsync(actor, AuditActions.ApplicationCreate, teamId: teamId, target: ("application", name), ct: ct);
        return new ApplicationDto(app.Id, teamId, name, app.CreatedAt);
    }

    public async Task<Outcome<IReadOnlyList<PipelineDto>>> PipelinesAsync(Actor actor, long projectId, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Work, ct);
        if (!a.Ok) return a.Problem!;
        var rows = await db.Pipelines.AsNoTracking().Where(p => p.ProjectId == projectId)
            .Join(db.Applications, p => p.ApplicationId, x => x.Id, (p, x) => new { p, Application = x.Name })
            .OrderBy(r => r.p.Name).ToListAsync(ct);
        return rows.Select(r => new PipelineDto(r.p.Id, r.p.Name, r.p.ApplicationId, r.Application, r.p.ProjectId, r.p.BuildPlanId, r.p.CreatedAt)).ToList();
    }

    /// <summary>The team's application of that name, created if missing (credential creation names one).</summary>
    internal async Task<Application> EnsureAsync(long teamId, string name, CancellationToken ct)
    {
        var existing = await db.Applications.FirstOrDefaultAsync(a => a.TeamId == teamId && a.Name == name, ct);
        if (existing is not null) return existing;
        var app = new Application { TeamId = teamId, Name = name, CreatedAt = time.GetUtcNow() };
        db.Applications.Add(app);
        try
        {
            await db.SaveChangesAsync(ct);
            return app;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.Entry(app).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
            return await db.Applications.FirstAsync(a => a.TeamId == teamId && a.Name == name, ct);
        }
    }
}
