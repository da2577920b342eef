using System.Text.Json.Nodes;
using Hoist.Sandbox.Patching;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Patching;

/// <summary>
/// Cases from the Kubernetes docs ("Update API Objects in Place Using kubectl patch"), the strategic-merge-patch
/// design doc, and the exact body <c>kubectl set image</c> sends.
/// </summary>
public class StrategicMergePatchTests
{
    static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    static void ShouldEqualJson(JsonNode actual, string expected) =>
        JsonEquality.Equal(actual, JsonNode.Parse(expected)).ShouldBeTrue($"got {actual.ToJsonString()}");

    // docs: deployment-patch.yaml (patch-demo) as the apiserver stores it, minus defaults.
    const string PatchDemo = """
        {"spec":{"replicas":2,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},
         "spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"}],
                 "tolerations":[{"effect":"NoSchedule","key":"dedicated","value":"test-team"}]}}}}
        """;

    [Fact]
    public void Apply_DocsAddContainer_MergesByNameWithPatchItemsFirst()
    {
        var patch = Json("""{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}}}""");

        var result = StrategicMergePatch.Apply(Json(PatchDemo), patch);

        // The docs show the redis container first, then nginx: patch items precede server-only ones.
        ShouldEqualJson(result["spec"]!["template"]!["spec"]!["containers"]!,
            """[{"name":"patch-demo-ctr-2","image":"redis"},{"name":"patch-demo-ctr","image":"nginx"}]""");
    }

    [Fact]
    public void Apply_DocsTolerations_ReplacesListWithoutPatchStrategy()
    {
        var patch = Json("""{"spec":{"template":{"spec":{"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}""");

        var result = StrategicMergePatch.Apply(Json(PatchDemo), patch);

        ShouldEqualJson(result["spec"]!["template"]!["spec"]!["tolerations"]!, """[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]""");
        result["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public void Apply_DocsRetainKeys_ClearsRollingUpdate()
    {
        var deployment = Json("""{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"30%","maxUnavailable":"25%"}}}}""");
        var patch = Json("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");

        var result = StrategicMergePatch.Apply(deployment, patch);

        ShouldEqualJson(result, """{"spec":{"strategy":{"type":"Recreate"}}}""");
    }

    [Fact]
    public void Apply_RetainKeysNotCoveringPatchedField_Throws()
    {
        var patch = Json("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":{"maxSurge":1}}}}""");

        Should.Throw<PatchException>(() => StrategicMergePatch.Apply(Json("""{"spec":{"strategy":{}}}"""), patch));
    }

    [Fact]
    public void Apply_KubectlSetImageBody_ChangesOneImageAndKeepsOrderAndOtherContainers()
    {
        var deployment = Json("""
            {"spec":{"template":{"spec":{"containers":[
              {"name":"nginx","image":"nginx:1.24","ports":[{"containerPort":80,"protocol":"TCP"}]},
              {"name":"side","image":"busybox:1.36"}]}}}}
            """);
        // Captured from kubectl 1.27 and 1.33 (k8s-semantics.md §2).
        var patch = Json("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"side"}],"containers":[{"image":"nginx:1.25","name":"nginx"}]}}}}""");

        var result = StrategicMergePatch.Apply(deployment, patch);

