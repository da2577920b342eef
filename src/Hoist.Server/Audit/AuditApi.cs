using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Audit;

public sealed record AuditEntryDto(
    long Id, DateTimeOffset At, string Action, bool Allowed, string? Code, string? Actor, long? TokenId,
    long? TeamId, long? ProjectId, string? TargetType, string? TargetId, string? Detail, string? SourceIp);

public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, int Total, int Page, int PageSize);

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Manage);
        api.MapGet("/", ListAudit).WithName("ListAudit")
            .WithSummary("Audit log: server admins see everything, team owners and admins their teams' entries.");
        return app;
    }

    static async Task<Results<Ok<AuditPageDto>, ProblemHttpResult>> ListAudit(
        Actor actor, Access access, HoistDb db, string? action, bool? allowed, long? teamId, int? page, int? pageSize, CancellationToken ct)
    {
        var teams = await access.AdministeredTeamIdsAsync(actor, ct);
        if (teams is { Count: 0 }) return ApiProblem.Forbidden("Only server admins and team owners or admins may read the audit log.").ToResult();
        if (InputRules.Text("action", action, 64, required: false) is { } bad) return bad.ToResult();
        var (p, size) = Paging.Normalize(page, pageSize);

        var query = db.AuditEntries.AsNoTracking();
        if (teams is not null) query = query.Where(a => a.TeamId != null && teams.Contains(a.TeamId.Value));
        if (teamId is not null) query = query.Where(a => a.TeamId == teamId);
        if (action is not null) query = query.Where(a => a.Action == action);
        if (allowed is not null) query = query.Where(a => a.Allowed == allowed);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.Id).Skip((p - 1) * size).Take(size)
            .Select(a => new AuditEntryDto(a.Id, a.At, a.Action, a.Allowed, a.Code, a.ActorName, a.TokenId, a.TeamId, a.ProjectId,
                a.TargetType, a.TargetId, a.Detail, a.SourceIp))
            .ToListAsync(ct);
        return TypedResults.Ok(new AuditPageDto(items, total, p, size));
    }
}
