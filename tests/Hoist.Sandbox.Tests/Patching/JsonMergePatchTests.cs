using System.Text.Json.Nodes;
using Hoist.Sandbox.Patching;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Patching;

/// <summary>The example table of RFC 7386 appendix A.</summary>
public class JsonMergePatchTests
{
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Apply_Rfc7386Examples_ProduceDocumentedResult(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch));

        JsonEquality.Equal(result, JsonNode.Parse(expected)).ShouldBeTrue($"got {result?.ToJsonString()}");
    }

    [Fact]
    public void Apply_NullPatch_ReturnsNull() =>
        JsonMergePatch.Apply(JsonNode.Parse("""{"a":"foo"}"""), null).ShouldBeNull();

    [Fact]
    public void Apply_DocsMergePatchOfContainers_ReplacesTheList()
    {
        var deployment = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"},{"name":"patch-demo-ctr-2","image":"redis"}]}}}}""");
        var patch = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-3","image":"gcr.io/google-samples/node-hello:1.0"}]}}}}""");

        var result = JsonMergePatch.Apply(deployment, patch)!;

        result["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["patch-demo-ctr-3"]);
    }
}
