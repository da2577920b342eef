using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Controllers;

public class EventRecorderTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    static ObjectStore Store(FakeTimeProvider time)
    {
        var store = new ObjectStore(time);
        store.Create(ResourceKinds.Namespaces, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
        return store;
    }

    static JsonObject Pod(ObjectStore store, string name) => store.Create(ResourceKinds.Pods, new JsonObject
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject(),
    });

    [Fact]
    public void Record_SameEventTwice_BumpsCountOnOneEvent()
    {
        var store = Store(_time);
        var recorder = new EventRecorder(store, _time);
        var pod = Pod(store, "web");

        recorder.Warning(pod, "BackOff", "Back-off restarting failed container app", "kubelet", "node-1", "spec.containers{app}");
        _time.Advance(TimeSpan.FromSeconds(30));
        recorder.Warning(pod, "BackOff", "Back-off restarting failed container app", "kubelet", "node-1", "spec.containers{app}");

        var e = store.List(ResourceKinds.Events, "default").Items.ShouldHaveSingleItem();
        e.Name().ShouldMatch("^web\\.[0-9a-f]+$");
        e["count"].AsInt().ShouldBe(2);
        e["firstTimestamp"].AsString().ShouldBe("2025-01-01T00:00:00Z");
        e["lastTimestamp"].AsString().ShouldBe("2025-01-01T00:00:30Z");
        e.At("involvedObject", "uid").AsString().ShouldBe(pod.Uid());
        e.At("involvedObject", "fieldPath").AsString().ShouldBe("spec.containers{app}");
        e.At("involvedObject", "kind").AsString().ShouldBe("Pod");
        e.At("source", "host").AsString().ShouldBe("node-1");
        e["reportingComponent"].AsString().ShouldBe("kubelet");
        e["reportingInstance"].AsString().ShouldBe("node-1");
        e["type"].AsString().ShouldBe("Warning");
    }

    [Fact]
    public void Record_DifferentMessagesAtTheSameInstant_GetDistinctNames()
    {
        var store = Store(_time);
        var recorder = new EventRecorder(store, _time);
        var pod = Pod(store, "web");

        recorder.Normal(pod, "Pulling", "Pulling image \"a\"", "kubelet");
        recorder.Normal(pod, "Pulled", "Pulled image \"a\"", "kubelet");

        store.List(ResourceKinds.Events, "default").Items.Select(e => e.Name()).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public void Record_BeyondTheCap_DeletesTheLeastRecentlyUpdated()
    {
        var store = Store(_time);
        var recorder = new EventRecorder(store, _time, maxEvents: 3);
        var pod = Pod(store, "web");

        for (var i = 0; i < 5; i++) recorder.Normal(pod, "Reason", $"message {i}", "test");

        store.List(ResourceKinds.Events, "default").Items.Select(e => e["message"].AsString()).Order()
            .ShouldBe(["message 2", "message 3", "message 4"]);
    }

    [Fact]
    public void Record_InANamespaceThatDoesNotExist_IsDropped()
    {
        var store = Store(_time);
        var recorder = new EventRecorder(store, _time);
        var pod = store.Create(ResourceKinds.Pods, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "gone" } });

        recorder.Normal(pod, "Killing", "Stopping container app", "kubelet");

        store.List(ResourceKinds.Events, "gone").Items.ShouldBeEmpty();
    }

    [Fact]
    public void Record_AfterAnHour_ExpiresOldEvents()
    {
        var store = Store(_time);
        var recorder = new EventRecorder(store, _time);
        var pod = Pod(store, "web");
        recorder.Normal(pod, "Old", "old", "test");

        _time.Advance(TimeSpan.FromMinutes(61));
        recorder.Normal(pod, "New", "new", "test");

        store.List(ResourceKinds.Events, "default").Items.ShouldHaveSingleItem()["reason"].AsString().ShouldBe("New");
    }
}
