using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Hoist.Server.Metrics;

// Hand-written Prometheus text exposition rather than prometheus-net: Hoist needs three counters and two
// histograms, every test creates its own server in one process (prometheus-net's default registry is static,
// so counts would leak between them), and this keeps the server free of another dependency. ~100 lines.

public abstract class Metric(string name, string help, string type, string[] labelNames)
{
    public string Name { get; } = name;
    protected string[] LabelNames { get; } = labelNames;

    protected static string Key(string[] values) => string.Join('\u0001', values);

    protected string Labels(string key, string? extraName = null, string? extraValue = null)
    {
        var values = key.Length == 0 && LabelNames.Length == 0 ? [] : key.Split('\u0001');
        var parts = LabelNames.Select((n, i) => $"{n}=\"{Escape(values[i])}\"").ToList();
        if (extraName is not null) parts.Add($"{extraName}=\"{extraValue}\"");
        return parts.Count == 0 ? "" : "{" + string.Join(',', parts) + "}";
    }

    static string Escape(string v) => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public void Write(StringBuilder sb)
    {
        sb.Append("# HELP ").Append(Name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
        WriteSamples(sb);
    }

    protected abstract void WriteSamples(StringBuilder sb);

    protected static string Number(double v) => double.IsPositiveInfinity(v) ? "+Inf" : v.ToString("R", CultureInfo.InvariantCulture);
}

public sealed class Counter(string name, string help, params string[] labelNames) : Metric(name, help, "counter", labelNames)
{
    readonly ConcurrentDictionary<string, long> _values = new();

    public void Inc(params string[] labelValues) => _values.AddOrUpdate(Key(labelValues), 1, (_, v) => v + 1);

    public long Get(params string[] labelValues) => _values.GetValueOrDefault(Key(labelValues));

    protected override void WriteSamples(StringBuilder sb)
    {
        foreach (var (key, value) in _values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(Name).Append(Labels(key)).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}

/// <summary>Values known only at scrape time (read from the database by the caller).</summary>
public sealed class Gauge(string name, string help, params string[] labelNames) : Metric(name, help, "gauge", labelNames)
{
    IReadOnlyList<(string[] Labels, double Value)> _values = [];

    public void Set(IReadOnlyList<(string[] Labels, double Value)> values) => _values = values;

    protected override void WriteSamples(StringBuilder sb)
    {
        foreach (var (labels, value) in _values)
            sb.Append(Name).Append(Labels(Key(labels))).Append(' ').Append(Number(value)).Append('\n');
    }
}

public sealed class Histogram(string name, string help, double[] buckets, params string[] labelNames) : Metric(name, help, "histogram", labelNames)
{
    sealed class State(int buckets)
    {
        public readonly long[] Counts = new long[buckets];
        public double Sum;
        public long Count;
    }

    readonly ConcurrentDictionary<string, State> _states = new();

    public void Observe(double value, params string[] labelValues)
    {
        var state = _states.GetOrAdd(Key(labelValues), _ => new State(buckets.Length));
        lock (state)
        {
            for (var i = 0; i < buckets.Length; i++)
                if (value <= buckets[i]) state.Counts[i]++;
            state.Sum += value;
            state.Count++;
        }
    }

    public long Count(params string[] labelValues) => _states.TryGetValue(Key(labelValues), out var s) ? Interlocked.Read(ref s.Count) : 0;

    protected override void WriteSamples(StringBuilder sb)
    {
        foreach (var (key, state) in _states.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            lock (state)
            {
                for (var i = 0; i < buckets.Length; i++)
                    sb.Append(Name).Append("_bucket").Append(Labels(key, "le", Number(buckets[i]))).Append(' ').Append(state.Counts[i]).Append('\n');
                sb.Append(Name).Append("_bucket").Append(Labels(key, "le", "+Inf")).Append(' ').Append(state.Count).Append('\n');
                sb.Append(Name).Append("_sum").Append(Labels(key)).Append(' ').Append(Number(state.Sum)).Append('\n');
                sb.Append(Name).Append("_count").Append(Labels(key)).Append(' ').Append(state.Count).Append('\n');
            }
        }
    }
}
