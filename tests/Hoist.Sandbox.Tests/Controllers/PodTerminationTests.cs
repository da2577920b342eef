using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;
using static Hoist.Sandbox.Tests.Controllers.ClusterHarness;

namespace Hoist.Sandbox.Tests.Controllers;

/// <summary>
/// Graceful deletion end to end on a fake clock: the apiserver marks the pod, the kubelet stops its containers
/// over <see cref="SandboxOptions.PodStopDelay"/> (capped by the grace period) and deletes it with grace 0, and
/// the controllers stop counting it the moment it is marked.
/// </summary>
public class PodTerminationTests
{
    static readonly ResourceKind Pods = ResourceKinds.Pods;
    static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(1);

    static string? Image(JsonObject pod) => pod.At("spec", "containers").Objects().First()["image"].AsString();

    static JsonObject Container(JsonObject pod) => pod.At("status", "containerStatuses").Objects().Single();

    static JsonObject WithReadinessProbe(JsonObject pod)
    {
        var container = (JsonObject)pod.At("spec", "containers")!.AsArray()[0]!;
        container["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = 8080 } };
        return pod;
    }

    static List<(string Reason, string Message)> Events(ClusterHarness h, string pod) =>
        h.EventsFor(pod).OrderBy(e => e.Name(), StringComparer.Ordinal).Select(e => (Str(e, "reason")!, Str(e, "message")!)).ToList();

    /// <summary>Every change to the pods since <paramref name="watch"/> started, in order.</summary>
    static List<StoreEvent> Drain(WatchSubscription watch, string? pod = null)
    {
        var events = new List<StoreEvent>();
        while (watch.Events.TryRead(out var e))
            if (pod is null || e.Name == pod) events.Add(e);
        return events;
    }

    static async Task<ClusterHarness> RunningPod(JsonObject pod, TimeSpan stopDelay)
    {
        var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: stopDelay);
        h.Create(Pods, pod);
        await h.AdvanceAsync(StartDelay);
        PodUtil.IsReady(h.Get(Pods, pod.Name())).ShouldBeTrue();
        return h;
    }

    [Fact]
    public async Task Delete_RunningPodWithAReadinessProbe_StopsItsContainersThenTheKubeletRemovesIt()
    {
        await using var h = await RunningPod(WithReadinessProbe(Pod("web", "nginx:1.25")), stopDelay: TimeSpan.FromSeconds(5));
        using var watch = h.Store.Watch(Pods, "default", h.Store.ResourceVersion);
        var deletedAt = h.Now;

        h.Store.Delete(Pods, "default", "web");
        await h.IdleAsync();

        var pod = h.Get(Pods, "web");
        Str(pod, "metadata", "deletionTimestamp").ShouldBe(Js.Timestamp(deletedAt.AddSeconds(30)));
        Int(pod, "metadata", "deletionGracePeriodSeconds").ShouldBe(30);
        Str(pod, "status", "phase").ShouldBe("Running");
        Str(Condition(pod, "Ready")!, "status").ShouldBe("False");
        Str(Condition(pod, "Ready")!, "message").ShouldBe("containers with unready status: [app]");
        Container(pod).At("state", "running").ShouldNotBeNull();
        Events(h, "web").ShouldContain(("Killing", "Stopping container app"));

        await h.AdvanceAsync(TimeSpan.FromSeconds(4));
        h.Store.Get(Pods, "default", "web").ShouldNotBeNull();
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        h.Store.Get(Pods, "default", "web").ShouldBeNull();

        var changes = Drain(watch, "web");
        changes.Select(e => e.Type).ShouldBe([StoreEventType.Modified, StoreEventType.Modified, StoreEventType.Modified, StoreEventType.Deleted]);
        var terminal = changes[2].Object;
        Str(terminal, "status", "phase").ShouldBe("Succeeded");
        Str(Condition(terminal, "Ready")!, "reason").ShouldBe("PodCompleted");
        Str(Condition(terminal, "PodReadyToStartContainers")!, "status").ShouldBe("False");
        var stopped = (JsonObject)Container(terminal).At("state", "terminated")!;
        Int(stopped, "exitCode").ShouldBe(0);
        Str(stopped, "reason").ShouldBe("Completed");
        Str(stopped, "finishedAt").ShouldBe(Js.Timestamp(deletedAt.AddSeconds(5)));
        Int(changes[3].Object, "metadata", "deletionGracePeriodSeconds").ShouldBe(0);
        h.Manager.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Delete_RunningPodWithoutAReadinessProbe_StaysReadyUntilItsContainersStop()
    {
        await using var h = await RunningPod(Pod("web", "nginx:1.25"), stopDelay: TimeSpan.FromSeconds(5));

        h.Store.Delete(Pods, "default", "web");
        await h.IdleAsync();

        var pod = h.Get(Pods, "web");
        pod.IsDeleting().ShouldBeTrue();
        PodUtil.IsReady(pod).ShouldBeTrue();
        Container(pod)["ready"].AsBool().ShouldBeTrue();
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        h.Store.Get(Pods, "default", "web").ShouldBeNull();
    }

    [Fact]
    public async Task Delete_StopDelayBeyondTheGracePeriod_KillsAtTheDeadlineWithExitCode137()
    {
        await using var h = await RunningPod(Pod("web", "nginx:1.25"), stopDelay: TimeSpan.FromSeconds(10));
        using var watch = h.Store.Watch(Pods, "default", h.Store.ResourceVersion);

        h.Store.Delete(Pods, "default", "web", new DeleteOptions(GracePeriodSeconds: 2));
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));

