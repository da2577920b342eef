using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Http;
using Hoist.Server.Metrics;
using Hoist.Server.Setup;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Deploys;

public static class DeploysApi
{
    public static IEndpointRouteBuilder MapDeploysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.Deploys, Deploy)
            .WithTags("Deploys")
            .WithName("Deploy")
            .WithSummary("The cdDeploy step: patch one container image of one workload. Idempotent on Idempotency-Key and on build number + parameters.")
            .RequireAuthorization(Policies.Deploy)
            .WithMetadata(DeployEndpoint.Instance)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    static async Task<Results<Accepted<DeployAccepted>, Ok<DeployAccepted>, ProblemHttpResult>> Deploy(
        Actor actor,
        [FromBody] DeployRequest? request,
        [FromHeader(Name = ApiRoutes.IdempotencyKeyHeader)] string? idempotencyKey,
        HttpContext http,
        DeployService deploys,
        IOptions<HoistOptions> options,
        CancellationToken ct)
    {
        var outcome = await deploys.DeployAsync(actor, request, idempotencyKey, BaseUrl(http, options.Value), ct);
        if (!outcome.Ok) return outcome.Problem!.ToResult();
        var accepted = outcome.Value!.Accepted;
        return accepted.Existing ? TypedResults.Ok(accepted) : TypedResults.Accepted(accepted.ApiUrl, accepted);
    }

    /// <summary>Where links handed to CI point: the configured public URL, else this request's own host.</summary>
    public static string BaseUrl(HttpContext http, HoistOptions options) =>
        !string.IsNullOrWhiteSpace(options.PublicUrl) ? options.PublicUrl.TrimEnd('/')
            : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}

/// <summary>Marks the deploy endpoint, so refusals made before its handler runs (401, 403 scope, 400 body, 413) are audited too.</summary>
public sealed class DeployEndpoint
{
    public static readonly DeployEndpoint Instance = new();
}

public static class DeployRefusals
{
    /// <summary>Audits the refusal when the request was a deploy; true when it was.</summary>
    public static async Task<bool> RecordIfDeployAsync(HttpContext http, ApiProblem problem)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<DeployEndpoint>() is null) return false;
        var actor = await Actor.BindAsync(http)
            ?? new Actor(null, "anonymous", false, new HashSet<string>(), SourceIp: Actor.SourceOf(http));
        http.RequestServices.GetRequiredService<HoistMetrics>().DeployRefused(problem.Code);
        var prefix = http.Items[TokenAuthenticationHandler.RefusedPrefixKey] as string;
        await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(actor, AuditActions.DeployRefused, allowed: false, code: problem.Code,
            detail: $"{problem.Status} {problem.Detail}{(prefix is null ? "" : $" token={prefix}")}", ct: CancellationToken.None);
        return true;
    }
}
