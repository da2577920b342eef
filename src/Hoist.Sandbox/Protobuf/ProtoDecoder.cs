using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Protobuf;

/// <summary>
/// Turns Kubernetes protobuf into the JSON Go's encoding/json would print for the same object, driven by a
/// <see cref="ProtoSchema"/>. The bytes come from gogo-protobuf, which writes every non-pointer field even when
/// it is zero, so <see cref="Presence"/> decides what JSON keeps. Fields the schema does not know are skipped;
/// malformed bytes are a <see cref="FormatException"/>.
/// </summary>
/// <param name="schema">The messages this decoder knows.</param>
/// <param name="rootOf">The message that holds an envelope's (apiVersion, kind), or null when none does.</param>
internal sealed class ProtoDecoder(ProtoSchema schema, Func<string, string, string?> rootOf)
{
    /// <summary>The four bytes runtime/serializer/protobuf puts before the runtime.Unknown envelope.</summary>
    public static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    // Real objects nest about a dozen messages deep; the bound keeps the JSON within the store's parse depth (64).
    const int MaxDepth = 30;

    /// <summary>
    /// Decodes a whole request body: "k8s\0", then runtime.Unknown {typeMeta {apiVersion, kind}, raw,
    /// contentEncoding, contentType} whose raw bytes are the object's message.
    /// </summary>
    public JsonObject DecodeEnvelope(ReadOnlySpan<byte> body) => DecodeEnvelope(body, 0);

    /// <summary>Decodes the bytes of one message (no envelope); kind and apiVersion are not added.</summary>
    public JsonObject DecodeMessage(string message, ReadOnlySpan<byte> bytes)
    {
        var target = new JsonObject();
        DecodeInto(schema[message], bytes, target, 0);
        return target;
    }

    JsonObject DecodeEnvelope(ReadOnlySpan<byte> body, int depth)
    {
        if (!body.StartsWith(Magic))
            throw new FormatException("the body is not Kubernetes protobuf: it does not start with \"k8s\\x00\"");
        string apiVersion = "", kind = "", contentEncoding = "";
        ReadOnlySpan<byte> raw = default;
        var reader = new ProtoReader(body[Magic.Length..]);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            switch (number, wire)
            {
                case (1, WireType.Len):
                    var typeMeta = new ProtoReader(reader.ReadLengthDelimited());
                    while (!typeMeta.End)
                    {
                        var (n, w) = typeMeta.ReadTag();
                        if (n == 1 && w == WireType.Len) apiVersion = Encoding.UTF8.GetString(typeMeta.ReadLengthDelimited());
                        else if (n == 2 && w == WireType.Len) kind = Encoding.UTF8.GetString(typeMeta.ReadLengthDelimited());
                        else typeMeta.Skip(w);
                    }
                    break;
                case (2, WireType.Len):
                    raw = reader.ReadLengthDelimited();
                    break;
                case (3, WireType.Len):
                    contentEncoding = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (contentEncoding.Length > 0) throw new FormatException($"protobuf content encoding \"{contentEncoding}\" is not supported");
        if (kind.Length == 0) throw new FormatException("Object 'Kind' is missing in the protobuf envelope");
        var root = rootOf(apiVersion, kind)
            ?? throw new FormatException($"no kind \"{kind}\" is registered for version \"{apiVersion}\" in the sandbox's protobuf decoder");
        var target = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        DecodeInto(schema[root], raw, target, depth + 1);
        return target;
    }

    void DecodeInto(ProtoMessage message, ReadOnlySpan<byte> bytes, JsonObject target, int depth)
    {
        if (depth > MaxDepth) throw new FormatException("proto: message nested too deeply");
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (!message.Fields.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }
            if (field.JsonName is null)
            {
                Expect(message, field, wire, WireType.Len);
                DecodeInto(field.Message!, reader.ReadLengthDelimited(), target, depth + 1);
                continue;
            }
            var name = field.JsonName;
            switch (field.Cardinality)
            {
                case Cardinality.Single when field.Type == ProtoType.Message:
                    // A message field seen twice merges, as proto readers do.
                    Expect(message, field, wire, WireType.Len);
                    var existing = target[name] as JsonObject;
                    var child = existing ?? new JsonObject();
                    DecodeInto(field.Message!, reader.ReadLengthDelimited(), child, depth + 1);
                    if (existing is null) target[name] = child;
                    break;
                case Cardinality.Single:
                    var value = ReadValue(message, field, wire, ref reader, depth, out var zero);
                    if (zero && field.Presence == Presence.OmitEmpty) target.Remove(name);
                    else target[name] = value;
                    break;
                case Cardinality.Repeated:
                    if (target[name] is not JsonArray array) target[name] = array = [];
                    if (field.IsVarint && wire == WireType.Len)
                    {
                        // Packed encoding: proto2 writers do not use it for these fields, but readers must accept it.
                        var packed = new ProtoReader(reader.ReadLengthDelimited());
                        while (!packed.End) array.Add(FromVarint(field.Type, packed.ReadVarint()));
                    }
                    else
                    {
                        array.Add(ReadValue(message, field, wire, ref reader, depth, out _));
                    }
                    break;
                case Cardinality.Map:
                    Expect(message, field, wire, WireType.Len);
                    if (target[name] is not JsonObject map) target[name] = map = [];
                    var (key, entryValue) = ReadMapEntry(message, field, reader.ReadLengthDelimited(), depth);
                    map[key] = entryValue;
                    break;
            }
        }
    }

