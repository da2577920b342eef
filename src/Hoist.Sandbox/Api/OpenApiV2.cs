using System.Text;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Api;

/// <summary>
/// A minimal <c>/openapi/v2</c> in the only encoding kubectl asks for (gnostic's <c>openapi.v2.Document</c>
/// protobuf). kubectl 1.27–1.29 refuse <c>apply -f</c> with validation on unless this document downloads; its
/// PATCH operations declare <c>fieldValidation</c> so kubectl leaves validation to the server, as with v3.
/// Field numbers are those of gnostic's OpenAPIv2.proto.
/// </summary>
internal static class OpenApiV2
{
    // kube-openapi answers the protobuf document as octet-stream (client-go cannot parse the "@" media type).
    public const string ContentType = "application/octet-stream";

    public static byte[] Document(string gitVersion)
    {
        var paths = new Proto();
        foreach (var k in ResourceKinds.All)
        {
            var prefix = k.Group.Length == 0 ? "/api/v1" : $"/apis/{k.ApiVersion}";
            var path = k.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{k.Plural}/{{name}}" : $"{prefix}/{k.Plural}/{{name}}";
            var operation = new Proto().String(5, $"patch{k.Kind}");
            foreach (var name in new[] { "dryRun", "fieldManager", "fieldValidation", "force" })
            {
                var query = new Proto().String(2, "query").String(4, name).String(6, name == "force" ? "boolean" : "string");
                var nonBody = new Proto().Message(3, query);
                var parameter = new Proto().Message(2, nonBody);
                operation.Message(8, new Proto().Message(1, parameter));
            }
            var gvk = $"group: \"{k.Group}\"\nkind: {k.Kind}\nversion: {k.Version}\n";
            operation.Message(13, new Proto().String(1, "x-kubernetes-group-version-kind").Message(2, new Proto().String(2, gvk)));
            var pathItem = new Proto().Message(8, operation);
            paths.Message(2, new Proto().String(1, path).Message(2, pathItem));
        }
        var info = new Proto().String(1, "Kubernetes").String(2, gitVersion);
        return new Proto().String(1, "2.0").Message(2, info).Message(8, paths).ToArray();
    }

    /// <summary>Just enough of the protobuf wire format: length-delimited strings and messages.</summary>
    sealed class Proto
    {
        readonly MemoryStream _buffer = new();

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        Proto Bytes(int field, byte[] value)
        {
            Varint((ulong)((field << 3) | 2));
            Varint((ulong)value.Length);
            _buffer.Write(value);
            return this;
        }

        void Varint(ulong v)
        {
            while (v >= 0x80)
            {
                _buffer.WriteByte((byte)(v | 0x80));
                v >>= 7;
            }
            _buffer.WriteByte((byte)v);
        }

        public byte[] ToArray() => _buffer.ToArray();
    }
}