        h.Store.Get(Pods, "default", "web").ShouldBeNull();
        var terminal = Drain(watch, "web").Last(e => e.Type == StoreEventType.Modified).Object;
        Str(terminal, "status", "phase").ShouldBe("Failed");
        Str(Condition(terminal, "Ready")!, "reason").ShouldBe("PodFailed");
        Int(Container(terminal), "state", "terminated", "exitCode").ShouldBe(137);
        Str(Container(terminal), "state", "terminated", "reason").ShouldBe("Error");
    }

    [Fact]
    public async Task Delete_AgainWithAShorterGracePeriod_TheKubeletStopsAtTheNewDeadline()
    {
        await using var h = await RunningPod(Pod("web", "nginx:1.25"), stopDelay: TimeSpan.FromSeconds(20));
        h.Store.Delete(Pods, "default", "web");
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));

        var shortened = h.Store.Delete(Pods, "default", "web", new DeleteOptions(GracePeriodSeconds: 3));
        await h.AdvanceAsync(TimeSpan.FromSeconds(2));
        var stillThere = h.Store.Get(Pods, "default", "web");
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));

        Int(shortened, "metadata", "deletionGracePeriodSeconds").ShouldBe(3);
        stillThere.ShouldNotBeNull();
        h.Store.Get(Pods, "default", "web").ShouldBeNull();
    }

    [Fact]
    public async Task Delete_GracePeriodZero_RemovesAtOnceAndTheKubeletStillStopsTheContainers()
    {
        await using var h = await RunningPod(Pod("web", "nginx:1.25"), stopDelay: TimeSpan.FromSeconds(5));

        h.Store.Delete(Pods, "default", "web", DeleteOptions.Now);
        await h.IdleAsync();

        h.Store.Get(Pods, "default", "web").ShouldBeNull();
        Events(h, "web").ShouldContain(("Killing", "Stopping container app"));
    }

    [Fact]
    public async Task Delete_DefaultStopDelayOfZero_OneTerminatingWriteThenTheKubeletRemovesIt()
    {
        await using var h = await RunningPod(Pod("web", "nginx:1.25"), stopDelay: TimeSpan.Zero);
        using var watch = h.Store.Watch(Pods, "default", h.Store.ResourceVersion);

        h.Store.Delete(Pods, "default", "web");
        await h.IdleAsync();

        var changes = Drain(watch, "web");
        changes.Select(e => e.Type).ShouldBe([StoreEventType.Modified, StoreEventType.Deleted]);
        changes[0].Object.IsDeleting().ShouldBeTrue();
        Events(h, "web").Count(e => e.Reason == "Killing").ShouldBe(1);
    }

    [Fact]
    public async Task Delete_PodStillCreatingContainers_GoesWithoutWaitingForTheStopDelay()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(30), podStopDelay: TimeSpan.FromSeconds(5));
        h.Create(Pods, Pod("web", "nginx:1.25"));
        await h.WaitForAsync(Pods, "web", p => p.At("status", "containerStatuses") is not null);

        h.Store.Delete(Pods, "default", "web");
        await h.IdleAsync();

        h.Store.Get(Pods, "default", "web").ShouldBeNull();
        Events(h, "web").ShouldNotContain(e => e.Reason == "Killing");
    }

    [Fact]
    public async Task ScaleDown_TerminatingPodsAreNotReplicas()
    {
        await using var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: TimeSpan.FromSeconds(10));
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 3));
        await h.AdvanceAsync(StartDelay);

        h.Update(ResourceKinds.Deployments, "web", d => d["spec"]!["replicas"] = 1);
        await h.IdleAsync();

        var pods = h.List(Pods);
        pods.Count.ShouldBe(3);
        pods.Count(p => p.IsDeleting()).ShouldBe(2);
        var rs = h.List(ResourceKinds.ReplicaSets).Single();
        var deployment = h.Get(ResourceKinds.Deployments, "web");
        foreach (var status in new[] { rs["status"]!.AsObject(), deployment["status"]!.AsObject() })
        {
            Int(status, "replicas").ShouldBe(1);
            Int(status, "readyReplicas").ShouldBe(1);
            Int(status, "availableReplicas").ShouldBe(1);
            // status.terminatingReplicas is behind DeploymentReplicaSetTerminatingReplicas, alpha and off in 1.33.
            status.ContainsKey("terminatingReplicas").ShouldBeFalse();
        }

        await h.AdvanceAsync(TimeSpan.FromSeconds(10));
        h.List(Pods).ShouldHaveSingleItem().IsDeleting().ShouldBeFalse();
    }

    [Fact]
    public async Task RollingUpdate_ReplacedPodsTerminateWhileTheRolloutCompletes()
    {
        await using var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: TimeSpan.FromSeconds(3));
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 2));
        await h.AdvanceAsync(StartDelay);
        using var watch = h.Store.Watch(Pods, "default", h.Store.ResourceVersion);

        h.Update(ResourceKinds.Deployments, "web", d => SetImage(d, "nginx:1.26"));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));

        var terminating = Drain(watch).Where(e => e.Type == StoreEventType.Modified && e.Object.IsDeleting()).Select(e => e.Name).Distinct().ToList();
        terminating.Count.ShouldBe(2);
        var pods = h.List(Pods);
        pods.Count.ShouldBe(2);
        pods.ShouldAllBe(p => !p.IsDeleting() && PodUtil.IsReady(p) && Image(p) == "nginx:1.26");
        pods.Select(p => p.Name()).ShouldNotContain(n => terminating.Contains(n));
        var d = h.Get(ResourceKinds.Deployments, "web");
        Int(d, "status", "updatedReplicas").ShouldBe(2);
        Int(d, "status", "availableReplicas").ShouldBe(2);
        h.Manager.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Recreate_NewPodsWaitUntilTheOldOnesAreGone()
    {
        await using var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: TimeSpan.FromSeconds(5));
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 2, d => d["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" }));
        await h.AdvanceAsync(StartDelay);

        h.Update(ResourceKinds.Deployments, "web", d => SetImage(d, "nginx:1.26"));
        await h.IdleAsync();
        var during = h.List(Pods);
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        var after = h.List(Pods);

        during.Count.ShouldBe(2);
        during.ShouldAllBe(p => p.IsDeleting());
        after.Count.ShouldBe(2);
        after.ShouldAllBe(p => !p.IsDeleting() && Image(p) == "nginx:1.26");
    }

    [Fact]
    public async Task StatefulSet_DeletedPod_IsCreatedAgainOnlyOnceTheOldOneIsGone()
    {
        await using var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: TimeSpan.FromSeconds(5));
        h.Create(ResourceKinds.StatefulSets, StatefulSet("db", "postgres:16", replicas: 2));
        await h.AdvanceAsync(StartDelay);
        await h.AdvanceAsync(StartDelay);
        var old = h.Get(Pods, "db-1");

        h.Store.Delete(Pods, "default", "db-1");
        await h.IdleAsync();
        var during = h.Get(Pods, "db-1");
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));

        during.Uid().ShouldBe(old.Uid());
        during.IsDeleting().ShouldBeTrue();
        var replacement = h.Get(Pods, "db-1");
        replacement.Uid().ShouldNotBe(old.Uid());
        replacement.IsDeleting().ShouldBeFalse();
    }

    [Fact]
    public async Task DaemonSet_RollingUpdate_ReplacesAPodOnlyOnceTheOldOneHasStopped()
    {
        await using var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: TimeSpan.FromSeconds(5), nodes: 2);
        h.Create(ResourceKinds.DaemonSets, DaemonSet("agent", "fluent-bit:3.0"));
        await h.AdvanceAsync(StartDelay);

        h.Update(ResourceKinds.DaemonSets, "agent", d => SetImage(d, "fluent-bit:3.1"));
        await h.IdleAsync();
        var during = h.List(Pods);
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(1));
        var after = h.List(Pods);

        during.Count.ShouldBe(2);
        during.Count(p => p.IsDeleting()).ShouldBe(1);
        during.ShouldAllBe(p => Image(p) == "fluent-bit:3.0");
        after.Count.ShouldBe(2);
        after.ShouldAllBe(p => !p.IsDeleting() && Image(p) == "fluent-bit:3.1");
    }

    [Fact]
    public async Task DeploymentDeleted_ItsPodsTerminateThenGo()
    {
        await using var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: TimeSpan.FromSeconds(5));
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 2));
        await h.AdvanceAsync(StartDelay);

        h.Store.Delete(ResourceKinds.Deployments, "default", "web");
        await h.IdleAsync();
        var during = h.List(Pods);
        await h.AdvanceAsync(TimeSpan.FromSeconds(5));

        h.List(ResourceKinds.ReplicaSets).ShouldBeEmpty();
        during.Count.ShouldBe(2);
        during.ShouldAllBe(p => p.IsDeleting());
        h.List(Pods).ShouldBeEmpty();
    }

    [Fact]
    public async Task NamespaceDeleted_ItsPodsGoAtOnceWhateverTheStopDelay()
    {
        await using var h = WithFakeClock(podStartDelay: StartDelay, podStopDelay: TimeSpan.FromSeconds(30));
        h.Create(ResourceKinds.Namespaces, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "team" } });
        h.Create(ResourceKinds.Deployments, Deployment("web", "nginx:1.25", replicas: 2, d => d["metadata"]!["namespace"] = "team"));
        await h.AdvanceAsync(StartDelay);
        h.List(Pods, "team").Count.ShouldBe(2);

        h.Store.Delete(ResourceKinds.Namespaces, null, "team");
        await h.IdleAsync();

        h.List(Pods, "team").ShouldBeEmpty();
        h.List(ResourceKinds.Deployments, "team").ShouldBeEmpty();
    }
}
