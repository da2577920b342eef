using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;
using static Hoist.Sandbox.Tests.Controllers.ClusterHarness;

namespace Hoist.Sandbox.Tests.Controllers;

public class StatefulSetControllerTests
{
    static readonly ResourceKind StatefulSets = ResourceKinds.StatefulSets;
    static readonly ResourceKind Revisions = ResourceKinds.ControllerRevisions;
    static readonly ResourceKind Pods = ResourceKinds.Pods;

    static bool Settled(JsonObject s, int replicas) =>
        Int(s, "status", "observedGeneration") >= s.Generation() && Int(s, "status", "readyReplicas") == replicas
        && Int(s, "status", "updatedReplicas") == replicas && Str(s, "status", "currentRevision") == Str(s, "status", "updateRevision");

    static string Image(JsonObject pod) => Str((JsonObject)pod.At("spec", "containers")!.AsArray()[0]!, "image")!;

    [Fact]
    public async Task Create_OrderedReady_CreatesOnePodAtATimeInOrdinalOrder()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(2));
        h.Create(StatefulSets, StatefulSet("db", "postgres:16", replicas: 3));
        await h.IdleAsync();

        h.List(Pods).Select(p => p.Name()).ShouldBe(["db-0"]);
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        h.List(Pods).Select(p => p.Name()).ShouldBe(["db-0", "db-1"]);
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        var set = await h.WaitForAsync(StatefulSets, "db", s => Settled(s, 3));

        var revision = h.List(Revisions).ShouldHaveSingleItem();
        revision.Name().ShouldMatch("^db-[4-9bcdf]{1,10}$");
        Int(revision, "revision").ShouldBe(1);
        revision.Labels()["controller.kubernetes.io/hash"].ShouldBe(revision.Name()["db-".Length..]);
        revision.Labels()["app"].ShouldBe("db");
        Str(revision.At("data", "spec", "template")!.AsObject(), "$patch").ShouldBe("replace");
        revision.At("data", "spec", "template", "metadata")!.AsObject().ContainsKey("creationTimestamp").ShouldBeTrue();
        Str(set, "status", "currentRevision").ShouldBe(revision.Name());
        Int(set, "status", "replicas").ShouldBe(3);
        Int(set, "status", "availableReplicas").ShouldBe(3);
        Int(set, "status", "currentReplicas").ShouldBe(3);
        foreach (var pod in h.List(Pods))
        {
            pod.Labels()["controller-revision-hash"].ShouldBe(revision.Name());
            pod.Labels()["statefulset.kubernetes.io/pod-name"].ShouldBe(pod.Name());
            Str(pod, "spec", "hostname").ShouldBe(pod.Name());
            Str(pod, "spec", "subdomain").ShouldBe("db");
        }
        h.EventsFor("db").Where(e => Str(e, "reason") == "SuccessfulCreate").OrderBy(e => e.Name(), StringComparer.Ordinal).Select(e => Str(e, "message"))
            .ShouldBe(["create Pod db-0 in StatefulSet db successful", "create Pod db-1 in StatefulSet db successful", "create Pod db-2 in StatefulSet db successful"]);
    }

    [Fact]
    public async Task RollingUpdate_ReplacesHighestOrdinalFirst_AndMovesCurrentRevisionAtTheEnd()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(2));
        h.Create(StatefulSets, StatefulSet("db", "postgres:16", replicas: 3));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(2));
        var before = await h.WaitForAsync(StatefulSets, "db", s => Settled(s, 3));
        var oldRevision = Str(before, "status", "currentRevision")!;

        using var podWatch = h.Store.Watch(Pods, "default", h.Store.ResourceVersion);
        h.Update(StatefulSets, "db", s => SetImage(s, "postgres:17"));
        var midway = await h.WaitForAsync(StatefulSets, "db", s => Str(s, "status", "updateRevision") != oldRevision && Int(s, "status", "observedGeneration") == 2);
        Str(midway, "status", "currentRevision").ShouldBe(oldRevision);
        var newRevision = Str(midway, "status", "updateRevision")!;

        for (var i = 0; i < 3; i++)
        {
            // While db-0 still runs the old revision. (Once it is deleted, the controller counts only created pods,
            // so completeRollingUpdate moves currentRevision before the new db-0 exists, as upstream does.)
            if (i < 2) Str(h.Get(StatefulSets, "db"), "status", "currentRevision").ShouldBe(oldRevision);
            await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        }
        var order = new List<string>();
        while (podWatch.Events.TryRead(out var e))
            if (e.Type == StoreEventType.Added && e.Object.Labels()["controller-revision-hash"] == newRevision) order.Add(e.Name);

        order.ShouldBe(["db-2", "db-1", "db-0"]);
        var done = await h.WaitForAsync(StatefulSets, "db", s => Settled(s, 3));
        Str(done, "status", "currentRevision").ShouldBe(newRevision);
        Int(done, "status", "currentReplicas").ShouldBe(3);
        h.List(Pods).ShouldAllBe(p => Image(p) == "postgres:17");
        h.List(Revisions).Select(r => Int(r, "revision")).Order().ShouldBe([1, 2]);
        h.EventsFor("db").Where(e => Str(e, "reason") == "SuccessfulDelete").OrderBy(e => e.Name(), StringComparer.Ordinal).Select(e => Str(e, "message"))
            .ShouldBe(["delete Pod db-2 in StatefulSet db successful", "delete Pod db-1 in StatefulSet db successful", "delete Pod db-0 in StatefulSet db successful"]);
    }

    [Fact]
    public async Task RollingUpdate_WithPartition_UpdatesOnlyOrdinalsAtOrAboveIt()
    {
        await using var h = WithRealClock();
        h.Create(StatefulSets, StatefulSet("db", "postgres:16", replicas: 3, s => s["spec"]!["updateStrategy"]!["rollingUpdate"]!["partition"] = 2));
        var before = await h.WaitForAsync(StatefulSets, "db", s => Int(s, "status", "readyReplicas") == 3);
        var oldRevision = Str(before, "status", "currentRevision");

        h.Update(StatefulSets, "db", s => SetImage(s, "postgres:17"));
        var set = await h.WaitForAsync(StatefulSets, "db", s => Int(s, "status", "updatedReplicas") == 1 && Int(s, "status", "readyReplicas") == 3);
        await h.IdleAsync();
        set = h.Get(StatefulSets, "db");

        Str(set, "status", "currentRevision").ShouldBe(oldRevision);
        Int(set, "status", "currentReplicas").ShouldBe(2);
        Image(h.Get(Pods, "db-2")).ShouldBe("postgres:17");
        Image(h.Get(Pods, "db-1")).ShouldBe("postgres:16");
        Image(h.Get(Pods, "db-0")).ShouldBe("postgres:16");

        h.Update(StatefulSets, "db", s => s["spec"]!["updateStrategy"]!["rollingUpdate"]!["partition"] = 0);
        set = await h.WaitForAsync(StatefulSets, "db", s => Settled(s, 3));
        Str(set, "status", "currentRevision").ShouldNotBe(oldRevision);
    }

    [Fact]
    public async Task OnDelete_TemplateChange_ReplacesOnlyDeletedPods()
    {
        await using var h = WithRealClock();
        h.Create(StatefulSets, StatefulSet("db", "postgres:16", replicas: 2, s => s["spec"]!["updateStrategy"] = new JsonObject { ["type"] = "OnDelete" }));
        await h.WaitForAsync(StatefulSets, "db", s => Int(s, "status", "readyReplicas") == 2);

        h.Update(StatefulSets, "db", s => SetImage(s, "postgres:17"));
        await h.WaitForAsync(StatefulSets, "db", s => Int(s, "status", "observedGeneration") == 2);
        await h.IdleAsync();
        h.List(Pods).ShouldAllBe(p => Image(p) == "postgres:16");

        h.Store.Delete(Pods, "default", "db-1");
        await h.WaitForAsync(Pods, "db-1", p => Image(p) == "postgres:17" && PodUtil.IsReady(p));
        var set = await h.WaitForAsync(StatefulSets, "db", s => Int(s, "status", "updatedReplicas") == 1 && Int(s, "status", "readyReplicas") == 2);
        Image(h.Get(Pods, "db-0")).ShouldBe("postgres:16");
        Str(set, "status", "currentRevision").ShouldNotBe(Str(set, "status", "updateRevision"));
    }

    [Fact]
    public async Task ScaleDown_RemovesHighestOrdinalsFirst()
    {
        await using var h = WithRealClock();
        h.Create(StatefulSets, StatefulSet("db", "postgres:16", replicas: 3));
        await h.WaitForAsync(StatefulSets, "db", s => Int(s, "status", "readyReplicas") == 3);

        h.Update(StatefulSets, "db", s => s["spec"]!["replicas"] = 1);
        await h.WaitForAsync(StatefulSets, "db", s => Int(s, "status", "replicas") == 1);

        h.List(Pods).Select(p => p.Name()).ShouldBe(["db-0"]);
        h.EventsFor("db").Where(e => Str(e, "reason") == "SuccessfulDelete").OrderBy(e => e.Name(), StringComparer.Ordinal).Select(e => Str(e, "message"))
            .ShouldBe(["delete Pod db-2 in StatefulSet db successful", "delete Pod db-1 in StatefulSet db successful"]);
    }

    [Fact]
    public async Task Rollback_ToPreviousTemplate_RenumbersTheOldRevision()
    {
        await using var h = WithRealClock();
        h.Create(StatefulSets, StatefulSet("db", "postgres:16", replicas: 1));
        var first = await h.WaitForAsync(StatefulSets, "db", s => Settled(s, 1));
        var firstRevision = Str(first, "status", "currentRevision")!;
        h.Update(StatefulSets, "db", s => SetImage(s, "postgres:17"));
        await h.WaitForAsync(StatefulSets, "db", s => Settled(s, 1) && Str(s, "status", "currentRevision") != firstRevision);

        // kubectl rollout undo patches the template from the revision's data.
        var data = h.Get(Revisions, firstRevision).At("data", "spec", "template")!.DeepClone().AsObject();
        data.Remove("$patch");
        h.Update(StatefulSets, "db", s => s["spec"]!["template"] = data);
        var set = await h.WaitForAsync(StatefulSets, "db", s => Settled(s, 1) && Str(s, "status", "currentRevision") == firstRevision);

        h.List(Revisions).Count.ShouldBe(2);
        Int(h.Get(Revisions, firstRevision), "revision").ShouldBe(3);
        Image(h.Get(Pods, "db-0")).ShouldBe("postgres:16");
        Str(set, "status", "updateRevision").ShouldBe(firstRevision);
    }
}
