using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Health;

public static class HealthApi
{
    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: and its database does.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous().WithTags("Health");
        app.MapGet("/readyz", Ready).AllowAnonymous().WithTags("Health");
        return app;
    }

    static async Task<Results<ContentHttpResult, ProblemHttpResult>> Ready(HoistDb db, CancellationToken ct)
    {
        bool reachable;
        try
        {
            reachable = await db.Database.CanConnectAsync(ct);
        }
#pragma warning disable CA1031 // any failure to reach the database means "not ready"
        catch (Exception)
#pragma warning restore CA1031
        {
            reachable = false;
        }
        return reachable ? TypedResults.Text("ready")
            : new ApiProblem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.NotReady, "Not ready", "The database cannot be reached.").ToResult();
    }
}
