using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;
using static Hoist.Sandbox.Tests.Controllers.ClusterHarness;

namespace Hoist.Sandbox.Tests.Controllers;

public class DeploymentControllerTests
{
    static readonly ResourceKind Deployments = ResourceKinds.Deployments;
    static readonly ResourceKind ReplicaSets = ResourceKinds.ReplicaSets;

    static bool RolledOut(JsonObject d, int replicas) =>
        Int(d, "status", "observedGeneration") >= d.Generation()
        && Int(d, "status", "updatedReplicas") == replicas && Int(d, "status", "replicas") == replicas
        && Int(d, "status", "availableReplicas") == replicas
        && Str(Condition(d, "Progressing") ?? [], "reason") == "NewReplicaSetAvailable";

    static List<string> Messages(ClusterHarness h, string involved, string? reason = null) =>
        h.EventsFor(involved).Where(e => reason is null || Str(e, "reason") == reason)
            .OrderBy(e => e.Name(), StringComparer.Ordinal).Select(e => Str(e, "message")!).ToList();

    static JsonObject ReplicaSetWithRevision(ClusterHarness h, string revision) =>
        h.List(ReplicaSets).Single(r => r.Annotations().GetValueOrDefault("deployment.kubernetes.io/revision") == revision);

    [Fact]
    public async Task Create_ThreeReplicasNoStartDelay_CompletesWithNewReplicaSetAvailable()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25"));

