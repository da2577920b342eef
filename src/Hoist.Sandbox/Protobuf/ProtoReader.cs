namespace Hoist.Sandbox.Protobuf;

/// <summary>The protobuf wire types Kubernetes messages use (groups, 3 and 4, never occur in them).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    Len = 2,
    Fixed32 = 5,
}

/// <summary>
/// A forward-only reader of the protobuf wire format over one message's bytes. Every malformed input
/// (truncated data, an overlong varint, an impossible wire type) is a <see cref="FormatException"/>, which the
/// API turns into a 400.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    readonly ReadOnlySpan<byte> _data = data;
    int _position;

    public readonly bool End => _position >= _data.Length;

    public (int Field, WireType Wire) ReadTag()
    {
        var key = ReadVarint();
        var field = key >> 3;
        if (field is 0 or > 536_870_911) throw new FormatException($"proto: illegal field number {field}");
        var wire = (int)(key & 7);
        if (wire is not (0 or 1 or 2 or 5)) throw new FormatException($"proto: illegal wire type {wire} for field {field}");
        return ((int)field, (WireType)wire);
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw new FormatException("proto: unexpected end of data in a varint");
            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException("proto: varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position)) throw new FormatException("proto: length-delimited field runs past the end of its message");
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Skips the value of a field the schema does not know, as proto2 readers keep-and-ignore unknown fields.</summary>
    public void Skip(WireType wire)
    {
        switch (wire)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Len:
                ReadLengthDelimited();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
        }
    }

    void Advance(int count)
    {
        if (count > _data.Length - _position) throw new FormatException("proto: fixed-size field runs past the end of its message");
        _position += count;
    }
}
