using Hoist.Contracts;

namespace Hoist.Cli.Output;

internal static class Verdicts
{
    /// <summary>
    /// The exit code for a finished release. Timeouts keep their own code even when a rollback followed (the reason
    /// is what a CI script wants to branch on); every other unsuccessful end, rolled back or cancelled, is 3.
    /// </summary>
    public static int ExitCode(ReleaseDto release) => release.Status switch
    {
        ReleaseStatus.Succeeded => ExitCodes.Succeeded,
        ReleaseStatus.TimedOut => ExitCodes.TimedOut,
        _ when release.Reason == FailureReason.TimedOut => ExitCodes.TimedOut,
        _ => ExitCodes.ReleaseFailed,
    };

    /// <summary>One line: status, reason, message and the release page.</summary>
    public static string Line(ReleaseDto release, Uri server, string label = "release")
    {
        var reason = release.Reason is FailureReason.None ? "" : $" ({release.Reason})";
        var message = string.IsNullOrWhiteSpace(release.Message) ? "" : $": {TerminalText.Safe(release.Message)}";
        return $"hoist: {label} {release.Id} {release.Status}{reason}{message} — {PageUrl(release.Url, server)}";
    }

    /// <summary>Release URLs are absolute when the server knows its public address; otherwise made so here. (On Unix
    /// "/releases/1" parses as an absolute file: URI, hence the scheme check.)</summary>
    public static string PageUrl(string url, Uri server) =>
        Uri.TryCreate(url, UriKind.Absolute, out var abs) && abs.Scheme is "http" or "https"
            ? abs.AbsoluteUri
            : server.AbsoluteUri.TrimEnd('/') + "/" + url.TrimStart('/');

    /// <summary><c>2/3 updated, 3 available, 1 old, 1 waiting: ContainerCreating</c>.</summary>
    public static string Progress(RolloutProgressDto p)
    {
        var line = $"{p.Updated}/{p.Desired} updated, {p.Available} available";
        if (p.Old > 0)
        {
            line += $", {p.Old} old";
        }
        if (p.Waiting is { Count: > 0 } waiting)
        {
            var reasons = waiting.GroupBy(w => w).Select(g => g.Count() > 1 && waiting.Distinct().Count() > 1 ? $"{g.Key} ×{g.Count()}" : g.Key);
            line += $", {waiting.Count} waiting: {string.Join(", ", reasons)}";
        }
        return TerminalText.Safe(line);
    }
}
