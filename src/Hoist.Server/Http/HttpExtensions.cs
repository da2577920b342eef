using System.Text.Json.Serialization;
using Hoist.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace Hoist.Server.Http;

public static class HttpExtensions
{
    /// <summary>ProblemDetails for every error (with a <c>code</c>), JSON settings, OpenAPI.</summary>
    public static IServiceCollection AddHoistHttp(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Responses written by the framework (404 route, 405, status-code pages) get a code from their status.
            c.ProblemDetails.Extensions.TryAdd("code", CodeFor(c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode));
        });
        services.AddExceptionHandler<HoistExceptionHandler>();
        // Binding failures throw, so that HoistExceptionHandler can say which field was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.MaxDepth = 16;
        });
        services.AddOpenApi();
        return services;
    }

    /// <summary>The middleware order matters: errors outermost, then routing and auth, then the body cap.</summary>
    public static WebApplication UseHoistHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseMiddleware<Metrics.RequestMetrics>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<BodyLimit>();
        return app;
    }

    /// <summary>OpenAPI document at <c>/openapi/v1.json</c> and the Scalar browser at <c>/docs</c>.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Hoist API")).AllowAnonymous();
        return app;
    }

    internal static string CodeFor(int status) => status switch
    {
        400 => ProblemCodes.InvalidRequest,
        401 => ProblemCodes.TokenMissing,
        403 => ProblemCodes.PermissionDenied,
        404 => ProblemCodes.NotFound,
        405 => ProblemCodes.MethodNotAllowed,
        409 => ProblemCodes.Conflict,
        413 => ProblemCodes.PayloadTooLarge,
        415 => ProblemCodes.UnsupportedMediaType,
        422 => ProblemCodes.InvalidRequest,
        429 => ProblemCodes.TooManyRequests,
        500 => ProblemCodes.InternalError,
        503 => ProblemCodes.NotReady,
        _ => $"http_{status}",
    };
}