        ShouldEqualJson(result, """
            {"spec":{"template":{"spec":{"containers":[
              {"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}]},
              {"name":"side","image":"busybox:1.36"}]}}}}
            """);
    }

    [Fact]
    public void Apply_SetElementOrderOnly_ReordersContainers()
    {
        var pod = Json("""{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"},{"name":"c","image":"3"}]}""");
        var patch = Json("""{"$setElementOrder/containers":[{"name":"b"},{"name":"c"},{"name":"a"}]}""");

        var result = StrategicMergePatch.Apply(pod, patch);

        ShouldEqualJson(result, """{"containers":[{"name":"b","image":"2"},{"name":"c","image":"3"},{"name":"a","image":"1"}]}""");
    }

    [Fact]
    public void Apply_DesignDocSetElementOrderForPrimitives_Reorders()
    {
        var result = StrategicMergePatch.Apply(
            Json("""{"metadata":{"finalizers":["a","b","c"]}}"""),
            Json("""{"metadata":{"$setElementOrder/finalizers":["b","c","a"]}}"""));

        ShouldEqualJson(result, """{"metadata":{"finalizers":["b","c","a"]}}""");
    }

    [Fact]
    public void Apply_DesignDocDeleteFromPrimitiveList_RemovesValues()
    {
        var result = StrategicMergePatch.Apply(
            Json("""{"metadata":{"finalizers":["a","b","c"]}}"""),
            Json("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","c"]}}"""));

        ShouldEqualJson(result, """{"metadata":{"finalizers":["a"]}}""");
    }

    [Fact]
    public void Apply_MergedPrimitiveList_UnionsWithoutDuplicates()
    {
        var result = StrategicMergePatch.Apply(
            Json("""{"metadata":{"finalizers":["a","b"]}}"""),
            Json("""{"metadata":{"finalizers":["b","c"]}}"""));

        result["metadata"]!["finalizers"]!.AsArray().Select(n => n!.GetValue<string>()).Order().ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public void Apply_DesignDocDeleteDirectiveInList_RemovesMatchingElement()
    {
        var pod = Json("""{"containers":[{"name":"nginx","image":"nginx-0.9"},{"name":"log-tailer","image":"tailer"}]}""");
        var patch = Json("""{"containers":[{"name":"nginx","image":"nginx-1.0"},{"$patch":"delete","name":"log-tailer"}]}""");

        var result = StrategicMergePatch.Apply(pod, patch);

        ShouldEqualJson(result, """{"containers":[{"name":"nginx","image":"nginx-1.0"}]}""");
    }

    [Fact]
    public void Apply_DesignDocReplaceDirectiveInList_ReplacesWholeList()
    {
        var pod = Json("""{"containers":[{"name":"a","image":"1","env":[{"name":"X","value":"1"}]},{"name":"b","image":"2"}]}""");
        var patch = Json("""{"containers":[{"name":"nginx","image":"nginx-1.0"},{"$patch":"replace"}]}""");

        var result = StrategicMergePatch.Apply(pod, patch);

        ShouldEqualJson(result, """{"containers":[{"name":"nginx","image":"nginx-1.0"}]}""");
    }

    [Fact]
    public void Apply_DesignDocReplaceDirectiveInMap_ReplacesMapLiterally()
    {
        var original = Json("""{"spec":{"containers":[{"name":"a","image":"1"}],"restartPolicy":"Always"}}""");
        var patch = Json("""{"spec":{"$patch":"replace","containers":[{"name":"nginx","image":"nginx-1.0"}]}}""");

        var result = StrategicMergePatch.Apply(original, patch);

        ShouldEqualJson(result, """{"spec":{"containers":[{"name":"nginx","image":"nginx-1.0"}]}}""");
    }

    [Fact]
    public void Apply_DesignDocDeleteDirectiveInMap_EmptiesMap()
    {
        var original = Json("""{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}""");

        var result = StrategicMergePatch.Apply(original, Json("""{"strategy":{"rollingUpdate":{"$patch":"delete"}}}"""));

        ShouldEqualJson(result, """{"strategy":{"type":"RollingUpdate","rollingUpdate":{}}}""");
    }

    [Fact]
    public void Apply_NullValue_DeletesKey()
    {
        var original = Json("""{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"paused":true}}""");

        var result = StrategicMergePatch.Apply(original, Json("""{"metadata":{"labels":{"tier":null}},"spec":{"paused":null}}"""));

        ShouldEqualJson(result, """{"metadata":{"labels":{"app":"web"}},"spec":{}}""");
    }

    [Fact]
    public void Apply_NestedLists_MergeByTheirOwnKeys()
    {
        var original = Json("""
            {"containers":[{"name":"app","image":"1",
              "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
              "ports":[{"containerPort":80,"protocol":"TCP"}],
              "volumeMounts":[{"name":"data","mountPath":"/data"}]}]}
            """);
        var patch = Json("""
            {"containers":[{"name":"app",
              "env":[{"name":"B","value":"3"},{"name":"C","value":"4"}],
              "ports":[{"containerPort":80,"name":"http"},{"containerPort":443}],
              "volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}
            """);

        var result = StrategicMergePatch.Apply(original, patch);

        var app = result["containers"]![0]!;
        // A server-only item stays before the patch items that follow it in the live list (mergeSortedSlice).
        ShouldEqualJson(app["env"]!, """[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]""");
        ShouldEqualJson(app["ports"]!, """[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":443}]""");
        ShouldEqualJson(app["volumeMounts"]!, """[{"name":"data","mountPath":"/data","readOnly":true}]""");
        app["image"]!.GetValue<string>().ShouldBe("1");
    }

    [Fact]
    public void Apply_NewListWithDirectives_ProcessesThemInsteadOfStoringThem()
    {
        var result = StrategicMergePatch.Apply(Json("{}"), Json("""{"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"name":"a","image":"x"}]}}"""));

        ShouldEqualJson(result, """{"spec":{"containers":[{"name":"a","image":"x"}]}}""");
    }

    [Fact]
    public void Apply_ListElementWithoutMergeKey_ThrowsBadRequest()
    {
        var ex = Should.Throw<PatchException>(() =>
            StrategicMergePatch.Apply(Json("""{"containers":[{"name":"a"}]}"""), Json("""{"containers":[{"image":"x"}]}""")));

        ex.Code.ShouldBe(400);
        ex.Message.ShouldContain("does not contain declared merge key: name");
    }

    [Fact]
    public void Apply_UnknownPatchDirective_ThrowsBadRequest()
    {
        var ex = Should.Throw<PatchException>(() => StrategicMergePatch.Apply(Json("""{"spec":{}}"""), Json("""{"spec":{"$patch":"explode"}}""")));

        ex.Code.ShouldBe(400);
    }

    [Fact]
    public void Apply_DoesNotMutateInputs()
    {
        var original = Json(PatchDemo);
        var patch = Json("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"patch-demo-ctr"}],"containers":[{"name":"patch-demo-ctr","image":"x"}]}}}}""");
        var originalText = original.ToJsonString();
        var patchText = patch.ToJsonString();

        StrategicMergePatch.Apply(original, patch);

        original.ToJsonString().ShouldBe(originalText);
        patch.ToJsonString().ShouldBe(patchText);
    }
}
