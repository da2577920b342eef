using System.Text.Json.Nodes;
using Hoist.Sandbox.Patching;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Patching;

/// <summary>The examples of RFC 6902 appendix A, and the patch <c>kubectl rollout undo</c> sends.</summary>
public class JsonPatchTests
{
    static JsonNode Apply(string doc, string ops) => JsonPatch.Apply(JsonNode.Parse(doc)!, JsonNode.Parse(ops)!.AsArray());

    static void ShouldBeJson(JsonNode actual, string expected) =>
        JsonEquality.Equal(actual, JsonNode.Parse(expected)).ShouldBeTrue($"got {actual.ToJsonString()}");

    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""",
        """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    [InlineData("""{"a":{"b/c":1}}""", """[{"op":"replace","path":"/a/b~1c","value":2},{"op":"copy","from":"/a","path":"/d"}]""", """{"a":{"b/c":2},"d":{"b/c":2}}""")]
    public void Apply_Rfc6902Examples_ProduceDocumentedResult(string doc, string ops, string expected) =>
        ShouldBeJson(Apply(doc, ops), expected);

    [Theory]
    [InlineData("""{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"remove","path":"/nope"}]""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"replace","path":"/nope","value":1}]""")]
    [InlineData("""{"foo":[1]}""", """[{"op":"add","path":"/foo/5","value":1}]""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"frobnicate","path":"/foo"}]""")]
    public void Apply_Rfc6902ErrorExamples_Throw(string doc, string ops) =>
        Should.Throw<PatchException>(() => Apply(doc, ops));

    [Fact]
    public void Apply_FailingOperation_LeavesDocumentUntouched()
    {
        var doc = JsonNode.Parse("""{"a":1}""")!;

        Should.Throw<PatchException>(() => JsonPatch.Apply(doc, JsonNode.Parse("""[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":5}]""")!.AsArray()));

        doc.ToJsonString().ShouldBe("""{"a":1}""");
    }

    [Fact]
    public void Apply_RolloutUndoShape_ReplacesTemplateAndAnnotations()
    {
        var deployment = """
            {"metadata":{"name":"web","annotations":{"deployment.kubernetes.io/revision":"2","team":"a"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"v2"}]}}}}
            """;
        // kubectl rollout undo (k8s-semantics.md §3.3): the previous RS template and the merged annotations.
        var undo = """
            [{"op":"replace","path":"/spec/template","value":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"v1","resources":{}}]}}},
             {"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"2","team":"a"}}]
            """;

        var result = Apply(deployment, undo);

        result["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("v1");
        result["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
    }
}
