using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Protobuf;
using Hoist.Sandbox.Store;
using Microsoft.AspNetCore.Http;

namespace Hoist.Sandbox.Api;

/// <summary>Reading and writing JSON bodies the way the apiserver does (compact, newline-terminated).</summary>
internal static class HttpJson
{
    // Go's encoder does not escape non-ASCII text; this keeps names and messages readable the same way.
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    const int MaxBody = 3 * 1024 * 1024;

    public static byte[] Serialize(JsonNode node, bool newline = true)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) node.WriteTo(writer);
        if (newline) buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One watch event line. The object is written where it is, not attached to a new parent (a JsonNode can have
    /// only one parent, and moving it would cost a copy).
    /// </summary>
    public static byte[] SerializeEvent(string type, JsonNode obj)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            obj.WriteTo(writer);
            writer.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public static Task Write(HttpContext http, int status, JsonNode node)
    {
        var bytes = Serialize(node);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = bytes.Length;
        return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }

    public static Task WriteText(HttpContext http, int status, string text, string contentType = "text/plain")
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = bytes.Length;
        return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }

    /// <summary>Reads a JSON, YAML or Kubernetes protobuf body as JSON; malformed input is a 400 as on the apiserver.</summary>
    public static async Task<JsonNode> ReadBody(HttpContext http)
    {
        using var ms = new MemoryStream();
        await http.Request.Body.CopyToAsync(ms, http.RequestAborted);
        if (ms.Length > MaxBody) throw new ApiException(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
        var contentType = http.Request.ContentType ?? "";
        try
        {
            if (KubernetesProtobuf.IsProtobuf(contentType))
                return KubernetesProtobuf.Decode(new ReadOnlySpan<byte>(ms.GetBuffer(), 0, (int)ms.Length));
            if (contentType.StartsWith("application/yaml", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("application/apply-patch+yaml", StringComparison.OrdinalIgnoreCase))
            {
                var docs = Yaml.ParseDocuments(System.Text.Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
                return docs.Count == 1 ? docs[0] : throw ApiException.BadRequest("the request body must contain exactly one object");
            }
            return JsonNode.Parse(new ReadOnlySpan<byte>(ms.GetBuffer(), 0, (int)ms.Length))
                ?? throw ApiException.BadRequest("the request body is empty");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized or malformed: {e.Message}");
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    public static async Task<JsonObject> ReadObject(HttpContext http) =>
        await ReadBody(http) as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");
}
