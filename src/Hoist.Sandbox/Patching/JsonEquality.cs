using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Patching;

/// <summary>Deep JSON equality where numbers compare by value (<c>1</c> equals <c>1.0</c>) and key order does not matter.</summary>
public static class JsonEquality
{
    public static bool Equal(JsonNode? a, JsonNode? b)
    {
        switch (a, b)
        {
            case (null, null): return true;
            case (null, _) or (_, null): return false;
            case (JsonObject x, JsonObject y):
                if (x.Count != y.Count) return false;
                foreach (var (k, v) in x)
                    if (!y.TryGetPropertyValue(k, out var w) || !Equal(v, w)) return false;
                return true;
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count) return false;
                for (var i = 0; i < x.Count; i++)
                    if (!Equal(x[i], y[i])) return false;
                return true;
            case (JsonValue x, JsonValue y):
                var kx = x.GetValueKind();
                var ky = y.GetValueKind();
                if (kx != ky) return false;
                if (kx == JsonValueKind.Number) return Number(x) == Number(y);
                return x.ToJsonString() == y.ToJsonString();
            default:
                return false;
        }
    }

    static double Number(JsonValue v) => double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
}