    (string Key, JsonNode? Value) ReadMapEntry(ProtoMessage message, ProtoField field, ReadOnlySpan<byte> bytes, int depth)
    {
        var key = "";
        JsonNode? value = null;
        var seenValue = false;
        var entry = new ProtoReader(bytes);
        while (!entry.End)
        {
            var (number, wire) = entry.ReadTag();
            if (number == 1)
            {
                if (wire != WireType.Len)
                    throw new FormatException($"proto: wrong wire type {(int)wire} for the key of {message.Name}.{field.JsonName}");
                key = Encoding.UTF8.GetString(entry.ReadLengthDelimited());
            }
            else if (number == 2)
            {
                value = ReadValue(message, field, wire, ref entry, depth, out _);
                seenValue = true;
            }
            else
            {
                entry.Skip(wire);
            }
        }
        return (key, seenValue ? value : ZeroValue(field));
    }

    /// <summary>A map entry without a value holds the zero value of the value type.</summary>
    static JsonNode? ZeroValue(ProtoField field) => field.Type switch
    {
        ProtoType.String or ProtoType.Bytes => "",
        ProtoType.Bool => false,
        ProtoType.Int32 or ProtoType.Int64 or ProtoType.IntOrString => 0,
        ProtoType.Quantity => "0",
        ProtoType.Message => new JsonObject(),
        _ => null,
    };

    JsonNode? ReadValue(ProtoMessage message, ProtoField field, WireType wire, ref ProtoReader reader, int depth, out bool zero)
    {
        if (field.IsVarint)
        {
            Expect(message, field, wire, WireType.Varint);
            var raw = reader.ReadVarint();
            var node = FromVarint(field.Type, raw);
            zero = field.Type == ProtoType.Int32 ? unchecked((int)raw) == 0 : raw == 0;
            return node;
        }
        Expect(message, field, wire, WireType.Len);
        var bytes = reader.ReadLengthDelimited();
        zero = false;
        switch (field.Type)
        {
            case ProtoType.String:
                zero = bytes.IsEmpty;
                return Encoding.UTF8.GetString(bytes);
            case ProtoType.Bytes:
                // encoding/json writes []byte as standard, padded base64.
                zero = bytes.IsEmpty;
                return Convert.ToBase64String(bytes);
            case ProtoType.Message:
                var obj = new JsonObject();
                DecodeInto(field.Message!, bytes, obj, depth + 1);
                return obj;
            case ProtoType.Time:
                return Timestamp(bytes, micro: false);
            case ProtoType.MicroTime:
                return Timestamp(bytes, micro: true);
            case ProtoType.IntOrString:
                return IntOrString(bytes);
            case ProtoType.Quantity:
                return Quantity(bytes);
            case ProtoType.RawExtension:
                var embedded = SingleBytesField(bytes);
                if (embedded.IsEmpty) return null;
                return embedded.StartsWith(Magic) ? DecodeEnvelope(embedded, depth + 1) : ParseJson(embedded, "runtime.RawExtension");
            case ProtoType.FieldsV1:
                var fields = SingleBytesField(bytes);
                return fields.IsEmpty ? null : ParseJson(fields, "FieldsV1");
            default:
                throw new InvalidOperationException($"unhandled protobuf type {field.Type}");
        }
    }

