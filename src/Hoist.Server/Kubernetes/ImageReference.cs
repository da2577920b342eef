using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Hoist.Server.Kubernetes;

/// <summary>
/// An OCI image reference, parsed by the grammar of distribution/reference (what containerd and the kubelet use):
/// <c>[domain[:port]/]path-component(/path-component)*[:tag][@algorithm:hex]</c>. Parsing is strict because a
/// reference the kubelet cannot parse only shows up minutes later as InvalidImageName.
/// </summary>
public sealed partial record ImageReference(string? Domain, string Path, string? Tag, string? Digest)
{
    const int NameTotalLengthMax = 255;

    /// <summary>The whole reference as written.</summary>
    public string Name => Domain is null ? Path : $"{Domain}/{Path}";

    public override string ToString() => Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>
    /// The fully qualified form the kubelet reports in <c>containerStatuses[].image</c>:
    /// <c>nginx</c> → <c>docker.io/library/nginx:latest</c>. Used to compare spec and status images.
    /// </summary>
    public string Normalized()
    {
        var domain = Domain ?? "docker.io";
        if (domain == "index.docker.io") domain = "docker.io";
        var path = domain == "docker.io" && !Path.Contains('/') ? "library/" + Path : Path;
        var tag = Tag is null && Digest is null ? "latest" : Tag;
        return $"{domain}/{path}" + (tag is null ? "" : ":" + tag) + (Digest is null ? "" : "@" + Digest);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference, out string? error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text)) { error = "the image reference is empty"; return false; }
        if (text.Length > 512) { error = "the image reference is longer than 512 characters"; return false; }
        if (text != text.Trim()) { error = "the image reference has leading or trailing white space"; return false; }

        var m = Reference().Match(text);
        if (!m.Success)
        {
            error = text.Any(char.IsUpper) && !text.Contains('@') && !text.Contains(':')
                ? "repository names must be lowercase"
                : "it does not follow the OCI reference grammar [registry[:port]/]name[:tag][@digest]";
            return false;
        }

        var name = m.Groups["name"].Value;
        if (name.Length > NameTotalLengthMax) { error = $"the repository name is longer than {NameTotalLengthMax} characters"; return false; }

        string? domain = null;
        var path = name;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = name[..slash];
            // distribution/reference: the first component is a registry when it looks like a host.
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper))
            {
                domain = first;
                path = name[(slash + 1)..];
            }
        }
        if (path.Any(char.IsUpper)) { error = "repository names must be lowercase"; return false; }

        var digest = m.Groups["digest"].Success ? m.Groups["digest"].Value : null;
        if (digest is not null)
        {
            var (algorithm, hex) = (digest[..digest.IndexOf(':', StringComparison.Ordinal)], digest[(digest.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            if (algorithm == "sha256" && hex.Length != 64) { error = "a sha256 digest has 64 hex digits"; return false; }
            if (algorithm == "sha512" && hex.Length != 128) { error = "a sha512 digest has 128 hex digits"; return false; }
        }

        reference = new ImageReference(domain, path, m.Groups["tag"].Success ? m.Groups["tag"].Value : null, digest);
        error = null;
        return true;
    }

    public static bool IsValid(string? text) => TryParse(text, out _, out _);

    /// <summary>Whether two references name the same image once normalized (<c>nginx:1.27</c> = <c>docker.io/library/nginx:1.27</c>).</summary>
    public static bool SameImage(string? a, string? b)
    {
        if (a is null || b is null) return false;
        if (a == b) return true;
        return TryParse(a, out var ra, out _) && TryParse(b, out var rb, out _) && ra.Normalized() == rb.Normalized();
    }

    // domain-component := [a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]; host := domain-name | IPv4 | [IPv6]
    // path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | __ | -+
    // tag := [\w][\w.-]{0,127} with ASCII \w; digest := algorithm ":" hex{32,}, algorithm := [A-Za-z][A-Za-z0-9]*([+._-][A-Za-z][A-Za-z0-9]*)*
    [GeneratedRegex("""
        ^(?<name>
           (?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/
           |\[[a-fA-F0-9:]+\](?::[0-9]+)?/)?
           [a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*
           (?:/[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*)*
         )
         (?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?
         (?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Reference();
}