        var d = await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 3));

        var rs = h.List(ReplicaSets).ShouldHaveSingleItem();
        var hash = rs.Labels()["pod-template-hash"];
        rs.Name().ShouldBe($"web-{hash}");
        hash.ShouldMatch("^[4-9bcdf]{1,10}$");
        rs.Annotations()["deployment.kubernetes.io/revision"].ShouldBe("1");
        rs.Annotations()["deployment.kubernetes.io/desired-replicas"].ShouldBe("3");
        rs.Annotations()["deployment.kubernetes.io/max-replicas"].ShouldBe("4");
        rs.At("spec", "selector", "matchLabels", "pod-template-hash").AsString().ShouldBe(hash);
        d.Annotations()["deployment.kubernetes.io/revision"].ShouldBe("1");
        d.Generation().ShouldBe(1);
        var available = Condition(d, "Available")!;
        Str(available, "status").ShouldBe("True");
        Str(available, "reason").ShouldBe("MinimumReplicasAvailable");
        Str(available, "message").ShouldBe("Deployment has minimum availability.");
        var progressing = Condition(d, "Progressing")!;
        Str(progressing, "status").ShouldBe("True");
        Str(progressing, "message").ShouldBe($"ReplicaSet \"{rs.Name()}\" has successfully progressed.");
        h.PodsOf(rs).Count.ShouldBe(3);
        h.PodsOf(rs).ShouldAllBe(p => p.Name().StartsWith(rs.Name() + "-") && p.Labels()["pod-template-hash"] == hash);
        Messages(h, "web", "ScalingReplicaSet").ShouldBe([$"Scaled up replica set {rs.Name()} from 0 to 3"]);
        h.Manager.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_SameTemplateTwice_GivesTheSameReplicaSetName()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("a", "nginx:1.25"));
        h.Create(Deployments, Deployment("b", "nginx:1.25", configure: d => d["metadata"]!["namespace"] = "default"));
        await h.WaitForAsync(Deployments, "a", x => RolledOut(x, 3));
        await h.WaitForAsync(Deployments, "b", x => RolledOut(x, 3));

        var hashes = h.List(ReplicaSets).Select(r => r.Labels()["pod-template-hash"]).ToList();

        // Same template except the app label, so the hashes differ; the hash is a pure function of the template.
        hashes.Distinct().Count().ShouldBe(2);
        Hashing.PodTemplateHash(h.Get(Deployments, "a").At("spec", "template"), null).ShouldBe(hashes[0]);
    }

    [Fact]
    public async Task RollingUpdate_FourReplicas_NeverExceedsSurgeOrDropsBelowMinAvailable()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(2));
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 4));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 4));
        var oldRs = h.List(ReplicaSets).Single().Name();

        var seen = new List<(int Replicas, int Updated, int Available)>();
        var messages = new List<string>();
        using var watch = h.Store.Watch(Deployments, "default", h.Store.ResourceVersion);
        h.Update(Deployments, "web", d => SetImage(d, "nginx:1.26"));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));
        var final = await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 4));
        while (watch.Events.TryRead(out var e))
        {
            messages.Add(RolloutStatusMessage(e.Object));
            if (Int(e.Object, "status", "observedGeneration") >= e.Object.Generation())
                seen.Add((Int(e.Object, "status", "replicas"), Int(e.Object, "status", "updatedReplicas"), Int(e.Object, "status", "availableReplicas")));
        }

        seen.ShouldNotBeEmpty();
        seen.ShouldAllBe(s => s.Replicas <= 5, "4 replicas with maxSurge 25% (=1) allow at most 5 pods");
        seen.ShouldAllBe(s => s.Available >= 3, "maxUnavailable 25% (=1) keeps at least 3 available");
        seen.Select(s => s.Updated).ShouldBeInOrder(SortDirection.Ascending);
        var newRs = ReplicaSetWithRevision(h, "2").Name();
        // The surge budget (1) and the unavailability budget (1) are both spent at once: 3 old + 2 new = 5 pods;
        // when the two new pods are available, 3 + 2 - minAvailable(3) = 2 old pods may go, and so on.
        Messages(h, "web", "ScalingReplicaSet").Skip(1).ShouldBe([
            $"Scaled up replica set {newRs} from 0 to 1",
            $"Scaled down replica set {oldRs} to 3 from 4",
            $"Scaled up replica set {newRs} to 2 from 1",
            $"Scaled down replica set {oldRs} to 1 from 3",
            $"Scaled up replica set {newRs} to 4 from 2",
            $"Scaled down replica set {oldRs} to 0 from 1",
        ]);
        messages.ShouldContain("Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...");
        final.Annotations()["deployment.kubernetes.io/revision"].ShouldBe("2");
        Int(h.Get(ReplicaSets, oldRs), "spec", "replicas").ShouldBe(0);
        h.Manager.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task RollingUpdate_TwoReplicas_StatusGoesThroughKubectlsWaitingStates()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(2));
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 2));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 2));

        using var watch = h.Store.Watch(Deployments, "default", h.Store.ResourceVersion);
        h.Update(Deployments, "web", d => SetImage(d, "nginx:1.26"));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        var messages = new List<string>();
        while (watch.Events.TryRead(out var e))
        {
            var m = RolloutStatusMessage(e.Object);
            if (messages.Count == 0 || messages[^1] != m) messages.Add(m);
        }

        // 2 replicas at 25%/25% surge by one and never go below two available, so the old pod goes last.
        messages.ShouldBe([
            "Waiting for deployment spec update to be observed...",
            "Waiting for deployment \"web\" rollout to finish: 0 out of 2 new replicas have been updated...",
            "Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated...",
            "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...",
            "deployment \"web\" successfully rolled out",
        ]);
        var d = h.Get(Deployments, "web");
        Str(Condition(d, "Progressing")!, "reason").ShouldBe("NewReplicaSetAvailable");
        Str(Condition(d, "Available")!, "status").ShouldBe("True");
    }

    [Fact]
    public async Task RollingUpdate_MaxSurgeZero_ReplacesPodsBeforeTheyAreAvailable()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.FromSeconds(2));
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 2, d =>
            d["spec"]!["strategy"]!["rollingUpdate"] = new JsonObject { ["maxSurge"] = 0, ["maxUnavailable"] = 1 }));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 2));

        using var watch = h.Store.Watch(Deployments, "default", h.Store.ResourceVersion);
        h.Update(Deployments, "web", d => SetImage(d, "nginx:1.26"));
        await h.AdvanceInStepsAsync(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(1));
        var messages = new List<string>();
        var maxPods = 0;
        while (watch.Events.TryRead(out var e))
        {
            messages.Add(RolloutStatusMessage(e.Object));
            maxPods = Math.Max(maxPods, Int(e.Object, "status", "replicas"));
        }

        maxPods.ShouldBe(2);
        messages.ShouldContain("Waiting for deployment \"web\" rollout to finish: 1 of 2 updated replicas are available...");
        messages[^1].ShouldBe("deployment \"web\" successfully rolled out");
    }

    /// <summary>kubectl's DeploymentStatusViewer (§1), to see the rollout as kubectl rollout status prints it.</summary>
    static string RolloutStatusMessage(JsonObject d)
    {
        var name = d.Name();
        if (d.Generation() > Int(d, "status", "observedGeneration")) return "Waiting for deployment spec update to be observed...";
        if (Str(Condition(d, "Progressing") ?? [], "reason") == "ProgressDeadlineExceeded") return $"deployment \"{name}\" exceeded its progress deadline";
        int replicas = Int(d, "spec", "replicas"), updated = Int(d, "status", "updatedReplicas"), total = Int(d, "status", "replicas"), available = Int(d, "status", "availableReplicas");
        if (updated < replicas) return $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated...";
        if (total > updated) return $"Waiting for deployment \"{name}\" rollout to finish: {total - updated} old replicas are pending termination...";
        if (available < updated) return $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...";
        return $"deployment \"{name}\" successfully rolled out";
    }

    [Fact]
    public async Task RollingUpdate_NonexistentImageTwoReplicas_KeepsOldPodsServing()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 2));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 2));
        var oldRs = h.List(ReplicaSets).Single();

        h.Update(Deployments, "web", d => SetImage(d, "nginx:nonexistent"));
        var d = await h.WaitForAsync(Deployments, "web", x =>
            x.Generation() == Int(x, "status", "observedGeneration") && Int(x, "status", "updatedReplicas") == 1);
        await h.IdleAsync();
        d = h.Get(Deployments, "web");

        Int(d, "status", "replicas").ShouldBe(3);
        Int(d, "status", "updatedReplicas").ShouldBe(1);
        Int(d, "status", "availableReplicas").ShouldBe(2);
        Int(d, "status", "unavailableReplicas").ShouldBe(1);
        Str(Condition(d, "Available")!, "status").ShouldBe("True");
        var progressing = Condition(d, "Progressing")!;
        Str(progressing, "status").ShouldBe("True");
        Str(progressing, "reason").ShouldBe("ReplicaSetUpdated");
        var newRs = ReplicaSetWithRevision(h, "2");
        Str(progressing, "message").ShouldBe($"ReplicaSet \"{newRs.Name()}\" is progressing.");
        h.PodsOf(oldRs).Count.ShouldBe(2);
        h.PodsOf(oldRs).ShouldAllBe(p => PodUtil.IsReady(p));
        var badPod = h.PodsOf(newRs).ShouldHaveSingleItem();
        Str(badPod, "status", "phase").ShouldBe("Pending");
        RolloutStatusMessage(d).ShouldBe("Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated...");
    }

    [Fact]
    public async Task ProgressDeadline_NoProgress_SetsProgressDeadlineExceeded()
    {
        await using var h = WithFakeClock(podStartDelay: TimeSpan.Zero);
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 2, d => d["spec"]!["progressDeadlineSeconds"] = 30));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 2));
        h.Update(Deployments, "web", d => SetImage(d, "nginx:nonexistent"));
        await h.WaitForAsync(Deployments, "web", x => Int(x, "status", "updatedReplicas") == 1);

        await h.AdvanceAsync(TimeSpan.FromSeconds(20));
        Str(Condition(h.Get(Deployments, "web"), "Progressing")!, "reason").ShouldBe("ReplicaSetUpdated");
        await h.AdvanceAsync(TimeSpan.FromSeconds(11));

        var d = await h.WaitForAsync(Deployments, "web", x => Str(Condition(x, "Progressing") ?? [], "reason") == "ProgressDeadlineExceeded");
        var progressing = Condition(d, "Progressing")!;
        Str(progressing, "status").ShouldBe("False");
        Str(progressing, "message").ShouldBe($"ReplicaSet \"{ReplicaSetWithRevision(h, "2").Name()}\" has timed out progressing.");
        RolloutStatusMessage(d).ShouldBe("deployment \"web\" exceeded its progress deadline");
        Int(d, "status", "availableReplicas").ShouldBe(2);
    }

    [Fact]
    public async Task Rollback_TemplateOfAnOldReplicaSet_ReusesItWithBumpedRevision()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 2));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 2));
        var first = h.List(ReplicaSets).Single().Name();
        h.Update(Deployments, "web", d => SetImage(d, "nginx:1.26"));
        await h.WaitForAsync(Deployments, "web", x => x.Annotations().GetValueOrDefault("deployment.kubernetes.io/revision") == "2" && RolledOut(x, 2));

        // What kubectl rollout undo sends: the old ReplicaSet's template without pod-template-hash, as typed Go marshals it.
        var template = (JsonObject)h.Get(ReplicaSets, first).At("spec", "template")!.DeepClone();
        ((JsonObject)template.At("metadata", "labels")!).Remove("pod-template-hash");
        template.Obj("metadata")["creationTimestamp"] = null;
        h.Update(Deployments, "web", d => d["spec"]!["template"] = template);
        var d = await h.WaitForAsync(Deployments, "web", x => x.Annotations().GetValueOrDefault("deployment.kubernetes.io/revision") == "3" && RolledOut(x, 2));

        h.List(ReplicaSets).Count.ShouldBe(2);
        var reused = h.Get(ReplicaSets, first);
        reused.Annotations()["deployment.kubernetes.io/revision"].ShouldBe("3");
        reused.Annotations()["deployment.kubernetes.io/revision-history"].ShouldBe("1");
        Int(reused, "spec", "replicas").ShouldBe(2);
        Int(ReplicaSetWithRevision(h, "2"), "spec", "replicas").ShouldBe(0);
        Str(Condition(d, "Progressing")!, "message").ShouldBe($"ReplicaSet \"{first}\" has successfully progressed.");
    }

    [Fact]
    public async Task RevisionHistoryLimit_ManyRollouts_KeepsOnlyTheNewestOldReplicaSets()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.0", replicas: 1, d => d["spec"]!["revisionHistoryLimit"] = 2));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 1));
        for (var v = 1; v <= 4; v++)
        {
            var image = $"nginx:1.{v}";
            h.Update(Deployments, "web", d => SetImage(d, image));
            var revision = (v + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await h.WaitForAsync(Deployments, "web", x => x.Annotations().GetValueOrDefault("deployment.kubernetes.io/revision") == revision && RolledOut(x, 1));
        }
        await h.WaitUntilAsync(() => h.List(ReplicaSets).Count == 3, "old ReplicaSets cleaned up");

        h.List(ReplicaSets).Select(r => r.Annotations()["deployment.kubernetes.io/revision"]).Order().ShouldBe(["3", "4", "5"]);
    }

    [Fact]
    public async Task Recreate_ImageChange_ScalesOldToZeroBeforeCreatingNew()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 3, d => d["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" }));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 3));
        var oldRs = h.List(ReplicaSets).Single().Name();

        h.Update(Deployments, "web", d => SetImage(d, "nginx:1.26"));
        await h.WaitForAsync(Deployments, "web", x => x.Annotations().GetValueOrDefault("deployment.kubernetes.io/revision") == "2" && RolledOut(x, 3));

        var newRs = ReplicaSetWithRevision(h, "2").Name();
        newRs.ShouldNotBe(oldRs);
        Messages(h, "web", "ScalingReplicaSet").Skip(1).ShouldBe([
            $"Scaled down replica set {oldRs} to 0 from 3",
            $"Scaled up replica set {newRs} from 0 to 3",
        ]);
    }

    [Fact]
    public async Task Paused_ImageChange_DoesNotRollOutUntilResumed()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 2));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 2));

        h.Update(Deployments, "web", d => d["spec"]!["paused"] = true);
        h.Update(Deployments, "web", d => SetImage(d, "nginx:1.26"));
        var d = await h.WaitForAsync(Deployments, "web", x => x.Generation() == Int(x, "status", "observedGeneration"));
        await h.IdleAsync();
        d = h.Get(Deployments, "web");

        var progressing = Condition(d, "Progressing")!;
        Str(progressing, "status").ShouldBe("Unknown");
        Str(progressing, "reason").ShouldBe("DeploymentPaused");
        Str(progressing, "message").ShouldBe("Deployment is paused");
        h.List(ReplicaSets).Count.ShouldBe(1);
        Int(d, "status", "updatedReplicas").ShouldBe(0);

        h.Update(Deployments, "web", x => x["spec"]!["paused"] = false);
        d = await h.WaitForAsync(Deployments, "web", x => x.Annotations().GetValueOrDefault("deployment.kubernetes.io/revision") == "2" && RolledOut(x, 2));
        h.List(ReplicaSets).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Scale_ReplicasChanged_ScalesTheReplicaSetWithAnEvent()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 3));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 3));
        var rs = h.List(ReplicaSets).Single().Name();

        h.Update(Deployments, "web", d => d["spec"]!["replicas"] = 5);
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 5));
        h.Update(Deployments, "web", d => d["spec"]!["replicas"] = 1);
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 1));

        h.PodsOf(h.Get(ReplicaSets, rs)).Count.ShouldBe(1);
        h.Get(ReplicaSets, rs).Annotations()["deployment.kubernetes.io/desired-replicas"].ShouldBe("1");
        Messages(h, "web", "ScalingReplicaSet").ShouldBe([
            $"Scaled up replica set {rs} from 0 to 3",
            $"Scaled up replica set {rs} to 5 from 3",
            $"Scaled down replica set {rs} to 1 from 5",
        ]);
        Messages(h, rs, "SuccessfulDelete").Count.ShouldBe(4);
    }

    [Fact]
    public async Task Scale_DuringStuckRollout_SplitsProportionally()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 10));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 10));
        h.Update(Deployments, "web", d => SetImage(d, "nginx:nonexistent"));
        await h.WaitForAsync(Deployments, "web", x => Int(x, "status", "updatedReplicas") == 5 && Int(x, "status", "replicas") == 13);
        await h.IdleAsync();
        var oldRs = ReplicaSetWithRevision(h, "1");
        var newRs = ReplicaSetWithRevision(h, "2");
        // 10 replicas, surge 3, unavailable 2: old keeps 8, the new one surges to 5 (13 = 10 + 3).
        Int(oldRs, "spec", "replicas").ShouldBe(8);
        Int(newRs, "spec", "replicas").ShouldBe(5);

        h.Update(Deployments, "web", d => d["spec"]!["replicas"] = 20);
        await h.WaitUntilAsync(() => Int(ReplicaSetWithRevision(h, "1"), "spec", "replicas") + Int(ReplicaSetWithRevision(h, "2"), "spec", "replicas") == 25, "proportional scale to 20 + 5 surge");

        // getReplicaSetFraction: 8 * 25 / 13 = 15.38 -> 15, 5 * 25 / 13 = 9.6 -> 10.
        Int(ReplicaSetWithRevision(h, "1"), "spec", "replicas").ShouldBe(15);
        Int(ReplicaSetWithRevision(h, "2"), "spec", "replicas").ShouldBe(10);
    }

    [Fact]
    public async Task Create_NameTakenByAnotherReplicaSet_BumpsCollisionCountAndHashesAgain()
    {
        await using var h = WithRealClock();
        var deployment = Deployment("web", "nginx:1.25", replicas: 1);
        var hash = Hashing.PodTemplateHash(deployment.At("spec", "template"), null);
        var squatter = Deployment("other", "busybox:1.36", replicas: 0)["spec"]!.DeepClone().AsObject();
        h.Create(ReplicaSets, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"web-{hash}", ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["replicas"] = 0, ["selector"] = squatter["selector"]!.DeepClone(), ["template"] = squatter["template"]!.DeepClone() },
        });

        h.Create(Deployments, deployment);
        var d = await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 1));

        Int(d, "status", "collisionCount").ShouldBe(1);
        var owned = h.List(ReplicaSets).Single(r => r.IsControlledBy(d));
        owned.Name().ShouldBe($"web-{Hashing.PodTemplateHash(d.At("spec", "template"), 1)}");
        owned.Name().ShouldNotBe($"web-{hash}");
        h.Manager.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Delete_Deployment_GarbageCollectsReplicaSetsAndPods()
    {
        await using var h = WithRealClock();
        h.Create(Deployments, Deployment("web", "nginx:1.25", replicas: 3));
        await h.WaitForAsync(Deployments, "web", x => RolledOut(x, 3));
        h.List(ResourceKinds.Pods).Count.ShouldBe(3);

        h.Store.Delete(Deployments, "default", "web");

        await h.WaitUntilAsync(() => h.List(ReplicaSets).Count == 0 && h.List(ResourceKinds.Pods).Count == 0, "cascading deletion");
    }
}
