using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;
using static Hoist.Sandbox.Tests.Controllers.ClusterHarness;

namespace Hoist.Sandbox.Tests.Controllers;

public class PodLogTests
{
    static readonly ResourceKind Pods = ResourceKinds.Pods;

    static void AddSidecar(JsonObject pod) =>
        pod.At("spec", "containers")!.AsArray().Add(new JsonObject { ["name"] = "sidecar", ["image"] = "envoy:1.30" });

    [Fact]
    public async Task ReadLog_RunningContainer_ReturnsTheSameLinesEveryTime()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("web", "nginx:1.25"));
        await h.WaitForAsync(Pods, "web", p => PodUtil.IsReady(p));

        var log = h.Manager.ReadLog("default", "web", null, previous: false, tailLines: null);

        log.ShouldBe(h.Manager.ReadLog("default", "web", "app", previous: false, tailLines: null));
        log.ShouldStartWith("[app] starting nginx:1.25 in pod default/web (attempt 1)\n");
        log.ShouldEndWith("\n");
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(3);
        h.Manager.ReadLog("default", "web", null, false, tailLines: 1).ShouldBe("[app] ready\n");
        h.Manager.ReadLog("default", "web", null, false, tailLines: 0).ShouldBe("");
    }

    [Fact]
    public async Task ReadLog_SeveralContainersWithoutName_IsABadRequestListingThem()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("web", "nginx:1.25", p =>
        {
            AddSidecar(p);
            p["spec"]!["initContainers"] = new JsonArray(new JsonObject { ["name"] = "migrate", ["image"] = "busybox:1.36" });
        }));
        await h.WaitForAsync(Pods, "web", p => PodUtil.IsReady(p));

        var e = Should.Throw<ApiException>(() => h.Manager.ReadLog("default", "web", null, false, null));
        e.Code.ShouldBe(400);
        e.Message.ShouldBe("a container name must be specified for pod web, choose one of: [app sidecar] or one of the init containers: [migrate]");

        var unknown = Should.Throw<ApiException>(() => h.Manager.ReadLog("default", "web", "db", false, null));
        unknown.Code.ShouldBe(400);
        unknown.Message.ShouldBe("container db is not valid for pod web");

        h.Manager.ReadLog("default", "web", "sidecar", false, null).ShouldContain("envoy:1.30");
        h.Manager.ReadLog("default", "web", "migrate", false, null).ShouldContain("initialisation complete");
    }

    [Fact]
    public async Task ReadLog_Previous_WithoutATerminatedRun_IsABadRequest()
    {
        await using var h = WithRealClock();
        h.Create(Pods, Pod("web", "nginx:1.25"));
        await h.WaitForAsync(Pods, "web", p => PodUtil.IsReady(p));

        var e = Should.Throw<ApiException>(() => h.Manager.ReadLog("default", "web", "app", previous: true, null));
        e.Code.ShouldBe(400);
        e.Message.ShouldBe("previous terminated container \"app\" in pod \"web\" not found");
    }

    [Fact]
    public async Task ReadLog_CrashLoop_ShowsTheErrorAndThePreviousRun()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.Zero);
        h.Create(Pods, Pod("crash", "example/app:crashloop"));
        await h.WaitForAsync(Pods, "crash", p => p.At("status", "containerStatuses") is not null);
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));

        var current = h.Manager.ReadLog("default", "crash", null, previous: false, null);
        var previous = h.Manager.ReadLog("default", "crash", null, previous: true, null);

        current.ShouldContain("(attempt 2)");
        previous.ShouldContain("(attempt 1)");
        previous.ShouldContain("[app] exiting with code 1\n");
        h.Manager.ReadLog("default", "crash", null, previous: true, tailLines: 2)
            .ShouldBe("[app] fatal: required setting DATABASE_URL is empty\n[app] exiting with code 1\n");
    }

    [Fact]
    public async Task ReadLog_ImageNotPulled_SaysTheContainerIsWaiting()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.Zero);
        h.Create(Pods, Pod("bad", "nginx:nonexistent"));
        await h.WaitForAsync(Pods, "bad", p => p.At("status", "containerStatuses") is not null);

        Should.Throw<ApiException>(() => h.Manager.ReadLog("default", "bad", null, false, null))
            .Message.ShouldBe("container \"app\" in pod \"bad\" is waiting to start: image can't be pulled");
        await h.AdvanceAsync(TimeSpan.FromSeconds(1));
        Should.Throw<ApiException>(() => h.Manager.ReadLog("default", "bad", null, false, null))
            .Message.ShouldBe("container \"app\" in pod \"bad\" is waiting to start: trying and failing to pull image");
    }

    [Fact]
    public async Task ReadLog_UnknownPod_IsNotFound()
    {
        await using var h = WithRealClock();

        var e = Should.Throw<ApiException>(() => h.Manager.ReadLog("default", "ghost", null, false, null));

        e.Code.ShouldBe(404);
        e.Message.ShouldBe("pods \"ghost\" not found");
    }
}
