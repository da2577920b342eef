using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Audit;

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
        Actor actor, AuditReader audit, string? action, bool? allowed, long? teamId, int? page, int? pageSize, CancellationToken ct)
    {
        // Who may read comes before what was asked, as everywhere in the API: a caller without access learns nothing from a 400.
        var forbidden = ApiProblem.Forbidden("Only server admins and team owners or admins may read the audit log.");
        if (!await audit.CanReadAsync(actor, ct)) return forbidden.ToResult();
        if (InputRules.Text("action", action, 64, required: false) is { } bad) return bad.ToResult();
        var (p, size) = Paging.Normalize(page, pageSize);
        if (await audit.ReadAsync(actor, new AuditFilter(action, allowed, teamId), p, size, withActions: false, ct) is not { } slice)
            return forbidden.ToResult();
        return TypedResults.Ok(new AuditPageDto(slice.Items, slice.Total, slice.Page, slice.PageSize));
    }
}
