using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Protobuf;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Protobuf;

/// <summary>
/// The protobuf quirks, one at a time, on bodies built with <see cref="ProtoWriter"/> and decoded with the
/// Kubernetes schema (field numbers as in k8s.io/api's generated.proto).
/// </summary>
public class ProtoDecoderTests
{
    static JsonObject Deployment(Action<ProtoWriter> build)
    {
        var obj = new ProtoWriter();
        build(obj);
        return KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "Deployment", obj));
    }

    static void ShouldBeJson(JsonNode? actual, string expected) =>
        JsonNode.DeepEquals(actual, JsonNode.Parse(expected)).ShouldBeTrue($"expected {expected}\nbut got {actual?.ToJsonString()}");

    [Fact]
    public void Decode_Envelope_TakesKindAndApiVersionFromTypeMeta()
    {
        var job = KubernetesProtobuf.Decode(ProtoWriter.Envelope("batch/v1", "Job", new ProtoWriter().Message(1, m => m.String(1, "nightly"))));

        ShouldBeJson(job, """{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"nightly"}}""");
    }

    [Fact]
    public void Decode_DeleteOptionsOfAnyGroupVersion_UsesTheMetaMessage()
    {
        var body = new ProtoWriter().Varint(1, 0).Message(2, p => p.String(1, "uid-1")).String(4, "Foreground").String(5, "All");

        var options = KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "DeleteOptions", body));

        ShouldBeJson(options, """
            {"kind":"DeleteOptions","apiVersion":"apps/v1","gracePeriodSeconds":0,"preconditions":{"uid":"uid-1"},
             "propagationPolicy":"Foreground","dryRun":["All"]}
            """);
    }

    [Fact]
    public void Decode_ZeroScalarsOfValueFieldsWithOmitEmpty_AreLeftOutAsGoJsonDoes()
    {
        var deployment = Deployment(d => d
            .Message(1, m => m.String(1, "web").String(2, "").String(3, "").Varint(7, 0))
            .Message(2, s => s.Varint(5, 0).Bool(7, false)));

        ShouldBeJson(deployment, """{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web"},"spec":{}}""");
    }

    [Fact]
    public void Decode_ZeroOfAPointerField_IsKept()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Varint(1, 0).Varint(6, 0)));
        var job = KubernetesProtobuf.Decode(ProtoWriter.Envelope("batch/v1", "Job", new ProtoWriter().Message(2, s => s.Varint(1, 0).Bool(10, false))));

        ShouldBeJson(deployment["spec"], """{"replicas":0,"revisionHistoryLimit":0}""");
        ShouldBeJson(job["spec"], """{"parallelism":0,"suspend":false}""");
    }

    [Fact]
    public void Decode_ZeroOfAValueFieldWithoutOmitEmpty_IsKept()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Message(3, t => t.Message(2, p => p
            .Message(2, c => c.String(1, "").Message(6, port => port.String(1, "").Varint(2, 0).Varint(3, 0)))))));

        ShouldBeJson(deployment["spec"]!["template"]!["spec"], """{"containers":[{"name":"","ports":[{"containerPort":0}]}]}""");
    }

    [Fact]
    public void Decode_Numbers_ReadAsAnyNumericTypeLikeParsedJson()
    {
        var deployment = Deployment(d => d.Message(1, m => m.Varint(7, 3)).Message(2, s => s.Varint(1, 2)));

        deployment["spec"]!["replicas"]!.GetValue<long>().ShouldBe(2);
        deployment["metadata"]!["generation"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public void Decode_FieldsAbsentFromTheWire_AreAbsentFromTheJson()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Varint(1, 3)));

        ShouldBeJson(deployment, """{"kind":"Deployment","apiVersion":"apps/v1","spec":{"replicas":3}}""");
    }

    [Fact]
    public void Decode_EmptyNonPointerMessages_StayAsEmptyObjects()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Message(4, new ProtoWriter())).Message(3, new ProtoWriter()));

        ShouldBeJson(deployment, """{"kind":"Deployment","apiVersion":"apps/v1","spec":{"strategy":{}},"status":{}}""");
    }

    [Fact]
    public void Decode_Time_IsRfc3339SecondsAndTheZeroTimeIsNull()
    {
        var deployment = Deployment(d => d.Message(1, m => m
            .Message(8, new ProtoWriter())
            .Message(9, t => t.Varint(1, 1_700_000_000).Varint(2, 123_456_789))));
        var epoch = Deployment(d => d.Message(1, m => m.Message(8, t => t.Varint(1, 0).Varint(2, 0))));

        ShouldBeJson(deployment["metadata"], """{"creationTimestamp":null,"deletionTimestamp":"2023-11-14T22:13:20Z"}""");
        ShouldBeJson(epoch["metadata"], """{"creationTimestamp":"1970-01-01T00:00:00Z"}""");
    }

    [Fact]
    public void Decode_MicroTime_KeepsMicroseconds()
    {
        var body = new ProtoWriter()
            .Message(6, t => t.Varint(1, 1_700_000_000))
            .Message(10, t => t.Varint(1, 1_700_000_000).Varint(2, 123_456_789))
            .Varint(8, 2);

        var ev = KubernetesProtobuf.Decode(ProtoWriter.Envelope("v1", "Event", body));

        ShouldBeJson(ev, """
            {"kind":"Event","apiVersion":"v1","firstTimestamp":"2023-11-14T22:13:20Z","eventTime":"2023-11-14T22:13:20.123456Z","count":2}
            """);
    }

    [Fact]
    public void Decode_IntOrString_IsANumberOrAStringByItsType()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Message(4, st => st
            .String(1, "RollingUpdate")
            .Message(2, ru => ru
                .Message(1, v => v.Varint(1, 1).Varint(2, 0).String(3, "25%"))
                .Message(2, v => v.Varint(1, 0).Varint(2, 2).String(3, ""))))));

        ShouldBeJson(deployment["spec"]!["strategy"], """{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":2}}""");
    }

    [Fact]
    public void Decode_QuantityMaps_AreStringsAndAnEmptyQuantityIsZero()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Message(3, t => t.Message(2, p => p.Message(2, c => c
            .String(1, "app")
            .Message(8, r => r
                .Message(1, e => e.String(1, "cpu").Message(2, q => q.String(1, "500m")))
                .Message(1, e => e.String(1, "memory").Message(2, q => q.String(1, "128Mi")))
                .Message(2, e => e.String(1, "cpu").Message(2, new ProtoWriter()))))))));

        ShouldBeJson(deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"],
            """{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"0"}}""");
    }

    [Fact]
    public void Decode_StringMaps_AreObjectsAndAnEntryWithoutValueIsEmpty()
    {
        var deployment = Deployment(d => d.Message(1, m => m
            .MapEntry(11, "app", "web")
            .MapEntry(11, "tier", "frontend")
            .Message(12, e => e.String(1, "note"))));

        ShouldBeJson(deployment["metadata"], """{"labels":{"app":"web","tier":"frontend"},"annotations":{"note":""}}""");
    }

    [Fact]
    public void Decode_UnknownFieldsOfEveryWireType_AreSkipped()
    {
        var deployment = Deployment(d => d
            .Varint(90, 7)
            .Fixed32(91, 0xdeadbeef)
            .Message(1, m => m.String(1, "web").Fixed64(92, 1).String(93, "future"))
            .String(94, "ignored")
            .Message(2, s => s.Varint(1, 2).Message(95, x => x.String(1, "nested"))));

        ShouldBeJson(deployment, """{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web"},"spec":{"replicas":2}}""");
    }

    [Fact]
    public void Decode_NegativeIntegers_ArriveAsTenByteVarints()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Message(3, t => t.Message(2, p => p
            .Varint(25, -5)
            .Message(14, sc => sc.Varint(2, -1))))));

        ShouldBeJson(deployment["spec"]!["template"]!["spec"], """{"priority":-5,"securityContext":{"runAsUser":-1}}""");
    }

    [Fact]
    public void Decode_RepeatedIntegers_AcceptPackedAndUnpackedEncodings()
    {
        var packedValues = new ProtoWriter();
        foreach (var v in new[] { 1000L, 2000L }) packedValues.Raw(Varint(v));
        var deployment = Deployment(d => d.Message(2, s => s.Message(3, t => t.Message(2, p => p
            .Message(14, sc => sc.Varint(4, 10).Bytes(4, packedValues.ToArray()).Varint(4, 30))))));

        ShouldBeJson(deployment["spec"]!["template"]!["spec"]!["securityContext"], """{"supplementalGroups":[10,1000,2000,30]}""");
    }

    static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        var v = unchecked((ulong)value);
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        bytes.Add((byte)v);
        return [.. bytes];
    }

    [Fact]
    public void Decode_InlineMessages_MergeIntoTheirParent()
    {
        var deployment = Deployment(d => d.Message(2, s => s.Message(3, t => t.Message(2, p => p
            .Message(1, v => v.String(1, "scratch").Message(2, src => src.Message(2, e => e.String(1, "Memory").Message(2, q => q.String(1, "1Gi")))))
            .Message(2, c => c.String(1, "app").Message(10, probe => probe
                .Message(1, h => h.Message(2, get => get.String(1, "/healthz").Message(2, port => port.Varint(1, 1).String(3, "http"))))
                .Varint(4, 5)))))));

        ShouldBeJson(deployment["spec"]!["template"]!["spec"], """
            {"volumes":[{"name":"scratch","emptyDir":{"medium":"Memory","sizeLimit":"1Gi"}}],
             "containers":[{"name":"app","livenessProbe":{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":5}}]}
            """);
    }

    [Fact]
    public void Decode_RawExtension_IsTheEmbeddedJsonObject()
    {
        var body = new ProtoWriter()
            .Message(1, m => m.String(1, "web-5d8f"))
            .Message(2, raw => raw.Bytes(1, """{"spec":{"template":{"$patch":"replace"}}}"""u8.ToArray()))
            .Varint(3, 0);

        var revision = KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "ControllerRevision", body));

        ShouldBeJson(revision, """
            {"kind":"ControllerRevision","apiVersion":"apps/v1","metadata":{"name":"web-5d8f"},
             "data":{"spec":{"template":{"$patch":"replace"}}},"revision":0}
            """);
    }

    [Fact]
    public void Decode_RawExtensionHoldingAnEnvelope_DecodesTheEmbeddedObject()
    {
        var embedded = ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Message(2, s => s.Varint(1, 1)));
        var body = new ProtoWriter().Message(2, raw => raw.Bytes(1, embedded)).Varint(3, 4);

        var revision = KubernetesProtobuf.Decode(ProtoWriter.Envelope("apps/v1", "ControllerRevision", body));

        ShouldBeJson(revision["data"], """{"kind":"Deployment","apiVersion":"apps/v1","spec":{"replicas":1}}""");
    }

    [Fact]
    public void Decode_AMessageFieldSeenTwice_MergesBothParts()
    {
        var deployment = Deployment(d => d.Message(1, m => m.String(1, "web")).Message(1, m => m.MapEntry(11, "app", "web")));

        ShouldBeJson(deployment["metadata"], """{"name":"web","labels":{"app":"web"}}""");
    }

    [Fact]
    public void DecodeMessage_BytesField_IsStandardBase64()
    {
        var schema = ProtoSchema.Parse(new Dictionary<string, string> { ["Blob"] = "1 data bytes, 2 empty bytes, 3 note string!, 4 count int64*" });
        var decoder = new ProtoDecoder(schema, (_, _) => null);
        var bytes = new ProtoWriter().Bytes(1, [0xff, 0x00, 0x10]).Bytes(2, []).String(3, "").Varint(4, 0).ToArray();

        var blob = decoder.DecodeMessage("Blob", bytes);

        ShouldBeJson(blob, """{"data":"/wAQ","note":"","count":0}""");
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "no k8s prefix", Encoding.UTF8.GetBytes("""{"kind":"Deployment"}""") },
        { "empty body", [] },
        { "kind missing", [.. "k8s\0"u8, .. new ProtoWriter().Message(1, t => t.String(1, "apps/v1")).ToArray()] },
        { "unregistered kind", ProtoWriter.Envelope("v1", "ConfigMap", new ProtoWriter()) },
        { "gzip content encoding", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter(), contentEncoding: "gzip") },
        { "length past the end", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Raw(0x0a, 0x7f, 0x0a, 0x01)) },
        { "truncated varint", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Raw(0x12, 0x02, 0x08, 0x80)) },
        { "varint over ten bytes", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Raw([0x78, .. Enumerable.Repeat((byte)0xff, 11), 0x01])) },
        { "message sent as a varint", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Varint(1, 5)) },
        { "string sent as a varint", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Message(1, m => m.Varint(1, 5))) },
        { "field number zero", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Raw(0x00, 0x01)) },
        { "group wire type", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Raw(0x0b, 0x0c)) },
        { "impossible IntOrString type", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Message(2, s => s.Message(4, st => st.Message(2, ru => ru.Message(1, v => v.Varint(1, 2)))))) },
        { "raw extension that is not JSON", ProtoWriter.Envelope("apps/v1", "ControllerRevision", new ProtoWriter().Message(2, r => r.String(1, "{not json"))) },
        { "time past year 9999", ProtoWriter.Envelope("apps/v1", "Deployment", new ProtoWriter().Message(1, m => m.Message(8, t => t.Varint(1, 300_000_000_000)))) },
        { "envelopes nested without end", NestedRevisions(40) },
    };

    /// <summary>ControllerRevisions whose data holds another ControllerRevision, <paramref name="depth"/> deep.</summary>
    static byte[] NestedRevisions(int depth)
    {
        var body = ProtoWriter.Envelope("apps/v1", "ControllerRevision", new ProtoWriter());
        for (var i = 0; i < depth; i++)
        {
            var inner = body;
            body = ProtoWriter.Envelope("apps/v1", "ControllerRevision", new ProtoWriter().Message(2, r => r.Bytes(1, inner)));
        }
        return body;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Decode_MalformedBody_IsAFormatException(string why, byte[] body)
    {
        Should.Throw<FormatException>(() => KubernetesProtobuf.Decode(body), why);
    }

    [Fact]
    public void Decode_EveryTruncationOfAKubectlBody_IsAFormatExceptionOrAnObject()
    {
        var body = Convert.FromBase64String(KubectlCaptures.CreateDeploymentWeb);

        for (var length = 0; length < body.Length; length++)
        {
            try
            {
                KubernetesProtobuf.Decode(body.AsSpan(0, length)).ShouldNotBeNull();
            }
            catch (FormatException)
            {
            }
        }
    }

    [Fact]
    public void Parse_TableWithAnUnknownMessage_Throws()
    {
        var e = Should.Throw<FormatException>(() => ProtoSchema.Parse(new Dictionary<string, string> { ["A"] = "1 b B" }));

        e.Message.ShouldContain("unknown message B");
    }

    [Theory]
    [InlineData("1 name strin")]
    [InlineData("one name string")]
    [InlineData("1 name")]
    [InlineData("1 - string")]
    [InlineData("1 name string, 1 other string")]
    public void Parse_MalformedField_Throws(string fields)
    {
        Should.Throw<FormatException>(() => ProtoSchema.Parse(new Dictionary<string, string> { ["A"] = fields }));
    }

    [Fact]
    public void KubernetesMessages_EveryStoredKind_HasARootMessage()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var root = KubernetesMessages.RootOf(kind.ApiVersion, kind.Kind);

            root.ShouldNotBeNull($"{kind.ApiVersion} {kind.Kind}");
            KubernetesMessages.Schema.Contains(root).ShouldBeTrue(root);
        }
    }
}
