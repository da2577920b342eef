using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hoist.Sandbox.Api;

/// <summary>
/// YAML documents to JSON the way sigs.k8s.io/yaml reads manifests: plain scalars resolve to null, booleans
/// and numbers (YAML 1.1 spellings included), quoted scalars stay strings.
/// </summary>
public static class Yaml
{
    /// <summary>Every non-empty document of a multi-document stream.</summary>
    public static List<JsonNode> ParseDocuments(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}", e);
        }
        var result = new List<JsonNode>();
        foreach (var doc in stream.Documents)
        {
            var node = Convert(doc.RootNode);
            if (node is not null) result.Add(node);
        }
        return result;
    }

    static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMap(map),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    static JsonObject ConvertMap(YamlMappingNode map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var key = k is YamlScalarNode s ? s.Value ?? "" : k.ToString();
            o[key] = Convert(v);
        }
        return o;
    }

    static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(v);
        if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific && s.Tag.Value is "tag:yaml.org,2002:str" or "!!str") return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return JsonValue.Create(false);
        }
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (v.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex))
            return JsonValue.Create(hex);
        if (v.Length > 0 && (char.IsDigit(v[0]) || v[0] is '-' or '+' or '.')
            && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}
