using Hoist.Server.Kubernetes;

namespace Hoist.Server.Deploys;

public static class ImagePrefixes
{
    /// <summary>
    /// Whether the image's repository lies under <paramref name="prefix"/> at a path boundary: <c>reg.io/team</c>
    /// allows <c>reg.io/team/app</c> and <c>reg.io/team</c> itself, never <c>reg.io/team-evil/app</c>. Compared as
    /// written (no docker.io normalization), like the prefixes people type.
    /// </summary>
    public static bool IsUnder(this ImageReference image, string prefix)
    {
        var p = prefix.TrimEnd('/');
        if (p.Length == 0) return false;
        var name = image.Name;
        return name.Equals(p, StringComparison.Ordinal)
            || (name.StartsWith(p, StringComparison.Ordinal) && name[p.Length] == '/');
    }
}
