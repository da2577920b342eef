using Hoist.Server.Data;
using Hoist.Server.Releases;

namespace Hoist.Server.Metrics;

public static class MetricsApi
{
    public static IServiceCollection AddHoistMetrics(this IServiceCollection services)
    {
        services.AddSingleton<HoistMetrics>();
        services.AddSingleton<IReleaseObserver, VerdictMetrics>();
        return services;
    }

    /// <summary>Prometheus text format at <c>/metrics</c>; counts only, so it is served without authentication like most exporters.</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (HoistMetrics metrics, HoistDb db, HttpContext http, CancellationToken ct) =>
            {
                var text = await metrics.ScrapeAsync(db, ct);
                return TypedResults.Text(text, "text/plain; version=0.0.4; charset=utf-8");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
