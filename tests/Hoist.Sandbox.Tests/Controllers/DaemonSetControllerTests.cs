using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;
using static Hoist.Sandbox.Tests.Controllers.ClusterHarness;

namespace Hoist.Sandbox.Tests.Controllers;

public class DaemonSetControllerTests
{
    static readonly ResourceKind DaemonSets = ResourceKinds.DaemonSets;
    static readonly ResourceKind Pods = ResourceKinds.Pods;

    static bool Settled(JsonObject ds, int nodes) =>
        Int(ds, "status", "observedGeneration") >= ds.Generation() && Int(ds, "status", "desiredNumberScheduled") == nodes
        && Int(ds, "status", "updatedNumberScheduled") == nodes && Int(ds, "status", "numberAvailable") == nodes;

    static string Image(JsonObject pod) => Str((JsonObject)pod.At("spec", "containers")!.AsArray()[0]!, "image")!;

    [Fact]
    public async Task Create_PlacesOnePodOnEveryNode()
    {
        await using var h = WithRealClock();
        h.Create(DaemonSets, DaemonSet("agent", "fluent-bit:3.0"));

        var ds = await h.WaitForAsync(DaemonSets, "agent", x => Settled(x, 3));

        var pods = h.List(Pods);
        pods.Count.ShouldBe(3);
        pods.Select(p => Str(p, "spec", "nodeName")).Order().ShouldBe(["sandbox-node-1", "sandbox-node-2", "sandbox-node-3"]);
        pods.ShouldAllBe(p => p.Name().StartsWith("agent-") && p.Name().Length == "agent-".Length + 5);
        var revision = h.List(ResourceKinds.ControllerRevisions).ShouldHaveSingleItem();
        var hash = revision.Labels()["controller-revision-hash"];
        revision.Name().ShouldBe($"agent-{hash}");
        pods.ShouldAllBe(p => p.Labels()["controller-revision-hash"] == hash);
        pods.Select(p => Str((JsonObject)p.At("spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")!.AsArray()[0]!.At("matchFields")!.AsArray()[0]!, "key"))
            .ShouldAllBe(k => k == "metadata.name");
        Int(ds, "status", "currentNumberScheduled").ShouldBe(3);
        Int(ds, "status", "numberReady").ShouldBe(3);
        Int(ds, "status", "numberMisscheduled").ShouldBe(0);
        ds.At("status", "numberUnavailable").ShouldBeNull();
    }

    [Fact]
    public async Task RollingUpdate_MaxUnavailableOne_ReplacesOneNodeAtATime()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(2));
        h.Create(DaemonSets, DaemonSet("agent", "fluent-bit:3.0"));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2));
        await h.WaitForAsync(DaemonSets, "agent", x => Settled(x, 3));

        using var watch = h.Store.Watch(DaemonSets, "default", h.Store.ResourceVersion);
        h.Update(DaemonSets, "agent", d => SetImage(d, "fluent-bit:3.1"));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        var ds = await h.WaitForAsync(DaemonSets, "agent", x => Settled(x, 3));
        var minAvailable = int.MaxValue;
        while (watch.Events.TryRead(out var e))
            minAvailable = Math.Min(minAvailable, Int(e.Object, "status", "numberAvailable"));

        minAvailable.ShouldBe(2);
        h.List(Pods).ShouldAllBe(p => Image(p) == "fluent-bit:3.1");
        h.List(Pods).Count.ShouldBe(3);
        h.List(ResourceKinds.ControllerRevisions).Select(r => Int(r, "revision")).Order().ShouldBe([1, 2]);
        Messages(h, "SuccessfulDelete").Count.ShouldBe(3);
        Int(ds, "status", "updatedNumberScheduled").ShouldBe(3);
    }

    static List<string> Messages(ClusterHarness h, string reason) =>
        h.EventsFor("agent").Where(e => Str(e, "reason") == reason).Select(e => Str(e, "message")!).ToList();

    [Fact]
    public async Task NodeSelector_RunsOnlyOnMatchingNodes()
    {
        await using var h = WithRealClock();
        h.Update(ResourceKinds.Nodes, "sandbox-node-2", n => n.Meta().Obj("labels")["disktype"] = "ssd", ns: "");
        h.Create(DaemonSets, DaemonSet("agent", "fluent-bit:3.0", d => d["spec"]!["template"]!["spec"]!["nodeSelector"] = new JsonObject { ["disktype"] = "ssd" }));

        var ds = await h.WaitForAsync(DaemonSets, "agent", x => Settled(x, 1));

        Str(h.List(Pods).ShouldHaveSingleItem(), "spec", "nodeName").ShouldBe("sandbox-node-2");
        Int(ds, "status", "desiredNumberScheduled").ShouldBe(1);
    }

    [Fact]
    public async Task BadImage_RolloutStopsAfterOneNode()
    {
        await using var h = WithRealClock();
        h.Create(DaemonSets, DaemonSet("agent", "fluent-bit:3.0"));
        await h.WaitForAsync(DaemonSets, "agent", x => Settled(x, 3));

        h.Update(DaemonSets, "agent", d => SetImage(d, "fluent-bit:nonexistent"));
        var ds = await h.WaitForAsync(DaemonSets, "agent", x => Int(x, "status", "updatedNumberScheduled") == 1 && Int(x, "status", "observedGeneration") == 2);
        await h.IdleAsync();
        ds = h.Get(DaemonSets, "agent");

        Int(ds, "status", "updatedNumberScheduled").ShouldBe(1);
        Int(ds, "status", "numberAvailable").ShouldBe(2);
        Int(ds, "status", "numberUnavailable").ShouldBe(1);
        h.List(Pods).Count(p => Image(p) == "fluent-bit:3.0").ShouldBe(2);
    }
}
