using System.Collections.Concurrent;
using Hoist.Server.Setup;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Auth;

/// <summary>
/// Counts failed token checks and logins per source (IP) in a fixed window; a source over the limit gets 429
/// until its window ends. In memory: each replica throttles on its own, which still bounds guessing.
/// </summary>
public sealed class AuthThrottle(IOptions<HoistOptions> options, TimeProvider time)
{
    readonly ConcurrentDictionary<string, Window> _windows = new();

    sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start = start;
        public int Failures;
    }

    public bool IsBlocked(string source, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_windows.TryGetValue(source, out var w)) return false;
        var now = time.GetUtcNow();
        var end = w.Start + options.Value.FailureWindow;
        if (now >= end) return false;
        if (Volatile.Read(ref w.Failures) < options.Value.MaxAuthFailures) return false;
        retryAfter = end - now;
        return true;
    }

    public void RecordFailure(string source)
    {
        var now = time.GetUtcNow();
        var window = options.Value.FailureWindow;
        var w = _windows.AddOrUpdate(source, _ => new Window(now), (_, old) => now >= old.Start + window ? new Window(now) : old);
        Interlocked.Increment(ref w.Failures);
        if (_windows.Count > 10_000) Prune(now, window);
    }

    void Prune(DateTimeOffset now, TimeSpan window)
    {
        foreach (var (key, w) in _windows)
            if (now >= w.Start + window) _windows.TryRemove(key, out _);
    }
}
