using System.ComponentModel.DataAnnotations;

namespace Hoist.Server.Kubernetes;

/// <summary>How Hoist talks to clusters, section <c>Kubernetes</c>.</summary>
public sealed class KubernetesOptions
{
    /// <summary>Timeout of one API request (not of a watch stream).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts for a request that failed transiently (connection error, 429, 5xx).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First back-off after a transient failure; doubles per attempt, capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Server-side timeout of one watch request; the watch then resumes from its last resourceVersion.</summary>
    [Range(10, 3600)]
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// A watch stream that delivers nothing (no event, no bookmark) for this long is assumed dead and re-opened
    /// from its last resourceVersion. The apiserver sends a bookmark about every minute, so a healthy quiet
    /// stream is never cut; a half-open connection is found within this time instead of never.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WatchIdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Largest log tail read for a crash report or the runtime page.</summary>
    [Range(1024, 10 * 1024 * 1024)]
    public int MaxLogBytes { get; set; } = 256 * 1024;
}
