using System.Globalization;
using System.Runtime.InteropServices;

namespace Hoist.Sandbox.Bench;

/// <summary>Collects rows and prints them as a Markdown table (median and p95 by nearest rank).</summary>
internal sealed class ResultTable
{
    readonly List<string[]> _rows = [];

    public void Add(string section, string what, IReadOnlyList<double> samples, string unit, string notes = "")
    {
        var sorted = samples.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        var p95 = sorted[Math.Max(0, (int)Math.Ceiling(0.95 * sorted.Length) - 1)];
        _rows.Add([section, what, sorted.Length.ToString(CultureInfo.InvariantCulture), Format(median, unit),
            sorted.Length > 1 ? Format(p95, unit) : "", sorted.Length > 1 ? $"min {Format(sorted[0], unit)}, max {Format(sorted[^1], unit)}" + (notes.Length > 0 ? "; " + notes : "") : notes]);
    }

    public void AddValue(string section, string what, double value, string unit, string notes = "") =>
        _rows.Add([section, what, "1", Format(value, unit), "", notes]);

    static string Format(double value, string unit) => unit switch
    {
        "ms" when value >= 10_000 => (value / 1000).ToString("F1", CultureInfo.InvariantCulture) + " s",
        "ms" when value >= 100 => value.ToString("F0", CultureInfo.InvariantCulture) + " ms",
        _ => value.ToString("F1", CultureInfo.InvariantCulture) + " " + unit,
    };

    public void Print(TextWriter output, BenchOptions options)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        output.WriteLine($"Hoist sandbox benchmark — .NET {Environment.Version}, {RuntimeInformation.OSDescription.Trim()}, {Environment.ProcessorCount} cores, load average {load} at the end, Release");
        output.WriteLine($"options: runs {options.Runs} (+{options.Warmup} warm-up), deployments {options.Deployments}, replicas {options.Replicas}, kubectl runs {options.KubectlRuns}, kube version {options.KubeVersion}");
        output.WriteLine();
        string[] header = ["", "measurement", "n", "median", "p95", "notes"];
        var widths = header.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        void Row(string[] cells) => output.WriteLine("| " + string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))) + " |");
        Row(header);
        output.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var r in _rows) Row(r);
    }
}
