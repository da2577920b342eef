using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Patching;

/// <summary>RFC 7386 JSON Merge Patch (<c>application/merge-patch+json</c>): objects merge, null deletes, everything else replaces.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null) result.Remove(key);
            else result[key] = Apply(result[key], value);
        }
        return result;
    }
}
