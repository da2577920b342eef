using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Api;

/// <summary>
/// Failures the sandbox injects into Kubernetes API requests (never into <c>/sandbox/</c> control requests or
/// discovery), for reliability tests. Immutable: swap the whole value (<c>cluster.Faults = cluster.Faults with
/// { ErrorRate = 0.5 }</c>) or PUT <c>/sandbox/v1/faults</c>.
/// </summary>
public sealed record FaultSettings
{
    public static FaultSettings None { get; } = new();

    /// <summary>Fraction (0–1) of API requests answered 500 InternalError.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Fraction (0–1) of writes (create, update, patch, delete) answered 409 Conflict.</summary>
    public double ConflictRate { get; init; }

    /// <summary>Delay added before every API request is handled.</summary>
    public int LatencyMs { get; init; }

    /// <summary>When set, every watch stream is closed after this many seconds (clients must re-watch).</summary>
    public int? WatchCloseAfterSeconds { get; init; }

    /// <summary>
    /// Requests answered 403 Forbidden (and reported as not allowed by SelfSubjectAccessReview), each
    /// <c>"&lt;verb&gt; &lt;resource&gt;"</c> as in the stats keys, e.g. <c>"patch deployments"</c>,
    /// <c>"get pods/log"</c>; <c>*</c> matches any verb or resource.
    /// </summary>
    public IReadOnlyList<string> Denied { get; init; } = [];

    public bool IsDenied(string verb, string resource) =>
        Denied.Any(d =>
        {
            var parts = d.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return parts.Length == 2 && (parts[0] == "*" || parts[0] == verb) && (parts[1] == "*" || parts[1] == resource);
        });

    public JsonObject ToJson() => new()
    {
        ["errorRate"] = ErrorRate,
        ["conflictRate"] = ConflictRate,
        ["latencyMs"] = LatencyMs,
        ["watchCloseAfterSeconds"] = WatchCloseAfterSeconds,
        ["denied"] = new JsonArray([.. Denied.Select(d => (JsonNode)d)]),
    };

    /// <summary>Reads the control endpoint's JSON; absent fields keep their value in <paramref name="current"/>.</summary>
    public static FaultSettings FromJson(JsonObject json, FaultSettings current)
    {
        static double Rate(JsonNode? n, string name, double fallback)
        {
            if (n is null) return fallback;
            var v = n.GetValue<double>();
            if (v is < 0 or > 1 || double.IsNaN(v)) throw new FormatException($"{name} must be between 0 and 1");
            return v;
        }
        var latency = json.ContainsKey("latencyMs") ? json["latencyMs"]?.GetValue<int>() ?? 0 : current.LatencyMs;
        if (latency < 0) throw new FormatException("latencyMs must not be negative");
        var close = json.ContainsKey("watchCloseAfterSeconds") ? json["watchCloseAfterSeconds"]?.GetValue<int>() : current.WatchCloseAfterSeconds;
        if (close <= 0) throw new FormatException("watchCloseAfterSeconds must be positive or null");
        return new FaultSettings
        {
            ErrorRate = Rate(json["errorRate"], "errorRate", current.ErrorRate),
            ConflictRate = Rate(json["conflictRate"], "conflictRate", current.ConflictRate),
            LatencyMs = latency,
            WatchCloseAfterSeconds = close,
            Denied = json.ContainsKey("denied")
                ? (json["denied"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").Where(s => s.Length > 0).ToList() ?? []
                : current.Denied,
        };
    }
}

/// <summary>
/// Counts of Kubernetes API requests by <c>"&lt;verb&gt; &lt;resource&gt;"</c> (verbs as RBAC names them: get,
/// list, watch, create, update, patch, delete, deletecollection; subresources as <c>deployments/scale</c>), so
/// tests can assert, for example, how many PATCHes a release sent. Discovery and control requests are not counted.
/// </summary>
public sealed class SandboxStats
{
    readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public long this[string key] => _counts.TryGetValue(key, out var n) ? n : 0;

    public long Count(string verb, string resource) => this[$"{verb} {resource}"];

    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_counts.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);

    public void Reset() => _counts.Clear();

    internal void Record(string verb, string resource) => _counts.AddOrUpdate($"{verb} {resource}", 1, (_, n) => n + 1);
}
