using System.Globalization;
using Hoist.Contracts;

namespace Hoist.Server.Web;

/// <summary>Formatting shared by the pages. Cluster text is untrusted: Razor encodes it, <see cref="Clip"/> bounds it.</summary>
public static class Fmt
{
    public const int NameMax = 253;      // a DNS-1123 subdomain, the longest Kubernetes name
    public const int ImageMax = 512;
    public const int MessageMax = 2000;

    public static string Clip(string? text, int max = MessageMax)
    {
        if (string.IsNullOrEmpty(text)) return "";
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
    }

    /// <summary>UTC, sortable, culture-free; hoist.js rewrites it into the reader's local time.</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan d, bool chinese)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        var (h, m, s) = ((int)d.TotalHours, d.Minutes, d.Seconds);
        if (chinese)
            return h > 0 ? $"{h} 小时 {m} 分" : m > 0 ? $"{m} 分 {s} 秒" : d.TotalSeconds >= 1 ? $"{s} 秒" : $"{(int)d.TotalMilliseconds} 毫秒";
        return h > 0 ? $"{h}h {m}m" : m > 0 ? $"{m}m {s:00}s" : d.TotalSeconds >= 1 ? $"{s}s" : $"{(int)d.TotalMilliseconds}ms";
    }

    /// <summary>Indented JSON for reading; text that is not JSON is returned as it is.</summary>
    public static string PrettyJson(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text)?.ToJsonString(Indented) ?? text;
        }
        catch (System.Text.Json.JsonException)
        {
            return text;
        }
    }

    static readonly System.Text.Json.JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // shown as text, encoded by Razor
    };

    /// <summary>The last path segment (name:tag or name@digest): in a narrow column the tag is what tells releases apart.</summary>
    public static string ShortImage(string? image)
    {
        if (string.IsNullOrEmpty(image)) return "";
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var path = at >= 0 ? image[..at] : image;
        var slash = path.LastIndexOf('/');
        return Clip(slash >= 0 ? image[(slash + 1)..] : image, 120);
    }

    public static string ShortCommit(string? commit) => string.IsNullOrEmpty(commit) ? "" : commit.Length > 10 ? commit[..10] : commit;

    /// <summary>The CSS tone of a status, the same on every page: ok, bad, run, wait, warn, muted.</summary>
    public static string Tone(ReleaseStatus s) => s switch
    {
        ReleaseStatus.Succeeded => "ok",
        ReleaseStatus.Failed or ReleaseStatus.TimedOut => "bad",
        ReleaseStatus.Validating or ReleaseStatus.Patching or ReleaseStatus.RollingOut => "run",
        ReleaseStatus.RollingBack or ReleaseStatus.RolledBack => "warn",
        ReleaseStatus.Cancelled => "muted",
        _ => "wait",
    };

    /// <summary>A glyph so that status never relies on colour alone (the text label is always next to it).</summary>
    public static string Glyph(ReleaseStatus s) => s switch
    {
        ReleaseStatus.Succeeded => "✓",
        ReleaseStatus.Failed => "✕",
        ReleaseStatus.TimedOut => "⧗",
        ReleaseStatus.Cancelled => "⊘",
        ReleaseStatus.RollingBack or ReleaseStatus.RolledBack => "↺",
        ReleaseStatus.Queued => "○",
        _ => "●",
    };
}
