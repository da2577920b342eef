namespace Hoist.Cli.Api;

/// <summary>
/// How hard the CLI tries before it declares the server lost (exit 2). The defaults ride out a server restart or a
/// load-balancer hiccup (about 30 s in all) without making a CI job hang for minutes on a wrong URL.
/// </summary>
internal sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static readonly RetryPolicy Default = new(6, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

    /// <summary>Exponential back-off with ±20 % jitter (so retrying CI jobs do not hit a recovering server in step),
    /// or the server's Retry-After when it gave one, never more than <see cref="MaxDelay"/>.</summary>
    public TimeSpan DelayBefore(int nextAttempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } ra)
        {
            return ra < MaxDelay ? ra : MaxDelay;
        }
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, nextAttempt - 2);
        var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(Math.Min(exponential * jitter, MaxDelay.TotalMilliseconds));
    }
}
