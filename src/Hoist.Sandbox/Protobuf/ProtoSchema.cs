using System.Globalization;

namespace Hoist.Sandbox.Protobuf;

/// <summary>What a field holds: a proto scalar, a message of the schema, or a well-known type with its own JSON form.</summary>
internal enum ProtoType
{
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    Message,
    /// <summary>meta/v1 Time: seconds (nanos dropped, as the apiserver drops them) as RFC 3339; empty is null.</summary>
    Time,
    /// <summary>meta/v1 MicroTime: RFC 3339 with six fractional digits; empty is null.</summary>
    MicroTime,
    /// <summary>intstr.IntOrString: a JSON number or string, by its type field.</summary>
    IntOrString,
    /// <summary>resource.Quantity: its canonical string.</summary>
    Quantity,
    /// <summary>runtime.RawExtension: raw bytes holding JSON (or a nested "k8s\0" envelope); empty is null.</summary>
    RawExtension,
    /// <summary>meta/v1 FieldsV1: raw bytes holding a JSON object.</summary>
    FieldsV1,
}

internal enum Cardinality
{
    Single,
    Repeated,
    /// <summary>A proto map: repeated entry messages with the key in field 1 and the value in field 2.</summary>
    Map,
}

/// <summary>
/// How a zero scalar found on the wire maps to JSON, following the Go field it came from. Messages ignore it: one
/// on the wire is always printed, as Go prints struct values and non-nil pointers.
/// </summary>
internal enum Presence
{
    /// <summary>A value field tagged <c>omitempty</c>: gogo writes it even when zero, Go's JSON leaves it out.</summary>
    OmitEmpty,
    /// <summary>A pointer (<c>*int32</c>): on the wire only when set, so an explicit 0 or false stays.</summary>
    Pointer,
    /// <summary>A value field without <c>omitempty</c> (<c>containerPort</c>): JSON shows it even when zero.</summary>
    Always,
}

/// <summary>One field: its number on the wire, its JSON name (null: inlined into the parent, as <c>json:",inline"</c>).</summary>
internal sealed record ProtoField(int Number, string? JsonName, ProtoType Type, Cardinality Cardinality, Presence Presence, string? MessageName)
{
    public ProtoMessage? Message { get; internal set; }

    public bool IsVarint => Type is ProtoType.Bool or ProtoType.Int32 or ProtoType.Int64;
}

internal sealed class ProtoMessage(string name, IReadOnlyDictionary<int, ProtoField> fields)
{
    public string Name { get; } = name;
    public IReadOnlyDictionary<int, ProtoField> Fields { get; } = fields;
}

/// <summary>
/// The messages a decoder knows, written as a compact table that reads like the generated.proto it comes from:
/// message name → <c>"number jsonName type, …"</c>. A type is <c>string</c>, <c>bytes</c>, <c>bool</c>,
/// <c>int32</c>, <c>int64</c>, a well-known type (<c>Time</c>, <c>MicroTime</c>, <c>IntOrString</c>,
/// <c>Quantity</c>, <c>RawExtension</c>, <c>FieldsV1</c>) or another message of the table; <c>[]T</c> is
/// repeated, <c>map</c> is map&lt;string,string&gt; and <c>map&lt;T&gt;</c> has values of type T. A trailing
/// <c>*</c> marks a Go pointer and <c>!</c> a Go value without <c>omitempty</c> (see <see cref="Presence"/>);
/// a JSON name of <c>-</c> inlines the message into its parent.
/// </summary>
internal sealed class ProtoSchema
{
    readonly Dictionary<string, ProtoMessage> _messages;

    ProtoSchema(Dictionary<string, ProtoMessage> messages) => _messages = messages;

    public ProtoMessage this[string name] =>
        _messages.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"no protobuf message {name} in the schema");

    public bool Contains(string name) => _messages.ContainsKey(name);

    public IEnumerable<ProtoMessage> Messages => _messages.Values;

    /// <summary>Parses the table and resolves every message reference; a mistake in the table throws at once.</summary>
    public static ProtoSchema Parse(IReadOnlyDictionary<string, string> table)
    {
        var messages = new Dictionary<string, ProtoMessage>(StringComparer.Ordinal);
        foreach (var (name, text) in table)
        {
            var fields = new Dictionary<int, ProtoField>();
            foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var field = ParseField(name, entry);
                if (!fields.TryAdd(field.Number, field)) throw new FormatException($"{name}: field {field.Number} appears twice");
            }
            messages[name] = new ProtoMessage(name, fields);
        }
        foreach (var message in messages.Values)
        {
            foreach (var field in message.Fields.Values.Where(f => f.MessageName is not null))
            {
                field.Message = messages.TryGetValue(field.MessageName!, out var m) ? m
                    : throw new FormatException($"{message.Name}.{field.JsonName ?? "-"}: unknown message {field.MessageName}");
                if (field.JsonName is null && field.Cardinality != Cardinality.Single)
                    throw new FormatException($"{message.Name}: only a single message can be inlined");
            }
        }
        return new ProtoSchema(messages);
    }

    static ProtoField ParseField(string message, string entry)
    {
        var parts = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            throw new FormatException($"{message}: cannot read field \"{entry}\" (want \"number jsonName type\")");
        var jsonName = parts[1] == "-" ? null : parts[1];
        var type = parts[2];

        var presence = Presence.OmitEmpty;
        if (type.EndsWith('*'))
            presence = Presence.Pointer;
        else if (type.EndsWith('!'))
            presence = Presence.Always;
        if (presence != Presence.OmitEmpty) type = type[..^1];

        var cardinality = Cardinality.Single;
        if (type.StartsWith("[]", StringComparison.Ordinal))
        {
            cardinality = Cardinality.Repeated;
            type = type[2..];
        }
        else if (type == "map")
        {
            cardinality = Cardinality.Map;
            type = "string";
        }
        else if (type.StartsWith("map<", StringComparison.Ordinal) && type.EndsWith('>'))
        {
            cardinality = Cardinality.Map;
            type = type[4..^1];
        }

        var kind = type switch
        {
            "string" => ProtoType.String,
            "bytes" => ProtoType.Bytes,
            "bool" => ProtoType.Bool,
            "int32" => ProtoType.Int32,
            "int64" => ProtoType.Int64,
            "Time" => ProtoType.Time,
            "MicroTime" => ProtoType.MicroTime,
            "IntOrString" => ProtoType.IntOrString,
            "Quantity" => ProtoType.Quantity,
            "RawExtension" => ProtoType.RawExtension,
            "FieldsV1" => ProtoType.FieldsV1,
            _ when type.Length > 0 && char.IsAsciiLetterUpper(type[0]) => ProtoType.Message,
            _ => throw new FormatException($"{message}: unknown type \"{type}\" in \"{entry}\""),
        };
        if (jsonName is null && kind != ProtoType.Message) throw new FormatException($"{message}: only a message can be inlined (\"{entry}\")");
        return new ProtoField(number, jsonName, kind, cardinality, presence, kind == ProtoType.Message ? type : null);
    }
}
