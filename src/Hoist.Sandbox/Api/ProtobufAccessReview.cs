using System.Text;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Api;

/// <summary>
/// Newer kubectl (1.33) sends typed-client bodies as Kubernetes protobuf, which the sandbox otherwise does not
/// speak (it answers 415). <c>kubectl auth can-i</c> is common enough in connection checks to decode its one
/// message, SelfSubjectAccessReview, here: the "k8s\0" envelope (runtime.Unknown) around the
/// authorization/v1 message, field numbers from k8s.io/api/authorization/v1/generated.proto.
/// </summary>
internal static class ProtobufAccessReview
{
    static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
            throw new FormatException("not a Kubernetes protobuf message");
        var unknown = Fields(body[Magic.Length..]);
        var raw = unknown.FirstOrDefault(f => f.Number == 2).Bytes ?? throw new FormatException("protobuf envelope without an object");
        var review = Fields(raw);
        var spec = new JsonObject();
        var specBytes = review.FirstOrDefault(f => f.Number == 2).Bytes;
        if (specBytes is not null)
        {
            foreach (var (number, bytes) in Fields(specBytes))
            {
                if (number == 1)
                {
                    string[] names = ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"];
                    var attributes = new JsonObject();
                    foreach (var (n, b) in Fields(bytes!))
                        if (n < names.Length && b is not null) attributes[names[n]] = Encoding.UTF8.GetString(b);
                    spec["resourceAttributes"] = attributes;
                }
                else if (number == 2)
                {
                    var attributes = new JsonObject();
                    foreach (var (n, b) in Fields(bytes!))
                        if (b is not null) attributes[n == 1 ? "path" : "verb"] = Encoding.UTF8.GetString(b);
                    spec["nonResourceAttributes"] = attributes;
                }
            }
        }
        return new JsonObject { ["kind"] = "SelfSubjectAccessReview", ["apiVersion"] = "authorization.k8s.io/v1", ["spec"] = spec };
    }

    /// <summary>The fields of one message; length-delimited ones carry their bytes, varints and fixed ones none.</summary>
    static List<(int Number, byte[]? Bytes)> Fields(ReadOnlySpan<byte> data)
    {
        var fields = new List<(int, byte[]?)>();
        var i = 0;
        while (i < data.Length)
        {
            var key = Varint(data, ref i);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    Varint(data, ref i);
                    fields.Add((number, null));
                    break;
                case 1:
                    i += 8;
                    fields.Add((number, null));
                    break;
                case 2:
                    var length = (int)Varint(data, ref i);
                    if (length < 0 || i + length > data.Length) throw new FormatException("truncated protobuf message");
                    fields.Add((number, data.Slice(i, length).ToArray()));
                    i += length;
                    break;
                case 5:
                    i += 4;
                    fields.Add((number, null));
                    break;
                default:
                    throw new FormatException("unsupported protobuf wire type");
            }
        }
        return fields;
    }

    static ulong Varint(ReadOnlySpan<byte> data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= data.Length) throw new FormatException("truncated protobuf varint");
            var b = data[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("protobuf varint too long");
    }
}
