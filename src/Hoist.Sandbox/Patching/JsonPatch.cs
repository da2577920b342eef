using System.Globalization;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Patching;

/// <summary>RFC 6902 JSON Patch (<c>application/json-patch+json</c>): add, remove, replace, move, copy and test, with RFC 6901 pointers.</summary>
public static class JsonPatch
{
    /// <summary>Applies every operation to a copy of <paramref name="document"/>; all or nothing.</summary>
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var doc = document.DeepClone();
        foreach (var node in operations)
        {
            if (node is not JsonObject op) throw new PatchException("invalid JSON patch operation: not an object");
            var name = (op["op"] as JsonValue)?.ToString() ?? throw new PatchException("missing operation: op");
            var path = Pointer(op, "path");
            switch (name)
            {
                case "add":
                    doc = Add(doc, path, Value(op), name);
                    break;
                case "remove":
                    doc = Remove(doc, path, name, out _);
                    break;
                case "replace":
                    doc = Remove(doc, path, name, out _);
                    doc = Add(doc, path, Value(op), name);
                    break;
                case "move":
                    var from = Pointer(op, "from");
                    if (path.Count > from.Count && path.Take(from.Count).SequenceEqual(from))
                        throw new PatchException($"move operation does not apply: cannot move \"{Format(from)}\" into its own child \"{Format(path)}\"");
                    doc = Remove(doc, from, name, out var moved);
                    doc = Add(doc, path, moved, name);
                    break;
                case "copy":
                    var source = Get(doc, Pointer(op, "from")) ?? throw new PatchException($"copy operation does not apply: doc is missing from path: \"{op["from"]}\": missing value");
                    doc = Add(doc, path, source.DeepClone(), name);
                    break;
                case "test":
                    var actual = Get(doc, path);
                    if (!JsonEquality.Equal(actual, op["value"]))
                        throw new PatchException($"testing value {Format(path)} failed: test failed");
                    break;
                default:
                    throw new PatchException($"Unexpected kind: {name}");
            }
        }
        return doc;
    }

    static JsonNode? Value(JsonObject op)
    {
        if (!op.ContainsKey("value")) throw new PatchException("missing value");
        return op["value"]?.DeepClone();
    }

    static List<string> Pointer(JsonObject op, string key)
    {
        var text = (op[key] as JsonValue)?.ToString() ?? throw new PatchException($"missing operation: {key}");
        return Parse(text);
    }

    /// <summary>Splits an RFC 6901 pointer; <c>~1</c> is <c>/</c> and <c>~0</c> is <c>~</c> (in that order).</summary>
    public static List<string> Parse(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw new PatchException($"JSON pointer must be empty or start with a \"/\": {pointer}");
        return pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    static string Format(List<string> path) =>
        "/" + string.Join("/", path.Select(p => p.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));

    static JsonNode? Get(JsonNode? doc, List<string> path)
    {
        var node = doc;
        foreach (var part in path)
        {
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(part, out var v) ? v : throw Missing("test", path),
                JsonArray a when Index(part, a.Count, allowEnd: false) is var i => a[i],
                _ => throw Missing("get", path),
            };
        }
        return node;
    }

    static JsonNode Add(JsonNode doc, List<string> path, JsonNode? value, string op)
    {
        if (path.Count == 0) return value ?? throw new PatchException($"{op} operation does not apply: cannot replace the whole document with null");
        var parent = Get(doc, path.Take(path.Count - 1).ToList(), op, path);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-") a.Add(value);
                else a.Insert(Index(last, a.Count, allowEnd: true), value);
                break;
            default:
                throw Missing(op, path);
        }
        return doc;
    }

    static JsonNode Remove(JsonNode doc, List<string> path, string op, out JsonNode? removed)
    {
        if (path.Count == 0) throw new PatchException($"{op} operation does not apply: cannot remove the whole document");
        var parent = Get(doc, path.Take(path.Count - 1).ToList(), op, path);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var v):
                o.Remove(last);
                removed = v;
                break;
            case JsonArray a:
                var i = Index(last, a.Count, allowEnd: false);
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw Missing(op, path);
        }
        // Detach so the node can be added elsewhere (move).
        return doc;
    }

    static JsonNode Get(JsonNode doc, List<string> parentPath, string op, List<string> fullPath)
    {
        JsonNode? node = doc;
        foreach (var part in parentPath)
        {
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a => a.Count > 0 && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count ? a[i] : null,
                _ => null,
            };
            if (node is null) throw Missing(op, fullPath);
        }
        return node!;
    }

    static int Index(string part, int count, bool allowEnd)
    {
        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) || (part.Length > 1 && part[0] == '0'))
            throw new PatchException($"invalid array index: {part}");
        if (i > count || (!allowEnd && i == count)) throw new PatchException($"index out of bounds: {i}");
        return i;
    }

    static PatchException Missing(string op, List<string> path) =>
        new($"{op} operation does not apply: doc is missing path: \"{Format(path)}\": missing value");
}
