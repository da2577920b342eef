using System.Text;
using Hoist.Server.Metrics;
using Shouldly;
using Xunit;

namespace Hoist.Server.Tests;

public sealed class MetricsExpositionTests
{
    [Fact]
    public void Histogram_WritesCumulativeBucketsSumAndCount()
    {
        var h = new Histogram("h_seconds", "help", [1, 5], "outcome");
        h.Observe(0.5, "ok");
        h.Observe(3, "ok");
        h.Observe(10, "ok");
        var sb = new StringBuilder();

        h.Write(sb);

        sb.ToString().ShouldBe(
            "# HELP h_seconds help\n# TYPE h_seconds histogram\n" +
            "h_seconds_bucket{outcome=\"ok\",le=\"1\"} 1\n" +
            "h_seconds_bucket{outcome=\"ok\",le=\"5\"} 2\n" +
            "h_seconds_bucket{outcome=\"ok\",le=\"+Inf\"} 3\n" +
            "h_seconds_sum{outcome=\"ok\"} 13.5\n" +
            "h_seconds_count{outcome=\"ok\"} 3\n");
    }

    [Fact]
    public void Counter_EscapesLabelValues()
    {
        var c = new Counter("c_total", "help", "route");
        c.Inc("a\"b\\c\nd");
        var sb = new StringBuilder();

        c.Write(sb);

        sb.ToString().ShouldContain("c_total{route=\"a\\\"b\\\\c\\nd\"} 1\n");
    }
}
