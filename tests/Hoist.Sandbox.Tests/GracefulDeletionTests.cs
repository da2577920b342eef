using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests;

/// <summary>
/// The apiserver's delete rules for pods (rest.BeforeDelete + the pod strategy's CheckGracefulDelete), at the store,
/// where every deleter goes through them; no controllers run, so nothing but the test acts on the pod.
/// </summary>
public class GracefulDeletionTests
{
    static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly ResourceKind Pods = ResourceKinds.Pods;

    readonly FakeTimeProvider _time = new(Start);
    readonly ObjectStore _store;

    public GracefulDeletionTests() => _store = new ObjectStore(_time);

    JsonObject CreatePod(string name = "web", long? grace = 30, string? node = "sandbox-node-1", string? phase = "Running")
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx:1.25" }) };
        if (grace is { } g) spec["terminationGracePeriodSeconds"] = g;
        if (node is not null) spec["nodeName"] = node;
        var pod = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = phase },
        };
        return _store.Create(Pods, pod);
    }

    static string? Meta(JsonObject o, string field) => o.Meta()[field]?.ToString();

    static string At(int seconds) => ObjectStore.Timestamp(Start.AddSeconds(seconds));

    [Fact]
    public void Delete_ScheduledPod_MarksItWithTheSpecGracePeriodAndKeepsIt()
    {
        var created = CreatePod(grace: 45);
        _time.Advance(TimeSpan.FromSeconds(10));

        var marked = _store.Delete(Pods, "default", "web");

        Meta(marked, "deletionTimestamp").ShouldBe(At(55));
        Meta(marked, "deletionGracePeriodSeconds").ShouldBe("45");
        marked.Meta().Long("generation").ShouldBe(2);
        marked.Meta().Long("resourceVersion").ShouldBe(created.Meta().Long("resourceVersion") + 1);
        var stored = _store.Get(Pods, "default", "web")!;
        Meta(stored, "deletionTimestamp").ShouldBe(At(55));
        Meta(stored, "resourceVersion").ShouldBe(Meta(marked, "resourceVersion"));
    }

    [Fact]
    public async Task Delete_ScheduledPod_IsOneModifiedEventNotADeletedOne()
    {
        var created = CreatePod();
        using var watch = _store.Watch(Pods, "default", created.Meta().Long("resourceVersion")!.Value);

        _store.Delete(Pods, "default", "web");

        var e = await watch.Events.ReadAsync(TestContext.Current.CancellationToken);
        e.Type.ShouldBe(StoreEventType.Modified);
        Meta(e.Object, "deletionTimestamp").ShouldBe(At(30));
        watch.Events.TryRead(out _).ShouldBeFalse();
    }

    [Fact]
    public void Delete_GracePeriodOption_OverridesTheSpec()
    {
        CreatePod(grace: 30);

        var marked = _store.Delete(Pods, "default", "web", new DeleteOptions(GracePeriodSeconds: 5));

        Meta(marked, "deletionTimestamp").ShouldBe(At(5));
        Meta(marked, "deletionGracePeriodSeconds").ShouldBe("5");
    }

    [Fact]
    public void Delete_PodWithoutAGracePeriodInItsSpec_TakesTheDefault30Seconds()
    {
        CreatePod(grace: null);

        Meta(_store.Delete(Pods, "default", "web"), "deletionGracePeriodSeconds").ShouldBe("30");
    }

    [Fact]
    public void Delete_NegativeGracePeriod_IsTakenAsOneSecond()
    {
        CreatePod();

        Meta(_store.Delete(Pods, "default", "web", new DeleteOptions(GracePeriodSeconds: -5)), "deletionGracePeriodSeconds").ShouldBe("1");
    }

    [Fact]
    public async Task Delete_GracePeriodZero_RemovesAtOnceAndTheDeletedStateCarriesTheDeletionFields()
    {
        var created = CreatePod();
        using var watch = _store.Watch(Pods, "default", created.Meta().Long("resourceVersion")!.Value);

        var last = _store.Delete(Pods, "default", "web", DeleteOptions.Now);

        _store.Get(Pods, "default", "web").ShouldBeNull();
        var e = await watch.Events.ReadAsync(TestContext.Current.CancellationToken);
        e.Type.ShouldBe(StoreEventType.Deleted);
        Meta(e.Object, "deletionTimestamp").ShouldBe(At(0));
        Meta(e.Object, "deletionGracePeriodSeconds").ShouldBe("0");
        Meta(last, "deletionGracePeriodSeconds").ShouldBe("0");
    }

    [Theory]
    [InlineData(null, "Pending")]
    [InlineData("sandbox-node-1", "Succeeded")]
    [InlineData("sandbox-node-1", "Failed")]
    public void Delete_UnscheduledOrFinishedPod_RemovesAtOnce(string? node, string phase)
    {
        CreatePod(node: node, phase: phase);

        _store.Delete(Pods, "default", "web");

        _store.Get(Pods, "default", "web").ShouldBeNull();
    }

    [Fact]
    public void Delete_AgainWithAShorterGracePeriod_MovesTheDeadlineForward()
    {
        CreatePod(grace: 30);
        _store.Delete(Pods, "default", "web");
        _time.Advance(TimeSpan.FromSeconds(4));

        var shortened = _store.Delete(Pods, "default", "web", new DeleteOptions(GracePeriodSeconds: 10));

        // The deadline is counted from the first delete: 0 + 10, not now + 10.
        Meta(shortened, "deletionTimestamp").ShouldBe(At(10));
        Meta(shortened, "deletionGracePeriodSeconds").ShouldBe("10");
        shortened.Meta().Long("generation").ShouldBe(2);
    }

    [Theory]
    [InlineData(30L)]
    [InlineData(60L)]
    [InlineData(null)]
    public void Delete_AgainWithoutAShorterGracePeriod_ChangesNothing(long? grace)
    {
        CreatePod(grace: 30);
        var first = _store.Delete(Pods, "default", "web");
        _time.Advance(TimeSpan.FromSeconds(4));

        var again = _store.Delete(Pods, "default", "web", new DeleteOptions(GracePeriodSeconds: grace));

        Meta(again, "deletionTimestamp").ShouldBe(At(30));
        Meta(again, "resourceVersion").ShouldBe(Meta(first, "resourceVersion"));
        _store.ResourceVersion.ShouldBe(first.Meta().Long("resourceVersion")!.Value);
    }

    [Fact]
    public void Delete_AgainWithGracePeriodZero_RemovesTheTerminatingPod()
    {
        CreatePod();
        _store.Delete(Pods, "default", "web");

        _store.Delete(Pods, "default", "web", DeleteOptions.Now);

        _store.Get(Pods, "default", "web").ShouldBeNull();
    }

    [Fact]
    public void Delete_OtherKinds_AreRemovedWhateverTheGracePeriod()
    {
        _store.Create(ResourceKinds.Deployments, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default" } });

        _store.Delete(ResourceKinds.Deployments, "default", "web", new DeleteOptions(GracePeriodSeconds: 30));

        _store.Get(ResourceKinds.Deployments, "default", "web").ShouldBeNull();
    }

    [Fact]
    public void Delete_UidPreconditionOfAnotherPod_IsAConflict()
    {
        CreatePod();

        var ex = Should.Throw<ApiException>(() => _store.Delete(Pods, "default", "web", DeleteOptions.Now with { Uid = "not-this-one" }));

        ex.Code.ShouldBe(409);
        ex.Message.ShouldStartWith("Operation cannot be fulfilled on pods \"web\": Precondition failed: UID in precondition: not-this-one, UID in object meta: ");
        _store.Get(Pods, "default", "web").ShouldNotBeNull();
    }

    [Fact]
    public void Update_OfATerminatingPod_KeepsTheDeletionFieldsWhateverTheBodySays()
    {
        CreatePod();
        var marked = _store.Delete(Pods, "default", "web");
        marked.Meta().Remove("deletionTimestamp");
        marked.Meta()["deletionGracePeriodSeconds"] = 1;
        marked.Meta()["labels"] = new JsonObject { ["touched"] = "yes" };

        var updated = _store.Update(Pods, marked);

        Meta(updated, "deletionTimestamp").ShouldBe(At(30));
        Meta(updated, "deletionGracePeriodSeconds").ShouldBe("30");
        updated.Labels()["touched"].ShouldBe("yes");
    }

    [Fact]
    public void MutateObject_CannotMarkAPodForDeletion()
    {
        CreatePod();

        var written = _store.MutateObject(Pods, "default", "web", p => p.Meta()["deletionTimestamp"] = At(0))!;

        written.Meta()["deletionTimestamp"].ShouldBeNull();
    }
}
