using System.Diagnostics;
using System.Text;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Metrics;

/// <summary>The server's metrics, one instance per server (a singleton).</summary>
public sealed class HoistMetrics
{
    public Counter DeployRequests { get; } = new("hoist_deploy_requests_total", "Deploy calls by result: accepted, existing (a retry), or the refusal code.", "result");
    public Counter Verdicts { get; } = new("hoist_release_verdicts_total", "Releases that reached a verdict, by outcome.", "outcome");
    public Histogram VerdictLatency { get; } = new("hoist_release_verdict_seconds", "Time from a release's creation to its verdict.",
        [1, 5, 10, 30, 60, 120, 300, 600, 1200, 3600], "outcome");
    public Histogram HttpLatency { get; } = new("hoist_http_request_duration_seconds", "API latency by route and status.",
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], "method", "route", "status");
    public Gauge Releases { get; } = new("hoist_releases", "Stored releases by status (read from the database at scrape time).", "status");

    public void DeployAccepted() => DeployRequests.Inc("accepted");
    public void DeployRetried() => DeployRequests.Inc("existing");
    public void DeployRefused(string code) => DeployRequests.Inc(code);

    public void Verdict(ReleaseStatus outcome, TimeSpan latency)
    {
        Verdicts.Inc(outcome.ToString());
        VerdictLatency.Observe(Math.Max(0, latency.TotalSeconds), outcome.ToString());
    }

    public async Task<string> ScrapeAsync(HoistDb db, CancellationToken ct)
    {
        var byStatus = await db.Set<Release>().GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        Releases.Set(Enum.GetValues<ReleaseStatus>()
            .Select(s => (new[] { s.ToString() }, (double)(byStatus.FirstOrDefault(x => x.Key == s)?.Count ?? 0))).ToList());
        var sb = new StringBuilder();
        foreach (var metric in new Metric[] { DeployRequests, Verdicts, VerdictLatency, Releases, HttpLatency }) metric.Write(sb);
        return sb.ToString();
    }
}

/// <summary>The engine tells every <see cref="IReleaseObserver"/> of each verdict right after storing it.</summary>
sealed class VerdictMetrics(HoistMetrics metrics) : IReleaseObserver
{
    public void VerdictReached(Release release) =>
        metrics.Verdict(release.Status, (release.FinishedAt ?? release.CreatedAt) - release.CreatedAt);
}

/// <summary>API latency per route template (bounded label values: never the raw path).</summary>
sealed class RequestMetrics(RequestDelegate next, HoistMetrics metrics)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.HttpLatency.Observe(Stopwatch.GetElapsedTime(start).TotalSeconds, http.Request.Method.Length > 10 ? "other" : http.Request.Method, route,
                http.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
