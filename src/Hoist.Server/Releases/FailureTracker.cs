using Hoist.Server.Kubernetes;

namespace Hoist.Server.Releases;

/// <summary>
/// Decides when a problem seen on a new pod fails the release: when the same problem (same pod, same container,
/// same class — ErrImagePull and ImagePullBackOff are one class) has been visible without a break for the grace
/// period. A problem that disappears (the pull succeeded, the container became Ready) starts over.
/// </summary>
public sealed class FailureTracker(TimeSpan grace)
{
    readonly Dictionary<string, (FailureSignal Signal, DateTimeOffset Since)> _open = new(StringComparer.Ordinal);

    /// <summary>Records what the latest snapshot shows.</summary>
    public void Observe(IReadOnlyList<FailureSignal> signals, DateTimeOffset now)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in signals)
        {
            seen.Add(s.Key);
            // Keep the first sighting's time but the latest wording (the message changes as back-off grows).
            _open[s.Key] = _open.TryGetValue(s.Key, out var open) ? (s, open.Since) : (s, now);
        }
        foreach (var key in _open.Keys.Where(k => !seen.Contains(k)).ToList()) _open.Remove(key);
    }

    /// <summary>The problem that has now lasted the grace period (the oldest first), or null.</summary>
    public FailureSignal? Confirmed(DateTimeOffset now) =>
        _open.Values.Where(o => now - o.Since >= grace).OrderBy(o => o.Since).Select(o => o.Signal).FirstOrDefault();

    /// <summary>When the oldest open problem will have lasted the grace period, or null when none is open.</summary>
    public DateTimeOffset? NextDeadline => _open.Count == 0 ? null : _open.Values.Min(o => o.Since) + grace;

    public IReadOnlyCollection<FailureSignal> Open => _open.Values.Select(o => o.Signal).ToList();
}
