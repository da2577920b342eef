using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.BuildPlans;

public sealed record BuildPlanDto(long Id, long ProjectId, string Name, string? ExternalId, long? CopiedFromId, DateTimeOffset CreatedAt)
{
    public static BuildPlanDto From(BuildPlan p) => new(p.Id, p.ProjectId, p.Name, p.ExternalId, p.CopiedFromId, p.CreatedAt);
}

public sealed record CreateBuildPlanRequest(string? Name, string? ExternalId, long? CopiedFromId);

/// <summary>Build plans are registered by anyone who works in the project; credentials for them need DeploySettings.</summary>
public sealed class BuildPlanService(HoistDb db, Access access, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<BuildPlanDto>> CreateAsync(Actor actor, long projectId, CreateBuildPlanRequest request, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Work, ct);
        if (!a.Ok) return a.Problem!;
        if (InputRules.DisplayName("name", request.Name) is { } bad) return bad;
        if (InputRules.Text("externalId", request.ExternalId, 100, required: false) is { } badId) return badId;
        if (request.CopiedFromId is { } from && !await db.BuildPlans.AnyAsync(p => p.Id == from && p.ProjectId == projectId, ct))
            return ApiProblem.Invalid("copiedFromId", "'copiedFromId' is not a build plan of this project.");
        var name = request.Name!;
        if (await db.BuildPlans.AnyAsync(p => p.ProjectId == projectId && p.Name == name, ct))
            return ApiProblem.Conflict($"The project already has a build plan named '{name}'.", "name");

        var plan = new BuildPlan { ProjectId = projectId, Name = name, ExternalId = request.ExternalId, CopiedFromId = request.CopiedFromId, CreatedAt = time.GetUtcNow() };
        db.BuildPlans.Add(plan);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return ApiProblem.Conflict($"The project already has a build plan named '{name}'.", "name");
        }
        await audit.RecordAsync(actor, AuditActions.BuildPlanCreate, teamId: a.Value!.Team.Id, projectId: projectId, target: ("buildplan", name),
            detail: plan.CopiedFromId is null ? null : $"copied from build plan {plan.CopiedFromId}", ct: ct);
        return BuildPlanDto.From(plan);
    }

    public async Task<Outcome<IReadOnlyList<BuildPlanDto>>> ListAsync(Actor actor, long projectId, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Work, ct);
        if (!a.Ok) return a.Problem!;
        var plans = await db.BuildPlans.AsNoTracking().Where(p => p.ProjectId == projectId).OrderBy(p => p.Name).ToListAsync(ct);
        return plans.Select(BuildPlanDto.From).ToList();
    }

    public async Task<Outcome<BuildPlanDto>> GetAsync(Actor actor, long buildPlanId, CancellationToken ct)
    {
        var plan = await db.BuildPlans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == buildPlanId, ct);
        if (plan is null) return ApiProblem.NotFound("This build plan");
        var a = await access.ProjectAsync(actor, plan.ProjectId, ProjectNeed.Work, ct);
        if (!a.Ok) return ApiProblem.NotFound("This build plan");
        return BuildPlanDto.From(plan);
    }
}
