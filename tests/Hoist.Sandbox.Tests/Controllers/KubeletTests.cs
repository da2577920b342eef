using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;
using static Hoist.Sandbox.Tests.Controllers.ClusterHarness;

namespace Hoist.Sandbox.Tests.Controllers;

public class KubeletTests
{
    static readonly ResourceKind Pods = ResourceKinds.Pods;

    static JsonObject Status(JsonObject pod, string container = "app") =>
        pod.At("status", "containerStatuses").Objects().SingleOrDefault(c => Str(c, "name") == container) ?? [];

    static JsonObject InitStatus(JsonObject pod, string container) =>
        pod.At("status", "initContainerStatuses").Objects().SingleOrDefault(c => Str(c, "name") == container) ?? [];

    static string? Waiting(JsonObject containerStatus) => Str(containerStatus, "state", "waiting", "reason");

    static List<(string Reason, string Message, int Count, string Type)> Events(ClusterHarness h, string pod) =>
        h.EventsFor(pod).OrderBy(e => e.Name(), StringComparer.Ordinal)
            .Select(e => (Str(e, "reason")!, Str(e, "message")!, Int(e, "count"), Str(e, "type")!)).ToList();

    [Fact]
    public async Task Start_WithDelay_ShowsContainerCreatingThenRunningAndReady()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(5));
        h.Create(Pods, Pod("web", "nginx:1.25"));
        var pod = await h.WaitForAsync(Pods, "web", p => p.At("status", "containerStatuses") is not null);

        Str(pod, "status", "phase").ShouldBe("Pending");
        Waiting(Status(pod)).ShouldBe("ContainerCreating");
        Str(Condition(pod, "PodScheduled")!, "status").ShouldBe("True");
        Str(Condition(pod, "PodReadyToStartContainers")!, "status").ShouldBe("False");
        Str(Condition(pod, "Ready")!, "reason").ShouldBe("ContainersNotReady");
        Str(Condition(pod, "Ready")!, "message").ShouldBe("containers with unready status: [app]");
        Str(pod, "status", "startTime").ShouldNotBeNull();
        Str(pod, "spec", "nodeName").ShouldStartWith("sandbox-node-");

        await h.AdvanceAsync(TimeSpan.FromSeconds(5));
        pod = h.Get(Pods, "web");

        Str(pod, "status", "phase").ShouldBe("Running");
        Str(Condition(pod, "Ready")!, "status").ShouldBe("True");
        Str(Condition(pod, "ContainersReady")!, "status").ShouldBe("True");
        Str(Condition(pod, "Initialized")!, "status").ShouldBe("True");
        var c = Status(pod);
        c["ready"].AsBool().ShouldBeTrue();
        c["started"].AsBool().ShouldBeTrue();
        Str(c, "image").ShouldBe("docker.io/library/nginx:1.25");
        Str(c, "imageID")!.ShouldMatch("^docker\\.io/library/nginx@sha256:[0-9a-f]{64}$");
        Str(c, "containerID")!.ShouldMatch("^containerd://[0-9a-f]{64}$");
        Str(pod, "status", "podIP").ShouldStartWith("10.244.");
        Events(h, "web").Select(e => e.Reason).ShouldBe(["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
        Events(h, "web")[2].Message.ShouldMatch("^Successfully pulled image \"nginx:1.25\" in [0-9.]+m?s \\([0-9.]+m?s including waiting\\)\\. Image size: [0-9]+ bytes\\.$");
        Events(h, "web")[3].Message.ShouldBe("Created container: app");
    }

    [Fact]
    public async Task ImageDigest_IsDeterministicFromTheReference()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("a", "ghcr.io/acme/api:2.0"));
        h.Create(Pods, Pod("b", "ghcr.io/acme/api:2.0"));
        var a = await h.WaitForAsync(Pods, "a", p => PodUtil.IsReady(p));
        var b = await h.WaitForAsync(Pods, "b", p => PodUtil.IsReady(p));

        Str(Status(a), "imageID").ShouldBe(Str(Status(b), "imageID"));
        Str(Status(a), "imageID").ShouldStartWith("ghcr.io/acme/api@sha256:");
        Str(Status(a), "image").ShouldBe("ghcr.io/acme/api:2.0");
        Str(Status(a), "containerID").ShouldNotBe(Str(Status(b), "containerID"));
    }

    [Fact]
    public async Task NonexistentImage_AlternatesErrImagePullAndImagePullBackOff_WithDoublingBackOff()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.Zero);
        h.Create(Pods, Pod("bad", "nginx:nonexistent"));
        var pod = await h.WaitForAsync(Pods, "bad", p => Waiting(Status(p)) == "ErrImagePull");
        const string error = "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:nonexistent\": failed to resolve reference \"docker.io/library/nginx:nonexistent\": docker.io/library/nginx:nonexistent: not found";

        Str(Status(pod), "state", "waiting", "message").ShouldBe(error);
        Str(pod, "status", "phase").ShouldBe("Pending");
        Str(Status(pod), "image").ShouldBe("nginx:nonexistent");
        Str(Status(pod), "imageID").ShouldBe("");
        Status(pod)["containerID"].ShouldBeNull();
        Str(Condition(pod, "Ready")!, "reason").ShouldBe("ContainersNotReady");

        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        pod = h.Get(Pods, "bad");
        Waiting(Status(pod)).ShouldBe("ImagePullBackOff");
        Str(Status(pod), "state", "waiting", "message").ShouldBe($"Back-off pulling image \"nginx:nonexistent\": ErrImagePull: {error}");

        await h.AdvanceAsync(TimeSpan.FromSeconds(9));
        Waiting(Status(h.Get(Pods, "bad"))).ShouldBe("ErrImagePull");
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        Waiting(Status(h.Get(Pods, "bad"))).ShouldBe("ImagePullBackOff");
        // Second back-off is 20s from the second pull: nothing new at +18s, a third pull at +20s.
        await h.AdvanceAsync(TimeSpan.FromSeconds(18));
        Waiting(Status(h.Get(Pods, "bad"))).ShouldBe("ImagePullBackOff");
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        Waiting(Status(h.Get(Pods, "bad"))).ShouldBe("ErrImagePull");

        var events = Events(h, "bad");
        events.ShouldContain(("Pulling", "Pulling image \"nginx:nonexistent\"", 3, "Normal"));
        events.ShouldContain(("Failed", $"Failed to pull image \"nginx:nonexistent\": {error}", 3, "Warning"));
        events.ShouldContain(("Failed", "Error: ErrImagePull", 3, "Warning"));
        events.ShouldContain(("BackOff", "Back-off pulling image \"nginx:nonexistent\"", 2, "Normal"));
        events.ShouldContain(("Failed", "Error: ImagePullBackOff", 2, "Warning"));
        h.EventsFor("bad").Where(e => Str(e, "reason") == "Pulling").ShouldAllBe(e => Str(e, "involvedObject", "fieldPath") == "spec.containers{app}");
    }

    [Fact]
    public async Task NonexistentImage_OnOlderKubernetes_BackOffMessageHasNoPreviousError()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.Zero, kubeVersion: "1.28");
        h.Create(Pods, Pod("bad", "registry.example.com/team/nonexistent-app:1"));
        await h.WaitForAsync(Pods, "bad", p => Waiting(Status(p)) == "ErrImagePull");
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));

        var pod = h.Get(Pods, "bad");
        Str(Status(pod), "state", "waiting", "message").ShouldBe("Back-off pulling image \"registry.example.com/team/nonexistent-app:1\"");
        Events(h, "bad").ShouldContain(e => e.Message.Contains("pull access denied, repository does not exist or may require authorization", StringComparison.Ordinal));
        Condition(pod, "PodReadyToStartContainers").ShouldBeNull();
        Events(h, "bad").ShouldNotContain(e => e.Reason == "Created");
    }

    [Fact]
    public async Task CrashLoop_RestartsWithDoublingBackOff_AndRecordsLastState()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.Zero);
        var created = h.Create(Pods, Pod("crash", "example/app:crashloop"));
        var uid = created.Uid();
        await h.WaitForAsync(Pods, "crash", p => Str(Status(p), "state", "running", "startedAt") is not null);

        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        var pod = h.Get(Pods, "crash");
        // The first exit restarts at once (no back-off entry yet).
        Int(Status(pod), "restartCount").ShouldBe(1);
        Str(Status(pod), "state", "running", "startedAt").ShouldNotBeNull();
        Int(Status(pod), "lastState", "terminated", "exitCode").ShouldBe(1);
        Str(Status(pod), "lastState", "terminated", "reason").ShouldBe("Error");
        Str(Status(pod), "lastState", "terminated", "containerID").ShouldStartWith("containerd://");

        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        pod = h.Get(Pods, "crash");
        Waiting(Status(pod)).ShouldBe("CrashLoopBackOff");
        Str(Status(pod), "state", "waiting", "message").ShouldBe($"back-off 10s restarting failed container=app pod=crash_default({uid})");
        Int(Status(pod), "restartCount").ShouldBe(1);
        Str(pod, "status", "phase").ShouldBe("Running");
        Str(Condition(pod, "Ready")!, "status").ShouldBe("False");
        Str(Status(pod), "containerID").ShouldBe(Str(Status(pod), "lastState", "terminated", "containerID"));

        await h.AdvanceAsync(TimeSpan.FromSeconds(10));
        Int(Status(h.Get(Pods, "crash")), "restartCount").ShouldBe(2);
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        pod = h.Get(Pods, "crash");
        Str(Status(pod), "state", "waiting", "message").ShouldBe($"back-off 20s restarting failed container=app pod=crash_default({uid})");

        var backOff = h.EventsFor("crash").Where(e => Str(e, "reason") == "BackOff").ShouldHaveSingleItem();
        Int(backOff, "count").ShouldBe(2);
        Str(backOff, "type").ShouldBe("Warning");
        Str(backOff, "message").ShouldBe($"Back-off restarting failed container app in pod crash_default({uid})");
        Str(backOff, "firstTimestamp").ShouldNotBe(Str(backOff, "lastTimestamp"));
        Int(h.EventsFor("crash").Single(e => Str(e, "reason") == "Started"), "count").ShouldBe(3);
    }

    [Fact]
    public async Task Unready_RunsButNeverBecomesReady()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("slow", "example/app:unready"));
        var pod = await h.WaitForAsync(Pods, "slow", p => Str(p, "status", "phase") == "Running");
        await h.IdleAsync();
        pod = h.Get(Pods, "slow");

        Status(pod)["ready"].AsBool().ShouldBeFalse();
        Status(pod)["started"].AsBool().ShouldBeTrue();
        Str(Condition(pod, "Ready")!, "status").ShouldBe("False");
        Str(Condition(pod, "ContainersReady")!, "message").ShouldBe("containers with unready status: [app]");
        Events(h, "slow").ShouldContain(e => e.Reason == "Unhealthy" && e.Type == "Warning");
    }

    [Fact]
    public async Task ConfigError_WaitsWithCreateContainerConfigError()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("cfg", "example/app:configerror", p =>
            ((JsonObject)p.At("spec", "containers")!.AsArray()[0]!)["env"] = new JsonArray(new JsonObject
            {
                ["name"] = "DB",
                ["valueFrom"] = new JsonObject { ["configMapKeyRef"] = new JsonObject { ["name"] = "settings", ["key"] = "db-url" } },
            })));

        var pod = await h.WaitForAsync(Pods, "cfg", p => Waiting(Status(p)) == "CreateContainerConfigError");

        Str(Status(pod), "state", "waiting", "message").ShouldBe("couldn't find key db-url in ConfigMap default/settings");
        Str(pod, "status", "phase").ShouldBe("Pending");
        Events(h, "cfg").ShouldContain(("Failed", "Error: couldn't find key db-url in ConfigMap default/settings", 1, "Warning"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nginx::1")]
    [InlineData("Nginx:1")]
    public async Task InvalidImageReference_WaitsWithInvalidImageName(string image)
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("inv", image));

        var pod = await h.WaitForAsync(Pods, "inv", p => Waiting(Status(p)) == "InvalidImageName");

        Str(Status(pod), "state", "waiting", "message").ShouldBe($"Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": invalid reference format");
        Events(h, "inv").ShouldContain(e => e.Reason == "InspectFailed");
        Events(h, "inv").ShouldContain(("Failed", "Error: InvalidImageName", 1, "Warning"));
    }

    [Fact]
    public async Task InitContainers_RunFirstAndMustComplete()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("init", "nginx:1.25", p => p["spec"]!["initContainers"] = new JsonArray(
            new JsonObject { ["name"] = "migrate", ["image"] = "busybox:1.36" },
            new JsonObject { ["name"] = "seed", ["image"] = "busybox:1.36" })));

        var pod = await h.WaitForAsync(Pods, "init", p => PodUtil.IsReady(p));

        foreach (var name in new[] { "migrate", "seed" })
        {
            var s = InitStatus(pod, name);
            Int(s, "state", "terminated", "exitCode").ShouldBe(0);
            Str(s, "state", "terminated", "reason").ShouldBe("Completed");
            s["ready"].AsBool().ShouldBeTrue();
        }
        var started = h.EventsFor("init").Where(e => Str(e, "reason") == "Started").OrderBy(e => e.Name(), StringComparer.Ordinal)
            .Select(e => Str(e, "involvedObject", "fieldPath")).ToList();
        started.ShouldBe(["spec.initContainers{migrate}", "spec.initContainers{seed}", "spec.containers{app}"]);
    }

    [Fact]
    public async Task InitContainerWithBadImage_BlocksThePod()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("blocked", "nginx:1.25", p => p["spec"]!["initContainers"] = new JsonArray(
            new JsonObject { ["name"] = "migrate", ["image"] = "busybox:nonexistent" })));

        var pod = await h.WaitForAsync(Pods, "blocked", p => Waiting(InitStatus(p, "migrate")) == "ErrImagePull");

        Str(pod, "status", "phase").ShouldBe("Pending");
        Waiting(Status(pod)).ShouldBe("PodInitializing");
        var initialized = Condition(pod, "Initialized")!;
        Str(initialized, "status").ShouldBe("False");
        Str(initialized, "reason").ShouldBe("ContainersNotInitialized");
        Str(initialized, "message").ShouldBe("containers with incomplete status: [migrate]");
        h.EventsFor("blocked").ShouldAllBe(e => Str(e, "involvedObject", "fieldPath") != "spec.containers{app}");
    }

    [Fact]
    public async Task NodeSelectorMatchingNoNode_StaysPendingUnschedulable()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("stuck", "nginx:1.25", p => p["spec"]!["nodeSelector"] = new JsonObject { ["disktype"] = "ssd" }));

        var pod = await h.WaitForAsync(Pods, "stuck", p => Condition(p, "PodScheduled") is not null);

        const string message = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
        var scheduled = Condition(pod, "PodScheduled")!;
        Str(scheduled, "status").ShouldBe("False");
        Str(scheduled, "reason").ShouldBe("Unschedulable");
        Str(scheduled, "message").ShouldBe(message);
        Str(pod, "spec", "nodeName").ShouldBeNull();
        var e = h.EventsFor("stuck").ShouldHaveSingleItem();
        Str(e, "reason").ShouldBe("FailedScheduling");
        Str(e, "type").ShouldBe("Warning");
        Str(e, "message").ShouldBe(message);
        Str(e, "source", "component").ShouldBe("default-scheduler");
    }

    [Fact]
    public async Task Scheduler_SpreadsPodsOverNodes()
    {
        await using var h = WithRealClock();
        for (var i = 0; i < 6; i++) h.Create(Pods, Pod($"p{i}", "nginx:1.25"));

        await h.WaitUntilAsync(() => h.List(Pods).All(PodUtil.IsReady), "all pods ready");

        h.List(Pods).GroupBy(p => Str(p, "spec", "nodeName")).Select(g => g.Count()).ShouldAllBe(n => n == 2);
    }

    [Fact]
    public async Task PodImageChanged_RestartsTheContainerWithTheNewImage()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("web", "nginx:1.25"));
        await h.WaitForAsync(Pods, "web", p => PodUtil.IsReady(p));

        h.Update(Pods, "web", p => ((JsonObject)p.At("spec", "containers")!.AsArray()[0]!)["image"] = "nginx:1.26");
        var pod = await h.WaitForAsync(Pods, "web", p => Str(Status(p), "image") == "docker.io/library/nginx:1.26" && PodUtil.IsReady(p));

        Int(Status(pod), "restartCount").ShouldBe(1);
        Str(Status(pod), "lastState", "terminated", "reason").ShouldBe("Completed");
        Events(h, "web").ShouldContain(("Killing", "Container app definition changed, will be restarted", 1, "Normal"));
    }

    [Fact]
    public async Task ImageAlreadyOnNode_IsNotPulledAgain()
    {
        await using var h = WithRealClock(nodes: 1);
        h.Create(Pods, Pod("first", "nginx:1.25"));
        await h.WaitForAsync(Pods, "first", p => PodUtil.IsReady(p));
        h.Create(Pods, Pod("second", "nginx:1.25"));
        await h.WaitForAsync(Pods, "second", p => PodUtil.IsReady(p));

        Events(h, "second").Select(e => e.Reason).ShouldBe(["Scheduled", "Pulled", "Created", "Started"]);
        Events(h, "second")[1].Message.ShouldBe("Container image \"nginx:1.25\" already present on machine");
    }
}
