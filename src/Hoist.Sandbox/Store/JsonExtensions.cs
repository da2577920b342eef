using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Store;

/// <summary>Terse access to the metadata every Kubernetes object has.</summary>
public static class JsonExtensions
{
    public static JsonObject Meta(this JsonObject o)
    {
        if (o["metadata"] is JsonObject m) return m;
        m = new JsonObject();
        o["metadata"] = m;
        return m;
    }

    public static string Name(this JsonObject o) => (o["metadata"] as JsonObject)?.Str("name") ?? "";
    public static string? Namespace(this JsonObject o) => (o["metadata"] as JsonObject)?.Str("namespace");

    public static string? Str(this JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Long(this JsonObject o, string key) => o[key] switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<double>(out var d) => (long)d,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, out var p) => p,
        _ => null,
    };

    /// <summary>Returns the child object at <paramref name="key"/>, creating it when absent.</summary>
    public static JsonObject Obj(this JsonObject o, string key)
    {
        if (o[key] is JsonObject c) return c;
        c = new JsonObject();
        o[key] = c;
        return c;
    }

    public static IReadOnlyDictionary<string, string> Labels(this JsonObject o) => StringMap(o.Meta()["labels"] as JsonObject);
    public static IReadOnlyDictionary<string, string> Annotations(this JsonObject o) => StringMap(o.Meta()["annotations"] as JsonObject);

    static Dictionary<string, string> StringMap(JsonObject? m) =>
        m?.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal) ?? [];
}

public static class Names
{
    // The alphabet of k8s.io/apimachinery/pkg/util/rand: no vowels, no look-alikes.
    const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string RandomSuffix(int length = 5)
    {
        Span<char> s = stackalloc char[length];
        for (var i = 0; i < length; i++) s[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        return new string(s);
    }
}
