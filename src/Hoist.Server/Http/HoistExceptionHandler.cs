using System.Text.Json;
using System.Text.RegularExpressions;
using Hoist.Contracts;
using Hoist.Server.Deploys;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.AspNetCore.Diagnostics;

namespace Hoist.Server.Http;

/// <summary>
/// The one place exceptions become ProblemDetails. Bad input that the framework rejects while binding
/// (malformed JSON, wrong types, wrong media type) arrives as <see cref="BadHttpRequestException"/> because
/// <c>ThrowOnBadRequest</c> is on; everything unexpected becomes a bare 500 <c>internal_error</c> that says nothing
/// about the cause (the log has it).
/// </summary>
sealed partial class HoistExceptionHandler(IProblemDetailsService problems, ILogger<HoistExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            InvalidReleaseTransitionException t => new ApiProblem(StatusCodes.Status409Conflict, ProblemCodes.InvalidTransition,
                "Invalid release transition", $"The release is {t.From} and cannot become {t.To}."),
            ReleaseCommandException c => new ApiProblem(c.Status, c.Code, "Not possible", InputRules.Sanitize(c.Message, 300)),
            ClusterUnreachableException or ClusterRequestException => new ApiProblem(StatusCodes.Status502BadGateway, ProblemCodes.ClusterUnreachable,
                "Cluster unreachable", "The cluster of this cloud account could not be reached or refused the request. Try again later or check the cloud account."),
            _ => null,
        };
        if (problem is null)
        {
            LogUnhandled(log, exception, http.Request.Method, http.GetEndpoint()?.DisplayName ?? "(no endpoint)");
            problem = new ApiProblem(StatusCodes.Status500InternalServerError, ProblemCodes.InternalError, "Internal error",
                "An unexpected error occurred; it has been logged with this trace id.");
        }
        else
        {
            LogRefused(log, problem.Status, problem.Code, http.GetEndpoint()?.DisplayName ?? "(no endpoint)");
        }

        if (http.Response.HasStarted) return true;
        http.Response.Clear();
        http.Response.StatusCode = problem.Status;
        await DeployRefusals.RecordIfDeployAsync(http, problem);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = problem.ToProblemDetails(),
            Exception = exception,
        });
    }

    static ApiProblem FromBadRequest(BadHttpRequestException bad)
    {
        switch (bad.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return BodyLimit.TooLarge();
            case StatusCodes.Status415UnsupportedMediaType:
                return new ApiProblem(415, ProblemCodes.UnsupportedMediaType, "Unsupported media type",
                    "Send the body as JSON with 'Content-Type: application/json'.");
        }
        if (bad.InnerException is JsonException json)
        {
            var field = FieldFromJsonPath(json.Path);
            return new ApiProblem(400, ProblemCodes.InvalidRequest, "Malformed request body",
                field is null ? "The request body is not valid JSON for this endpoint."
                              : $"The value of '{field}' in the request body has the wrong type or is not valid JSON.")
            { Field = field };
        }
        // "Failed to bind parameter "int page" from "abc"." names the parameter; the value is not repeated back.
        if (BindFailure().Match(bad.Message) is { Success: true } m)
            return ApiProblem.Invalid(m.Groups["name"].Value, $"The value of '{m.Groups["name"].Value}' is not valid.") with
            {
                Code = ProblemCodes.InvalidRequest,
            };
        if (bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
            return new ApiProblem(400, ProblemCodes.InvalidRequest, "Missing request body", "This endpoint needs a JSON request body.");
        return new ApiProblem(400, ProblemCodes.InvalidRequest, "Bad request", "The request could not be read.");
    }

    /// <summary>"$.build.buildNumber" → "build.buildNumber"; "$" or empty → null.</summary>
    internal static string? FieldFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return null;
        var p = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        p = p.Length > 100 ? p[..100] : p;
        return InputRules.HasForbiddenCharacter(p) ? null : p;
    }

    [GeneratedRegex("^Failed to bind parameter \"[^\" ]+ (?<name>[A-Za-z0-9_]{1,50})\"")]
    private static partial Regex BindFailure();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Endpoint}")]
    static partial void LogUnhandled(ILogger logger, Exception exception, string method, string endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request refused with {Status} {Code} in {Endpoint}")]
    static partial void LogRefused(ILogger logger, int status, string code, string endpoint);
}
