using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// The names controllers derive from content: pod-template-hash, ControllerRevision names, image digests.
/// Kubernetes hashes the Go struct dump, which cannot be reproduced here; what matters (and what is kept) is the
/// form — fnv32 rendered by <c>rand.SafeEncodeString</c> of the decimal value, so only <c>4-9 b c d f</c>, at most
/// ten characters — and that the same template always gives the same hash.
/// </summary>
internal static class Hashing
{
    public const string PodTemplateHashLabel = "pod-template-hash";

    // k8s.io/apimachinery/pkg/util/rand alphanums.
    const string Alphanums = "bcdfghjklmnpqrstvwxz2456789";

    public static string SafeEncode(string s)
    {
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++) chars[i] = Alphanums[s[i] % Alphanums.Length];
        return new string(chars);
    }

    public static uint Fnv32a(ReadOnlySpan<byte> data, uint hash = 2166136261)
    {
        foreach (var b in data)
        {
            hash ^= b;
            hash *= 16777619;
        }
        return hash;
    }

    public static uint Fnv32(ReadOnlySpan<byte> data, uint hash = 2166136261)
    {
        foreach (var b in data)
        {
            hash *= 16777619;
            hash ^= b;
        }
        return hash;
    }

    /// <summary>
    /// <c>controller.ComputeHash(template, collisionCount)</c>: fnv32a of the template (its pod-template-hash label
    /// left out, so an RS's own template hashes like its Deployment's), then the collision count as 8 little-endian
    /// bytes when there is one.
    /// </summary>
    public static string PodTemplateHash(JsonNode? template, long? collisionCount)
    {
        var hash = Fnv32a(Encoding.UTF8.GetBytes(Js.Canonical(WithoutHashLabel(template))));
        if (collisionCount is { } c)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)c);
            hash = Fnv32a(bytes, hash);
        }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>history.HashControllerRevision</c>: fnv32 over the raw data, then the collision count in decimal.</summary>
    public static string RevisionHash(string data, long collisionCount)
    {
        var hash = Fnv32(Encoding.UTF8.GetBytes(data));
        hash = Fnv32(Encoding.UTF8.GetBytes(collisionCount.ToString(CultureInfo.InvariantCulture)), hash);
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The template as the controllers compare it: <c>EqualIgnoreHash</c> drops the pod-template-hash label.
    /// </summary>
    public static JsonNode? WithoutHashLabel(JsonNode? template)
    {
        if (template?.At("metadata", "labels") is not JsonObject labels || !labels.ContainsKey(PodTemplateHashLabel)) return template;
        var copy = template.DeepClone();
        ((JsonObject)copy.At("metadata", "labels")!).Remove(PodTemplateHashLabel);
        return copy;
    }

    public static bool TemplatesEqualIgnoringHash(JsonNode? a, JsonNode? b) =>
        Js.Canonical(WithoutHashLabel(a)) == Js.Canonical(WithoutHashLabel(b));

    /// <summary>
    /// ControllerRevision data as the StatefulSet and DaemonSet controllers write it (<c>getPatch</c>): the object
    /// marshalled, decoded into a map and re-marshalled, so keys are sorted and the template carries
    /// <c>"$patch":"replace"</c> and <c>"creationTimestamp":null</c>.
    /// </summary>
    public static string RevisionData(JsonNode? template)
    {
        var t = template?.DeepClone() as JsonObject ?? [];
        var meta = t["metadata"] as JsonObject ?? [];
        t["metadata"] = meta;
        if (!meta.ContainsKey("creationTimestamp")) meta["creationTimestamp"] = null;
        t["$patch"] = "replace";
        return Js.SortedJson(new JsonObject { ["spec"] = new JsonObject { ["template"] = t } });
    }

    public static string Sha256Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
}
