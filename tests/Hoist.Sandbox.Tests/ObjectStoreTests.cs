using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests;

public class ObjectStoreTests
{
    static JsonObject Deployment(string name) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject { ["replicas"] = 1 },
    };

    [Fact]
    public void Update_WithStaleResourceVersion_ThrowsConflict()
    {
        var store = new ObjectStore();
        var created = store.Create(ResourceKinds.Deployments, Deployment("web"));
        var stale = (JsonObject)created.DeepClone();
        created["spec"]!["replicas"] = 2;
        store.Update(ResourceKinds.Deployments, created);

        stale["spec"]!["replicas"] = 3;
        var ex = Should.Throw<ApiException>(() => store.Update(ResourceKinds.Deployments, stale));
        ex.Code.ShouldBe(409);
        ex.Message.ShouldStartWith("Operation cannot be fulfilled on deployments.apps \"web\"");
    }

    [Fact]
    public void Update_SpecChange_BumpsGenerationButStatusWriteDoesNot()
    {
        var store = new ObjectStore();
        var d = store.Create(ResourceKinds.Deployments, Deployment("web"));
        d["spec"]!["replicas"] = 5;
        d = store.Update(ResourceKinds.Deployments, d);
        d.Meta().Long("generation").ShouldBe(2);
        d["status"] = new JsonObject { ["replicas"] = 5 };
        d = store.UpdateStatus(ResourceKinds.Deployments, d);
        d.Meta().Long("generation").ShouldBe(2);
        d["status"]!["replicas"]!.GetValue<int>().ShouldBe(5);
    }

    [Fact]
    public async Task Watch_FromOldResourceVersion_ReplaysOrExpires()
    {
        var store = new ObjectStore(historyLimit: 3);
        var first = store.Create(ResourceKinds.Deployments, Deployment("a"));
        var rv = first.Meta().Long("resourceVersion")!.Value;
        using (var w = store.Watch(ResourceKinds.Deployments, "default", rv))
        {
            store.Create(ResourceKinds.Deployments, Deployment("b"));
            var e = await w.Events.ReadAsync(TestContext.Current.CancellationToken);
            e.Type.ShouldBe(StoreEventType.Added);
            e.Name.ShouldBe("b");
        }
        for (var i = 0; i < 5; i++) store.Create(ResourceKinds.Deployments, Deployment($"x{i}"));
        Should.Throw<ApiException>(() => store.Watch(ResourceKinds.Deployments, null, rv)).Code.ShouldBe(410);
    }

    [Fact]
    public void Get_ChangingTheResult_LeavesTheStoredObjectUntouched()
    {
        var store = new ObjectStore();
        store.Create(ResourceKinds.Deployments, Deployment("web"));
        var copy = store.GetRequired(ResourceKinds.Deployments, "default", "web");
        copy["spec"]!["replicas"] = 9;
        copy.Meta()["labels"] = new JsonObject { ["app"] = "changed" };

        var again = store.GetRequired(ResourceKinds.Deployments, "default", "web");
        again["spec"]!["replicas"]!.GetValue<int>().ShouldBe(1);
        again.Meta()["labels"].ShouldBeNull();
    }

    [Fact]
    public async Task Watch_TwoWatchers_EachGetsACopyItMayChange()
    {
        var store = new ObjectStore();
        using var first = store.Watch(ResourceKinds.Deployments, null, store.ResourceVersion);
        using var second = store.Watch(ResourceKinds.Deployments, null, store.ResourceVersion);
        store.Create(ResourceKinds.Deployments, Deployment("web"));

        var a = await first.Events.ReadAsync(TestContext.Current.CancellationToken);
        var b = await second.Events.ReadAsync(TestContext.Current.CancellationToken);
        a.Object["spec"]!["replicas"] = 7;

        b.Object["spec"]!["replicas"]!.GetValue<int>().ShouldBe(1);
        store.GetRequired(ResourceKinds.Deployments, "default", "web")["spec"]!["replicas"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Update_SameObjectWithPropertiesReordered_IsNotAWrite()
    {
        var store = new ObjectStore();
        var created = store.Create(ResourceKinds.Deployments, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default", ["labels"] = new JsonObject { ["a"] = "1", ["b"] = "2" } },
            ["spec"] = new JsonObject { ["replicas"] = 1, ["paused"] = false },
        });
        var rv = store.ResourceVersion;
        using var watch = store.Watch(ResourceKinds.Deployments, null, rv);
        var reordered = new JsonObject
        {
            ["spec"] = new JsonObject { ["paused"] = false, ["replicas"] = 1 },
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject { ["b"] = "2", ["a"] = "1" },
                ["namespace"] = "default",
                ["name"] = "web",
                ["resourceVersion"] = created.Meta().Str("resourceVersion"),
            },
        };

        var result = store.Update(ResourceKinds.Deployments, reordered);

        store.ResourceVersion.ShouldBe(rv);
        result.Meta().Str("resourceVersion").ShouldBe(rv.ToString(System.Globalization.CultureInfo.InvariantCulture));
        store.Create(ResourceKinds.Deployments, Deployment("next"));
        (await watch.Events.ReadAsync(TestContext.Current.CancellationToken)).Name.ShouldBe("next");
    }
}
