using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Selectors;

/// <summary>
/// A field selector (<c>metadata.name=web,status.phase!=Running</c>) over the fields each kind makes selectable
/// (the <c>ToSelectableFields</c> functions of the kubernetes registry); any other field is a 400, as on a real
/// apiserver: <c>field label not supported: spec.foo</c>.
/// </summary>
public sealed class FieldSelector
{
    readonly ResourceKind _kind;

    FieldSelector(ResourceKind kind, IReadOnlyList<(string Field, bool Equal, string Value)> terms)
    {
        _kind = kind;
        Terms = terms;
    }

    public IReadOnlyList<(string Field, bool Equal, string Value)> Terms { get; }
    public bool IsEmpty => Terms.Count == 0;

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in Terms)
            if ((FieldValue(_kind, obj, field) == value) != equal) return false;
        return true;
    }

    public static FieldSelector Parse(string? text, ResourceKind kind)
    {
        var terms = new List<(string, bool, string)>();
        if (string.IsNullOrWhiteSpace(text)) return new FieldSelector(kind, terms);
        foreach (var term in SplitUnescaped(text, ','))
        {
            if (term.Length == 0) continue;
            var (field, equal, value) = ParseTerm(term);
            if (!Supported(kind).Contains(field)) throw ApiException.BadRequest($"field label not supported: {field}");
            terms.Add((field, equal, value));
        }
        return new FieldSelector(kind, terms);
    }

    static (string, bool, string) ParseTerm(string term)
    {
        foreach (var (op, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var i = IndexOfUnescaped(term, op);
            if (i < 0) continue;
            return (term[..i].Trim(), equal, Unescape(term[(i + op.Length)..]));
        }
        throw ApiException.BadRequest($"invalid selector: '{term}'; can't understand '{term}'");
    }

    static readonly string[] Meta = ["metadata.name", "metadata.namespace"];

    public static IReadOnlyCollection<string> Supported(ResourceKind kind) => kind.Plural switch
    {
        "pods" => [.. Meta, "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
        "events" => [.. Meta, "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        "namespaces" => [.. Meta, "status.phase"],
        "nodes" => [.. Meta, "spec.unschedulable"],
        "replicasets" => [.. Meta, "status.replicas"],
        "jobs" => [.. Meta, "status.successful"],
        _ => Meta,
    };

    /// <summary>The value a selectable field has on <paramref name="obj"/> (<c>""</c> when absent), as the registry computes it.</summary>
    public static string FieldValue(ResourceKind kind, JsonObject obj, string field)
    {
        switch (field)
        {
            case "metadata.name": return obj.Name();
            // Cluster-scoped objects have no namespace field but the registry still selects on "".
            case "metadata.namespace": return obj.Namespace() ?? "";
            case "source" when kind == ResourceKinds.Events:
                var component = (obj["source"] as JsonObject)?.Str("component");
                return string.IsNullOrEmpty(component) ? obj.Str("reportingComponent") ?? "" : component;
            case "spec.hostNetwork":
                return Path(obj, field) is { Length: > 0 } h ? h : "false";
            case "spec.unschedulable":
                return Path(obj, field) is { Length: > 0 } u ? u : "false";
            case "status.replicas" or "status.successful":
                return Path(obj, field) is { Length: > 0 } n ? n : "0";
            default:
                return Path(obj, field);
        }
    }

    static string Path(JsonObject obj, string dotted)
    {
        JsonNode? node = obj;
        foreach (var part in dotted.Split('.'))
            node = (node as JsonObject)?[part];
        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            JsonValue v => v.ToString(),
            _ => node.ToJsonString(),
        };
    }

    static IEnumerable<string> SplitUnescaped(string s, char sep)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length) { sb.Append(s[i]).Append(s[i + 1]); i++; continue; }
            if (s[i] == sep) { yield return sb.ToString(); sb.Clear(); continue; }
            sb.Append(s[i]);
        }
        yield return sb.ToString();
    }

    static int IndexOfUnescaped(string s, string op)
    {
        for (var i = 0; i + op.Length <= s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (string.CompareOrdinal(s, i, op, 0, op.Length) == 0) return i;
        }
        return -1;
    }

    static string Unescape(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length) i++;
            sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
