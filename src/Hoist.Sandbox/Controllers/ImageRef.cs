using System.Text.RegularExpressions;

namespace Hoist.Sandbox.Controllers;

/// <summary>How the simulated kubelet treats an image: by a word in its reference (DESIGN.md §7).</summary>
internal enum ImageRule { Starts, InvalidName, PullFails, ConfigError, CrashLoop, Unready }

/// <summary>
/// A container image reference parsed by the distribution/reference grammar, normalised the way containerd
/// reports it (<c>nginx:1.25</c> → <c>docker.io/library/nginx:1.25</c>).
/// </summary>
internal sealed partial record ImageRef(string Requested, string Domain, string Path, string? Tag, string? Digest)
{
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")]
    private static partial Regex DigestPattern();

    public static ImageRef? Parse(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Length > 255 + 200) return null;
        var rest = image;
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest)) return null;
        }
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag)) return null;
        }
        if (rest.Length == 0 || rest.Length > 255) return null;
        var domain = "docker.io";
        var path = rest;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var first = rest[..slash];
            // docker's splitDockerDomain: a first component is a registry when it looks like a host.
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" || first.ToLowerInvariant() != first)
            {
                if (!DomainPattern().IsMatch(first)) return null;
                domain = first;
                path = rest[(slash + 1)..];
            }
        }
        if (!PathPattern().IsMatch(path)) return null;
        if (domain == "docker.io" && !path.Contains('/', StringComparison.Ordinal)) path = "library/" + path;
        return new ImageRef(image, domain, path, tag, digest);
    }

    public string Repository => $"{Domain}/{Path}";

    /// <summary>The reference containerd pulls: a tag defaults to latest.</summary>
    public string FullName => Digest is not null ? $"{Repository}@{Digest}" : $"{Repository}:{Tag ?? "latest"}";

    /// <summary>kubelet <c>applyDefaultImageTag</c>: adds <c>:latest</c> only when there is neither tag nor digest.</summary>
    public string WithDefaultTag => Tag is null && Digest is null ? Requested + ":latest" : Requested;

    /// <summary>What the runtime reports as imageID: the repository at a digest (deterministic from the reference).</summary>
    public string ImageId => $"{Repository}@{Digest ?? "sha256:" + Hashing.Sha256Hex(FullName)}";

    public bool DefaultsToAlwaysPull => Digest is null && (Tag is null || Tag == "latest");

    public static ImageRule RuleFor(string? image)
    {
        if (Parse(image) is null) return ImageRule.InvalidName;
        var lower = image!.ToLowerInvariant();
        if (lower.Contains("nonexistent", StringComparison.Ordinal)) return ImageRule.PullFails;
        if (lower.Contains("configerror", StringComparison.Ordinal)) return ImageRule.ConfigError;
        if (lower.Contains("crashloop", StringComparison.Ordinal)) return ImageRule.CrashLoop;
        if (lower.Contains("unready", StringComparison.Ordinal)) return ImageRule.Unready;
        return ImageRule.Starts;
    }

    /// <summary>The CRI error containerd returns: a missing tag is NotFound, a missing repository is an access error.</summary>
    public string PullError()
    {
        var full = FullName;
        var missingRepository = !(Tag ?? "").Contains("nonexistent", StringComparison.OrdinalIgnoreCase);
        return missingRepository
            ? $"rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
            : $"rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found";
    }
}
