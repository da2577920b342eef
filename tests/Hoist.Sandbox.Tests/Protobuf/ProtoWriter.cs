using System.Text;

namespace Hoist.Sandbox.Tests.Protobuf;

/// <summary>
/// A test-side protobuf writer, written from the wire-format spec rather than shared with the decoder, so a
/// misunderstanding in one is not copied into the other. Writes fields in the order called, zero values included.
/// </summary>
public sealed class ProtoWriter
{
    readonly MemoryStream _buffer = new();

    public ProtoWriter Varint(int field, long value)
    {
        Tag(field, 0);
        // Negative numbers are written as their 64-bit two's complement: ten bytes, as Go does for int32 too.
        RawVarint(unchecked((ulong)value));
        return this;
    }

    public ProtoWriter Bool(int field, bool value) => Varint(field, value ? 1 : 0);

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        RawVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var message = new ProtoWriter();
        build(message);
        return Message(field, message);
    }

    /// <summary>One entry of a map&lt;string,string&gt;: a message with the key in field 1 and the value in field 2.</summary>
    public ProtoWriter MapEntry(int field, string key, string value) => Message(field, e => e.String(1, key).String(2, value));

    public ProtoWriter Fixed32(int field, uint value)
    {
        Tag(field, 5);
        _buffer.Write(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        _buffer.Write(BitConverter.GetBytes(value));
        return this;
    }

    /// <summary>Bytes as they are, for malformed input.</summary>
    public ProtoWriter Raw(params byte[] bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>"k8s\0" and runtime.Unknown {typeMeta {apiVersion, kind}, raw}, as runtime/serializer/protobuf writes it.</summary>
    public static byte[] Envelope(string apiVersion, string kind, ProtoWriter obj, string? contentEncoding = null)
    {
        var unknown = new ProtoWriter()
            .Message(1, t => t.String(1, apiVersion).String(2, kind))
            .Message(2, obj);
        if (contentEncoding is not null) unknown.String(3, contentEncoding);
        return [.. "k8s\0"u8, .. unknown.ToArray()];
    }

    void Tag(int field, int wire) => RawVarint((ulong)((field << 3) | wire));

    void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
