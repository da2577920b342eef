using System.Text.RegularExpressions;

namespace Hoist.Server.Deploys;

/// <summary>
/// A container image reference, checked against the distribution/reference grammar:
/// <c>[domain[:port]/]path[/path…][:tag][@algorithm:hex]</c>, path components lower-case alphanumerics joined by
/// <c>.</c>, <c>_</c>, <c>__</c> or dashes; tag <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>; name at most 255 characters. Pure.
/// (The engine work may bring its own parser; the two should be folded together.)
/// </summary>
public sealed partial record ImageReference(string Repository, string? Tag, string? Digest)
{
    public const int MaxLength = 1024;
    const int MaxNameLength = 255;

    public static bool TryParse(string? value, out ImageReference? reference)
    {
        reference = null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength) return false;
        Match m;
        try
        {
            m = Grammar().Match(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
        if (!m.Success) return false;
        var name = m.Groups["name"].Value;
        if (name.Length > MaxNameLength) return false;
        reference = new ImageReference(name, m.Groups["tag"].Success ? m.Groups["tag"].Value : null,
            m.Groups["digest"].Success ? m.Groups["digest"].Value : null);
        return true;
    }

    /// <summary>
    /// Whether the repository lies under <paramref name="prefix"/> at a path boundary: <c>reg.io/team</c> allows
    /// <c>reg.io/team/app</c> and <c>reg.io/team</c> itself, never <c>reg.io/team-evil/app</c>.
    /// </summary>
    public bool IsUnder(string prefix)
    {
        var p = prefix.TrimEnd('/');
        if (p.Length == 0) return false;
        return Repository.Equals(p, StringComparison.Ordinal)
            || (Repository.StartsWith(p, StringComparison.Ordinal) && Repository[p.Length] == '/');
    }

    // domain: components of [a-zA-Z0-9-] joined by '.', optional :port, or an IPv6 literal in brackets; it is a
    // domain only when followed by '/'. Path components are lower-case.
    [GeneratedRegex(
        @"^(?<name>(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/|\[[a-fA-F0-9:]+\](?::[0-9]+)?/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
        @"(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?" +
        @"(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex Grammar();
}
