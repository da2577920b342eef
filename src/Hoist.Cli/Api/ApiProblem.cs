using System.Net;
using System.Text.Json;
using Hoist.Contracts;

namespace Hoist.Cli.Api;

/// <summary>An RFC 7807 answer from the server (or whatever a proxy sent instead), reduced to what the CLI shows.</summary>
internal sealed record ApiProblem(int Status, string? Title, string? Detail, string? Code, IReadOnlyDictionary<string, JsonElement> Extensions)
{
    public string? Field => String(ProblemExtensions.Field);

    public string? String(string name) =>
        Extensions.TryGetValue(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    /// <summary>A string array extension, or a single string, or a comma-separated string; empty when absent.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (!Extensions.TryGetValue(name, out var e))
        {
            return [];
        }
        return e.ValueKind switch
        {
            JsonValueKind.Array => e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList(),
            JsonValueKind.String => e.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            _ => [],
        };
    }

    /// <summary>Expected may be text or a list of accepted values.</summary>
    public string? Expected =>
        Strings(ProblemExtensions.Expected) is { Count: > 0 } list ? string.Join(", ", list) : null;

    public static ApiProblem From(HttpStatusCode status, string? reasonPhrase, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var ext = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                string? title = null, detail = null;
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "title" when p.Value.ValueKind == JsonValueKind.String:
                            title = p.Value.GetString();
                            break;
                        case "detail" when p.Value.ValueKind == JsonValueKind.String:
                            detail = p.Value.GetString();
                            break;
                        case "type" or "status" or "instance" or "title" or "detail":
                            break;
                        case "extensions" when p.Value.ValueKind == JsonValueKind.Object:
                            // Some serializers nest extensions; accept both shapes.
                            foreach (var x in p.Value.EnumerateObject())
                            {
                                ext.TryAdd(x.Name, x.Value.Clone());
                            }
                            break;
                        default:
                            ext[p.Name] = p.Value.Clone();
                            break;
                    }
                }
                var code = ext.TryGetValue(ProblemExtensions.Code, out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                return new ApiProblem((int)status, title ?? reasonPhrase, detail, code, ext);
            }
        }
        catch (JsonException)
        {
        }
        // Not a problem document (an HTML error page from a proxy, say): show its start, never all of it.
        var text = body.Trim();
        var snippet = text.Length == 0 ? null : text.Length > 200 ? text[..200] + "…" : text;
        return new ApiProblem((int)status, reasonPhrase ?? status.ToString(), snippet, null, new Dictionary<string, JsonElement>());
    }
}

/// <summary>The server refused the request with a 4xx (other than 429): nothing a retry would change.</summary>
internal sealed class ProblemException(ApiProblem problem) : Exception($"{problem.Status} {problem.Code ?? problem.Title}")
{
    public ApiProblem Problem { get; } = problem;
}

/// <summary>The server could not be reached, or kept failing, for the whole retry budget.</summary>
internal sealed class ServerUnreachableException(string message) : Exception(message);
