using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;
using static Hoist.Sandbox.Tests.Controllers.ClusterHarness;

namespace Hoist.Sandbox.Tests.Controllers;

public class ControllerManagerTests
{
    [Fact]
    public async Task Start_SeedsReadyNodesAndActiveNamespaces()
    {
        await using var h = WithRealClock(nodes: 4);

        var nodes = h.Store.List(ResourceKinds.Nodes, null).Items;
        nodes.Select(n => n.Name()).ShouldBe(["sandbox-node-1", "sandbox-node-2", "sandbox-node-3", "sandbox-node-4"]);
        nodes.ShouldAllBe(n => Str(Condition(n, "Ready")!, "status") == "True");
        nodes.ShouldAllBe(n => n.Labels()["kubernetes.io/hostname"] == n.Name());
        var namespaces = h.Store.List(ResourceKinds.Namespaces, null).Items;
        namespaces.Select(n => n.Name()).ShouldBe(["default", "kube-node-lease", "kube-public", "kube-system"], ignoreOrder: true);
        namespaces.ShouldAllBe(n => Str(n, "status", "phase") == "Active");
    }

    [Fact]
    public async Task WatchesClosed_ControllersResumeAndKeepReconciling()
    {
        await using var h = WithRealClock();
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 1));
        await h.WaitForAsync(ResourceKinds.Deployments, "web", d => Int(d, "status", "availableReplicas") == 1);

        h.Store.CloseAllWatches();
        h.Update(ResourceKinds.Deployments, "web", d => d["spec"]!["replicas"] = 2);

        await h.WaitForAsync(ResourceKinds.Deployments, "web", d => Int(d, "status", "availableReplicas") == 2);
        h.Manager.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task WatchClosedAndHistoryGone_ControllersRelistAndCatchUp()
    {
        var store = new ObjectStore(TimeProvider.System, historyLimit: 1);
        await using var manager = new ControllerManager(store, new SandboxOptions { PodStartDelay = TimeSpan.Zero });
        manager.Start();
        store.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 1));
        await manager.WaitForIdleAsync(TestContext.Current.CancellationToken);
        var firstPod = store.List(ResourceKinds.Pods, "default").Items.Single();

        // Several writes while the watch is down: resuming from the last seen version is 410 Expired.
        store.CloseAllWatches();
        store.Delete(ResourceKinds.Pods, "default", firstPod.Name());
        store.Mutate(ResourceKinds.Deployments, "default", "web", d => d["spec"]!["replicas"] = 2);
        store.Create(ResourceKinds.Pods, Pod("bare", "nginx:1.25"));

        await manager.WaitForIdleAsync(TestContext.Current.CancellationToken);
        var pods = store.List(ResourceKinds.Pods, "default").Items;
        pods.Count.ShouldBe(3);
        pods.ShouldNotContain(p => p.Name() == firstPod.Name());
        pods.ShouldAllBe(p => PodUtil.IsReady(p));
        Int(store.GetRequired(ResourceKinds.Deployments, "default", "web"), "status", "availableReplicas").ShouldBe(2);
        manager.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task WaitForIdle_NeverStarted_CompletesAtOnce()
    {
        await using var manager = new ControllerManager(new ObjectStore(), new SandboxOptions());

        await manager.WaitForIdleAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task PodCreatedOnANode_RunsWithoutTheScheduler()
    {
        await using var h = WithRealClock();
        h.Create(ResourceKinds.Pods, Pod("pinned", "nginx:1.25", p => p["spec"]!["nodeName"] = "sandbox-node-2"));

        var pod = await h.WaitForAsync(ResourceKinds.Pods, "pinned", PodUtil.IsReady);

        Str(Condition(pod, "PodScheduled")!, "status").ShouldBe("True");
        h.EventsFor("pinned").ShouldNotContain(e => Str(e, "reason") == "Scheduled");
    }

    [Fact]
    public async Task OwnerReferenceToMissingOwner_DependentIsCollected()
    {
        await using var h = WithRealClock();
        h.Create(ResourceKinds.Pods, Pod("orphan", "nginx:1.25", p => p.Meta()["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = "gone", ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true,
        })));

        await h.WaitUntilAsync(() => h.Store.Get(ResourceKinds.Pods, "default", "orphan") is null, "orphan collected");
    }

    [Fact]
    public async Task OwnerDeleted_DependentWithAnotherLiveOwner_KeepsLivingWithoutTheDanglingReference()
    {
        await using var h = WithRealClock();
        var a = h.Create(ResourceKinds.Pods, Pod("owner-a", "nginx:1.25"));
        var b = h.Create(ResourceKinds.Pods, Pod("owner-b", "nginx:1.25"));
        JsonObject Ref(JsonObject o) => new() { ["apiVersion"] = "v1", ["kind"] = "Pod", ["name"] = o.Name(), ["uid"] = o.Uid() };
        h.Create(ResourceKinds.Pods, Pod("shared", "nginx:1.25", p => p.Meta()["ownerReferences"] = new JsonArray(Ref(a), Ref(b))));
        await h.WaitForAsync(ResourceKinds.Pods, "shared", p => PodUtil.IsReady(p));

        h.Store.Delete(ResourceKinds.Pods, "default", "owner-a");

        var shared = await h.WaitForAsync(ResourceKinds.Pods, "shared", p => p.At("metadata", "ownerReferences")!.AsArray().Count == 1);
        Str((JsonObject)shared.At("metadata", "ownerReferences")!.AsArray()[0]!, "name").ShouldBe("owner-b");
    }

    [Fact]
    public async Task ReplicaSetDeletedUnderADeployment_IsRecreated()
    {
        await using var h = WithRealClock();
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 2));
        await h.WaitForAsync(ResourceKinds.Deployments, "web", d => Int(d, "status", "availableReplicas") == 2);
        var rs = h.List(ResourceKinds.ReplicaSets).Single();

        h.Store.Delete(ResourceKinds.ReplicaSets, "default", rs.Name());

        await h.WaitUntilAsync(() => h.List(ResourceKinds.ReplicaSets).Any(r => r.Name() == rs.Name() && r.Uid() != rs.Uid())
            && h.List(ResourceKinds.Pods).Count(PodUtil.IsReady) == 2, "ReplicaSet recreated with ready pods");
    }

    [Fact]
    public async Task NamespaceDeleted_ItsObjectsGoToo()
    {
        await using var h = WithRealClock();
        h.Create(ResourceKinds.Namespaces, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "team" } });
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 1, d => d["metadata"]!["namespace"] = "team"));
        await h.WaitForAsync(ResourceKinds.Deployments, "web", d => Int(d, "status", "availableReplicas") == 1, ns: "team");

        h.Store.Delete(ResourceKinds.Namespaces, null, "team");

        await h.WaitUntilAsync(() => h.Store.List(ResourceKinds.Pods, "team").Items.Count == 0
            && h.Store.List(ResourceKinds.Deployments, "team").Items.Count == 0
            && h.Store.List(ResourceKinds.Events, "team").Items.Count == 0, "namespace emptied");
    }
}
