using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Deploys;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Hoist.Server.Auth;

/// <summary>
/// Turns API authentication and authorization failures into ProblemDetails with a code: 401 with the reason the
/// token was refused (or <c>token_missing</c>), 429 when the source is throttled, 403 <c>scope_missing</c> naming
/// the scope. Pages (outside <c>/api</c>) keep the cookie scheme's redirect to the login page.
/// </summary>
sealed class ProblemAuthorizationResultHandler(AuthorizationMiddlewareResultHandler fallback, IProblemDetailsService problems)
    : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Succeeded || !http.Request.Path.StartsWithSegments("/api"))
        {
            await fallback.HandleAsync(next, http, policy, result);
            return;
        }

        ApiProblem problem;
        if (result.Challenged)
        {
            problem = http.Items[TokenAuthenticationHandler.FailureKey] as ApiProblem
                ?? new ApiProblem(StatusCodes.Status401Unauthorized, ProblemCodes.TokenMissing, "Authentication required",
                    "Send a personal access token as 'Authorization: Bearer hoist_pat_…' (or 'token …', or as the basic-auth password), or log in.");
            if (problem.Status == StatusCodes.Status401Unauthorized)
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"hoist\", Basic realm=\"hoist\"";
            if (problem.Extra?.GetValueOrDefault("retryAfterSeconds") is int seconds)
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            var scope = result.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault();
            problem = scope is not null
                ? new ApiProblem(StatusCodes.Status403Forbidden, ProblemCodes.ScopeMissing, "Token scope missing",
                    $"This endpoint needs a token with scope {string.Join(" or ", scope.AnyOf.Select(s => $"'{s}'"))}.")
                { Expected = scope.AnyOf }
                : ApiProblem.Forbidden("You may not do this.");
        }

        http.Response.StatusCode = problem.Status;
        if (!await DeployRefusals.RecordIfDeployAsync(http, problem) && problem.Status == StatusCodes.Status401Unauthorized
            && problem.Code != ProblemCodes.TokenMissing)
        {
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(
                new Actor(null, "anonymous", false, new HashSet<string>(), SourceIp: Actor.SourceOf(http)),
                AuditActions.TokenRejected, allowed: false, code: problem.Code,
                detail: $"{http.Request.Method} {route} token={http.Items[TokenAuthenticationHandler.RefusedPrefixKey] as string ?? "(not a Hoist token)"}",
                ct: CancellationToken.None);
        }
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem.ToProblemDetails() });
    }
}
