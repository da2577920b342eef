using System.Text.Json.Nodes;
using Hoist.Sandbox.Selectors;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Selectors;

public class FieldSelectorTests
{
    static readonly JsonObject Pod = JsonNode.Parse("""
        {"metadata":{"name":"web-1","namespace":"shop"},"spec":{"nodeName":"node-2"},"status":{"phase":"Running"}}
        """)!.AsObject();

    static readonly JsonObject Event = JsonNode.Parse("""
        {"metadata":{"name":"web-1.17a","namespace":"shop"},"reason":"Pulling","type":"Normal",
         "involvedObject":{"kind":"Pod","namespace":"shop","name":"web-1","uid":"u-1","apiVersion":"v1","fieldPath":"spec.containers{app}"},
         "source":{"component":"kubelet","host":"node-2"}}
        """)!.AsObject();

    [Theory]
    [InlineData("metadata.name=web-1", true)]
    [InlineData("metadata.name==web-1", true)]
    [InlineData("metadata.name!=web-1", false)]
    [InlineData("metadata.namespace=shop,spec.nodeName=node-2", true)]
    [InlineData("status.phase=Pending", false)]
    [InlineData("status.phase!=Pending", true)]
    public void Matches_PodFields(string selector, bool matches) =>
        FieldSelector.Parse(selector, ResourceKinds.Pods).Matches(Pod).ShouldBe(matches);

    [Fact]
    public void Matches_TheSelectorKubectlDescribeSendsForEvents() =>
        FieldSelector.Parse("involvedObject.name=web-1,involvedObject.namespace=shop,involvedObject.kind=Pod,involvedObject.uid=u-1", ResourceKinds.Events)
            .Matches(Event).ShouldBeTrue();

    [Theory]
    [InlineData("source=kubelet", true)]
    [InlineData("reason=Pulling,type=Normal", true)]
    [InlineData("involvedObject.fieldPath=spec.containers{app}", true)]
    [InlineData("type=Warning", false)]
    public void Matches_EventFields(string selector, bool matches) =>
        FieldSelector.Parse(selector, ResourceKinds.Events).Matches(Event).ShouldBe(matches);

    [Theory]
    [InlineData("spec.replicas=3", "deployments", "spec.replicas")]
    [InlineData("status.phase=Running", "deployments", "status.phase")]
    [InlineData("reason=Pulling", "pods", "reason")]
    public void Parse_UnsupportedField_ThrowsBadRequestLikeTheApiserver(string selector, string resource, string field)
    {
        var kind = ResourceKinds.All.Single(k => k.Plural == resource);
        var ex = Should.Throw<ApiException>(() => FieldSelector.Parse(selector, kind));
        ex.Code.ShouldBe(400);
        ex.Message.ShouldBe($"field label not supported: {field}");
    }

    [Fact]
    public void Parse_EscapedComma_IsPartOfTheValue()
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"a,b"}}""")!.AsObject();
        FieldSelector.Parse(@"metadata.name=a\,b", ResourceKinds.Pods).Matches(pod).ShouldBeTrue();
    }
}
