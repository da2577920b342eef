using System.Text.Json.Nodes;
using Hoist.Sandbox.Api;

namespace Hoist.Sandbox.Protobuf;

/// <summary>
/// Request bodies in <c>application/vnd.kubernetes.protobuf</c>, which kubectl 1.33's typed clients send for
/// <c>create deployment|job|cronjob|namespace</c>, <c>create job --from</c>, <c>debug</c> (its pods) and
/// <c>auth can-i</c>, decoded into the JSON every other part of the sandbox works on. Answers stay JSON: kubectl
/// asks with <c>Accept: application/vnd.kubernetes.protobuf,application/json</c> and reads either.
/// </summary>
internal static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    static readonly ProtoDecoder Decoder = new(KubernetesMessages.Schema, KubernetesMessages.RootOf);

    public static bool IsProtobuf(string? contentType) =>
        contentType is not null && contentType.StartsWith(MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The object in a "k8s\0" envelope as JSON; malformed or unknown input is a <see cref="FormatException"/>.</summary>
    /// <remarks>
    /// The result is re-parsed from its own text so it is made of the same nodes as a JSON body: a number built
    /// from an int cannot be read as a long (<c>GetValue&lt;long&gt;</c> throws), one parsed from text can.
    /// </remarks>
    public static JsonObject Decode(ReadOnlySpan<byte> body) =>
        JsonNode.Parse(HttpJson.Serialize(Decoder.DecodeEnvelope(body), newline: false))!.AsObject();
}
