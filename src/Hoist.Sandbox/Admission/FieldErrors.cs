using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Admission;

/// <summary>
/// apimachinery <c>field.ErrorList</c>: each error renders as <c>&lt;field&gt;: &lt;body&gt;</c>, with the bodies
/// and the Go value formatting (<c>%q</c>, <c>%#v</c>) the apiserver uses, because kubectl prints them verbatim.
/// </summary>
internal sealed class FieldErrors
{
    readonly List<(string Field, string Reason, string Message)> _errors = [];

    public int Count => _errors.Count;

    public void Required(string field, string detail = "") =>
        _errors.Add((field, "FieldValueRequired", detail.Length == 0 ? "Required value" : $"Required value: {detail}"));

    public void Invalid(string field, string goValue, string detail) =>
        _errors.Add((field, "FieldValueInvalid", $"Invalid value: {goValue}: {detail}"));

    public void NotSupported(string field, string value, params string[] supported) =>
        _errors.Add((field, "FieldValueNotSupported",
            $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", supported.Select(Quote))}"));

    public void Forbidden(string field, string detail) => _errors.Add((field, "FieldValueForbidden", $"Forbidden: {detail}"));

    public void Duplicate(string field, string value) => _errors.Add((field, "FieldValueDuplicate", $"Duplicate value: {Quote(value)}"));

    public void ThrowIfAny(ResourceKind kind, string name)
    {
        if (_errors.Count > 0) throw ApiException.Invalid(kind, name, [.. _errors]);
    }

    /// <summary>Go <c>%q</c> of a string.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Go <c>%#v</c> of a <c>map[string]string</c> (keys sorted, as fmt prints maps).</summary>
    public static string GoMap(JsonObject? map)
    {
        if (map is null) return "map[string]string(nil)";
        var entries = map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{Quote(p.Key)}:{Quote(p.Value?.ToString() ?? "")}");
        return "map[string]string{" + string.Join(", ", entries) + "}";
    }

    /// <summary>Go <c>%#v</c> of a <c>metav1.LabelSelector</c>, as "field is immutable" errors print it.</summary>
    public static string GoLabelSelector(JsonObject? selector)
    {
        var labels = GoMap(selector?["matchLabels"] as JsonObject);
        var expressions = selector?["matchExpressions"] is JsonArray list
            ? "[]v1.LabelSelectorRequirement{" + string.Join(", ", list.OfType<JsonObject>().Select(e =>
                $"v1.LabelSelectorRequirement{{Key:{Quote(e.Str("key") ?? "")}, Operator:{Quote(e.Str("operator") ?? "")}, Values:{GoStrings(e["values"] as JsonArray)}}}")) + "}"
            : "[]v1.LabelSelectorRequirement(nil)";
        return $"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{expressions}}}";
    }

    static string GoStrings(JsonArray? a) =>
        a is null ? "[]string(nil)" : "[]string{" + string.Join(", ", a.Select(v => Quote(v?.ToString() ?? ""))) + "}";

    /// <summary>Go <c>%#v</c> of an <c>intstr.IntOrString</c> (its String method has a pointer receiver, so fmt prints the struct).</summary>
    public static string GoIntOrString(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => $"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{Quote(s)}}}",
        JsonValue v => $"intstr.IntOrString{{Type:0, IntVal:{v.ToJsonString()}, StrVal:\"\"}}",
        _ => "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}",
    };

    public static string GoInt(long v) => v.ToString(CultureInfo.InvariantCulture);
}