    static JsonNode FromVarint(ProtoType type, ulong raw) => type switch
    {
        // Go reads an int32 from the low 32 bits; negative values arrive sign-extended to ten bytes.
        ProtoType.Int32 => JsonValue.Create(unchecked((int)raw)),
        ProtoType.Int64 => JsonValue.Create(unchecked((long)raw)),
        ProtoType.Bool => JsonValue.Create(raw != 0),
        _ => throw new FormatException($"proto: {type} is not a varint type"),
    };

    static void Expect(ProtoMessage message, ProtoField field, WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            var name = field.JsonName ?? "(inline)";
            throw new FormatException($"proto: wrong wire type {(int)actual} for field {message.Name}.{name} ({field.Number})");
        }
    }

    /// <summary>
    /// meta/v1 Time and MicroTime: an empty message is the zero time, which Go's JSON prints as null. Time keeps
    /// whole seconds (the apiserver drops the nanos); MicroTime keeps microseconds.
    /// </summary>
    static JsonNode? Timestamp(ReadOnlySpan<byte> bytes, bool micro)
    {
        if (bytes.IsEmpty) return null;
        long seconds = 0, nanos = 0;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1 && wire == WireType.Varint) seconds = unchecked((long)reader.ReadVarint());
            else if (number == 2 && wire == WireType.Varint) nanos = unchecked((int)reader.ReadVarint());
            else reader.Skip(wire);
        }
        try
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            if (!micro) return time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            time = time.AddTicks(nanos / 1000 * (TimeSpan.TicksPerMillisecond / 1000));
            return time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new FormatException($"proto: timestamp {seconds}s is outside the years 1 to 9999");
        }
    }

    /// <summary>intstr.IntOrString {type, intVal, strVal}: type 0 is the number, 1 the string.</summary>
    static JsonNode IntOrString(ReadOnlySpan<byte> bytes)
    {
        long type = 0;
        var intVal = 0;
        var strVal = "";
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1 && wire == WireType.Varint) type = unchecked((long)reader.ReadVarint());
            else if (number == 2 && wire == WireType.Varint) intVal = unchecked((int)reader.ReadVarint());
            else if (number == 3 && wire == WireType.Len) strVal = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
            else reader.Skip(wire);
        }
        return type switch
        {
            0 => JsonValue.Create(intVal),
            1 => JsonValue.Create(strVal),
            _ => throw new FormatException($"proto: IntOrString has the impossible type {type}"),
        };
    }

    /// <summary>resource.Quantity {string}: the quantity as written; an empty one is "0", as Go prints it.</summary>
    static JsonNode Quantity(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(SingleBytesField(bytes));
        return JsonValue.Create(text.Length == 0 ? "0" : text);
    }

    /// <summary>The bytes of field 1 of a message whose only field is bytes or a string (RawExtension, FieldsV1, Quantity).</summary>
    static ReadOnlySpan<byte> SingleBytesField(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> value = default;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.ReadTag();
            if (number == 1 && wire == WireType.Len) value = reader.ReadLengthDelimited();
            else reader.Skip(wire);
        }
        return value;
    }

    static JsonNode? ParseJson(ReadOnlySpan<byte> bytes, string what)
    {
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the {what} in the protobuf body is not JSON: {e.Message}");
        }
    }
}
