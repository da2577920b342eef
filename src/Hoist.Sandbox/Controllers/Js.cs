using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// Reading Kubernetes objects kept as JSON. The controllers work on the stored JSON rather than typed models so
/// that fields the sandbox does not model pass from a template to a pod untouched, as they do in a real cluster.
/// </summary>
internal static class Js
{
    static readonly JsonWriterOptions CompactWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonNode? At(this JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var key in path)
        {
            if (node is not JsonObject o) return null;
            node = o[key];
        }
        return node;
    }

    public static long? AsLong(this JsonNode? n) => n switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<double>(out var d) => (long)d,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
        _ => null,
    };

    public static int? AsInt(this JsonNode? n) => n.AsLong() is { } l ? (int)Math.Clamp(l, int.MinValue, int.MaxValue) : null;

    public static string? AsString(this JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool AsBool(this JsonNode? n) => n is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public static DateTimeOffset? AsTime(this JsonNode? n) =>
        n.AsString() is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    public static Dictionary<string, string> StringMap(this JsonNode? n)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (n is JsonObject o)
            foreach (var (k, v) in o)
                if (v is JsonValue) map[k] = v.AsString() ?? v.ToJsonString();
        return map;
    }

    public static JsonObject ToJson(this IEnumerable<KeyValuePair<string, string>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map) o[k] = v;
        return o;
    }

    public static IEnumerable<JsonObject> Objects(this JsonNode? n) =>
        n is JsonArray a ? a.OfType<JsonObject>() : [];

    public static string Uid(this JsonObject o) => o.At("metadata", "uid").AsString() ?? "";

    public static DateTimeOffset Created(this JsonObject o) => o.At("metadata", "creationTimestamp").AsTime() ?? DateTimeOffset.MinValue;

    public static long Generation(this JsonObject o) => o.At("metadata", "generation").AsLong() ?? 0;

    public static bool IsDeleting(this JsonObject o) => o.At("metadata", "deletionTimestamp") is JsonValue;

    /// <summary>The controller ownerReference (<c>controller: true</c>), as <c>metav1.GetControllerOf</c>.</summary>
    public static JsonObject? ControllerRef(this JsonObject o) =>
        o.At("metadata", "ownerReferences").Objects().FirstOrDefault(r => r["controller"].AsBool());

    public static bool IsControlledBy(this JsonObject o, JsonObject owner) =>
        o.ControllerRef() is { } r && r["uid"].AsString() == owner.Uid();

    public static JsonObject ControllerRefTo(JsonObject owner, ResourceKind kind) => new()
    {
        ["apiVersion"] = kind.ApiVersion,
        ["kind"] = kind.Kind,
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    public static string Timestamp(DateTimeOffset t) => ObjectStore.Timestamp(t);

    /// <summary>Compact JSON with every object's keys sorted, as Go's json.Marshal writes a map.</summary>
    public static string SortedJson(JsonNode? n)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CompactWriter)) WriteSorted(w, n, normalize: false);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// A canonical form for semantic equality (apimachinery <c>equality.Semantic.DeepEqual</c>): sorted keys, and
    /// null, "", false, 0, {} and [] treated as absent, because kubectl's typed round trip drops or adds exactly
    /// such values (<c>"creationTimestamp":null</c>, <c>"resources":{}</c>) and Go compares nil and empty as equal.
    /// </summary>
    public static string Canonical(JsonNode? n)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, CompactWriter)) WriteSorted(w, n, normalize: true);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void WriteSorted(Utf8JsonWriter w, JsonNode? n, bool normalize)
    {
        switch (n)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (normalize && IsEmpty(v)) continue;
                    w.WritePropertyName(k);
                    WriteSorted(w, v, normalize);
                }
                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var v in a) WriteSorted(w, v, normalize);
                w.WriteEndArray();
                break;
            default:
                n.WriteTo(w);
                break;
        }
    }

    static bool IsEmpty(JsonNode? n) => n switch
    {
        null => true,
        JsonObject o => o.All(p => IsEmpty(p.Value)),
        JsonArray a => a.Count == 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.AsLong() == 0 && (!v.TryGetValue<double>(out var d) || d == 0),
        _ => false,
    };

    /// <summary>Go's time.Duration.String for whole seconds: 10s, 1m20s, 5m0s.</summary>
    public static string GoDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(1))
            return d.TotalMilliseconds == 0 ? "0s" : $"{d.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        var sb = new StringBuilder();
        if (d.TotalHours >= 1) sb.Append((int)d.TotalHours).Append('h');
        if (d.TotalMinutes >= 1) sb.Append(d.Minutes).Append('m');
        var seconds = d.Seconds + d.Milliseconds / 1000.0;
        sb.Append(seconds.ToString("0.###", CultureInfo.InvariantCulture)).Append('s');
        return sb.ToString();
    }
}
