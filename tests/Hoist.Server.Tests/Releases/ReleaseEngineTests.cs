using System.Text.Json.Nodes;
using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Hoist.Server.Tests.Fakes;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Hoist.Server.Tests.Releases;

public class ReleaseEngineTests
{
    static readonly WorkloadRef Web = Build.Ref(WorkloadKind.Deployment, "web");

    static async Task<EngineHarness> WithWebAsync(Dictionary<string, string?>? settings = null, bool start = true)
    {
        var h = await EngineHarness.StartAsync(settings, start);
        h.Cluster.Add(Build.Deployment(image: "nginx:1.26"), newRevision: "h1", pods: Rollout.Pods("h1", "nginx:1.26"));
        return h;
    }

    [Fact]
    public async Task Engine_GoodImage_PatchesOnceAndSucceedsWhenTheRolloutCompletes()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));

        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Patches.Count.ShouldBe(1);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, statusReplicas: 4, updated: 1, available: 3), newRevision: "h2",
            pods: [.. Rollout.Pods("h1", "nginx:1.26"), Build.Pod("web-h2-1", "h2", "nginx:1.27", waiting: "ContainerCreating")]);
        await h.WaitForProgressAsync(release.Id, "1/3 updated, 3 available, 3 old, 1 waiting: ContainerCreating");
        h.Cluster.Update(Web, s => Rollout.Complete(s), pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);

        var stored = await h.GetAsync(release.Id);
        stored.Transitions.OrderBy(t => t.Id).Select(t => t.To).ShouldBe([ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Succeeded]);
        stored.StatusMessage.ShouldBe("deployment \"web\" successfully rolled out");
        stored.ImageBefore.ShouldBe("nginx:1.26");
        stored.RevisionBefore.ShouldBe("1");
        stored.RevisionAfter.ShouldBe("2");
        stored.PatchedGeneration.ShouldBe(2);
        stored.PatchSent.ShouldBe(h.Cluster.Patches[0].Body);
        var patch = JsonNode.Parse(stored.PatchSent!)!;
        patch["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.27");
        patch["metadata"]!["annotations"]!["hoist.dev/release-id"]!.GetValue<string>().ShouldBe(release.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        patch["metadata"]!["annotations"]!["kubernetes.io/change-cause"]!.GetValue<string>().ShouldBe($"Hoist release #{release.Id}: web nginx:1.26 → nginx:1.27 (shop-build-1 build 17)");
        stored.RunningDigest.ShouldBe("docker.io/library/nginx@sha256:" + new string('a', 64));
        stored.Pods.Count.ShouldBe(3);
        stored.Pods.ShouldAllBe(p => p.New && p.Ready && p.Revision == "h2");
        stored.FinishedAt.ShouldNotBeNull();

        var events = await h.EventsAsync(release.Id);
        events.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, events.Count).Select(i => (long)i));
        events[^1].Type.ShouldBe(ReleaseEvent.StatusType);
        events[^1].Status.ShouldBe(ReleaseStatus.Succeeded);
    }

    [Fact]
    public async Task Engine_SameImage_SucceedsWithoutPatching()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "docker.io/library/nginx:1.26"));

        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        var stored = await h.GetAsync(release.Id);
        stored.StatusMessage.ShouldBe("image unchanged: container \"web\" already runs nginx:1.26");
        stored.Transitions.OrderBy(t => t.Id).Select(t => t.To).ShouldBe([ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.Succeeded]);
        h.Cluster.Patches.ShouldBeEmpty();
    }

    [Fact]
    public async Task Engine_SameImageWithRestart_PatchesRestartedAtAndWaitsForTheRollout()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.26", restart: true));

        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        var patch = JsonNode.Parse(h.Cluster.Patches.Single().Body)!;
        patch["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>().ShouldBe("2025-06-01T12:00:00Z");
        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.26"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
    }

    [Theory]
    [InlineData("nope", "failed: Container not found — container \"nope\" does not exist in deployment/web; its containers are: web, sidecar; init containers: migrate")]
    public async Task Engine_UnknownContainer_FailsValidationWithoutPatching(string container, string message)
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27", container: container));

        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        var stored = await h.GetAsync(release.Id);
        stored.Reason.ShouldBe(FailureReason.ValidationFailed);
        stored.StatusMessage.ShouldBe(message);
        h.Cluster.Patches.ShouldBeEmpty();
    }

    [Fact]
    public async Task Engine_MissingNamespace_IsReportedByName()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Build.Ref(WorkloadKind.Deployment, "web", "prod"), "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        (await h.GetAsync(release.Id)).StatusMessage.ShouldBe("failed: Namespace not found — namespace \"prod\" does not exist in cloud account \"cluster-1\"");
    }

    [Fact]
    public async Task Engine_MissingCloudAccount_FailsTheRelease()
    {
        await using var h = await WithWebAsync();
        h.Connections.Missing.Add(9);
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27", cloudAccountId: 9));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        (await h.GetAsync(release.Id)).Reason.ShouldBe(FailureReason.ClusterUnreachable);
    }

    [Fact]
    public async Task Engine_ImagePullBackOffOnANewPod_FailsAfterTheGracePeriodWithTheCauseNamed()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27-typo"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);

        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), newRevision: "h2", pods:
        [
            .. Rollout.Pods("h1", "nginx:1.26"),
            Build.Pod("web-h2-1", "h2", "nginx:1.27-typo", waiting: "ImagePullBackOff", message: "Back-off pulling image \"nginx:1.27-typo\""),
        ]);
        await h.WaitForProgressAsync(release.Id, "waiting: ImagePullBackOff");
        h.Time.Advance(TimeSpan.FromSeconds(4));
        (await h.GetAsync(release.Id)).Status.ShouldBe(ReleaseStatus.RollingOut);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);

        var stored = await h.GetAsync(release.Id);
        stored.Reason.ShouldBe(FailureReason.ImagePullFailed);
        stored.StatusMessage.ShouldBe("failed: ImagePullBackOff — pod web-h2-1: Back-off pulling image \"nginx:1.27-typo\"");
        stored.Pods.Single(p => p.New).Reason.ShouldBe("ImagePullBackOff");
        stored.Pods.Count(p => !p.New).ShouldBe(3);
    }

    [Fact]
    public async Task Engine_FailureGracePeriod_IsAnOption()
    {
        await using var h = await WithWebAsync(new() { ["Engine:FailureGracePeriod"] = "00:00:00" });
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), newRevision: "h2",
            pods: [Build.Pod("web-h2-1", "h2", "nginx:1.27", waiting: "CreateContainerConfigError", message: "secret \"db\" not found")]);
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        (await h.GetAsync(release.Id)).Reason.ShouldBe(FailureReason.ContainerConfigError);
    }

    [Fact]
    public async Task Engine_FailingOldPods_DoNotFailTheRelease()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);

        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 2), newRevision: "h2", pods:
        [
            Build.Pod("web-h1-1", "h1", "nginx:1.26", waiting: "CrashLoopBackOff", restarts: 7, lastExit: 1),
            Build.Pod("web-h2-1", "h2", "nginx:1.27", waiting: "ContainerCreating"),
        ]);
        await h.WaitForProgressAsync(release.Id, "1/3 updated");
        h.Time.Advance(TimeSpan.FromSeconds(30));
        h.Cluster.Update(Web, s => Rollout.Complete(s), pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
    }

    [Fact]
    public async Task Engine_CrashLoop_KeepsExitCodeAndLastLogLines()
    {
        await using var h = await WithWebAsync();
        h.Cluster.Logs["web-h2-1/web"] = ["starting web", "listening on :8080", "panic: missing DATABASE_URL"];
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);

        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), newRevision: "h2",
            pods: [Build.Pod("web-h2-1", "h2", "nginx:1.27", waiting: "CrashLoopBackOff", message: "back-off 10s restarting failed container", restarts: 2, lastExit: 3)]);
        await h.WaitForProgressAsync(release.Id, "waiting: CrashLoopBackOff");
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);

        var stored = await h.GetAsync(release.Id);
        stored.Reason.ShouldBe(FailureReason.CrashLoop);
        stored.StatusMessage.ShouldBe("failed: CrashLoopBackOff — pod web-h2-1: container web exited with code 3 (Error), restarted 2 times; last log line: panic: missing DATABASE_URL");
        stored.FailureLog.ShouldBe("starting web\nlistening on :8080\npanic: missing DATABASE_URL");
        (await h.EventsAsync(release.Id)).ShouldContain(e => e.Type == ReleaseEvent.LogType && e.Message.Contains("panic: missing DATABASE_URL"));
    }

    [Fact]
    public async Task Engine_ProgressDeadlineExceeded_FailsAtOnce()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3, "2", new KubeCondition("Progressing", "False", "ProgressDeadlineExceeded", "ReplicaSet \"web-h2\" has timed out progressing.")));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        var stored = await h.GetAsync(release.Id);
        stored.Reason.ShouldBe(FailureReason.ProgressDeadlineExceeded);
        stored.StatusMessage.ShouldBe("failed: ProgressDeadlineExceeded — deployment web: ReplicaSet \"web-h2\" has timed out progressing.");
    }

    [Fact]
    public async Task Engine_NoProgress_TimesOutAfterTheReleaseTimeout()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), newRevision: "h2", pods: [Build.Pod("web-h2-1", "h2", "nginx:1.27", ready: false)]);
        await h.WaitForProgressAsync(release.Id, "1/3 updated");

        h.Time.Advance(TimeSpan.FromMinutes(9));
        (await h.GetAsync(release.Id)).Status.ShouldBe(ReleaseStatus.RollingOut);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.TimedOut);
        var stored = await h.GetAsync(release.Id);
        stored.Reason.ShouldBe(FailureReason.TimedOut);
        stored.StatusMessage.ShouldBe("timed out after 10m: Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated... (1/3 updated, 3 available, 3 old)");
    }

    [Fact]
    public async Task Engine_WorkloadDeletedDuringRollout_Fails()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        await h.Cluster.WatchOpened(Web);
        h.Cluster.Delete(Web);
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        (await h.GetAsync(release.Id)).Reason.ShouldBe(FailureReason.WorkloadDeleted);
    }

    [Fact]
    public async Task Engine_RollbackOnFailure_RestoresThePreviousImageAsALinkedRelease()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:nonexistent", rollbackOnFailure: true));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), newRevision: "h2",
            pods: [Build.Pod("web-h2-1", "h2", "nginx:nonexistent", waiting: "ErrImagePull", message: "not found")]);
        await h.WaitForProgressAsync(release.Id, "waiting: ErrImagePull");
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingBack);

        var failed = await h.GetAsync(release.Id);
        failed.Reason.ShouldBe(FailureReason.ImagePullFailed);
        var rollbackId = failed.RolledBackById.ShouldNotBeNull();
        await h.WaitForStatusAsync(rollbackId, ReleaseStatus.RollingOut);
        h.Cluster.Patches.Count.ShouldBe(2);
        JsonNode.Parse(h.Cluster.Patches[1].Body)!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.26");
        h.Cluster.Update(Web, s => Rollout.Complete(s, "3"), newRevision: "h1", pods: Rollout.Pods("h1", "nginx:1.26"));

        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RolledBack);
        var rollback = await h.GetAsync(rollbackId);
        rollback.Status.ShouldBe(ReleaseStatus.Succeeded);
        rollback.RollbackOfId.ShouldBe(release.Id);
        rollback.ImageBefore.ShouldBe("nginx:nonexistent");
        rollback.ImageAfter.ShouldBe("nginx:1.26");
        var original = await h.GetAsync(release.Id);
        original.Transitions.OrderBy(t => t.Id).Select(t => t.To).ShouldBe(
            [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Failed, ReleaseStatus.RollingBack, ReleaseStatus.RolledBack]);
        original.Reason.ShouldBe(FailureReason.ImagePullFailed);
    }

    [Fact]
    public async Task Engine_RollbackThatFails_LeavesTheOriginalFailed()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:nonexistent", rollbackOnFailure: true));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3, "2", new KubeCondition("Progressing", "False", "ProgressDeadlineExceeded", "timed out")));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingBack);
        var rollbackId = (await h.GetAsync(release.Id)).RolledBackById!.Value;
        await h.WaitForStatusAsync(rollbackId, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3, "3", new KubeCondition("Progressing", "False", "ProgressDeadlineExceeded", "still timed out")));

        await h.WaitForAsync(release.Id, e => e.Type == ReleaseEvent.StatusType && e.Status == ReleaseStatus.Failed && e.Message.StartsWith("Rollback release", StringComparison.Ordinal), "rollback failed");
        (await h.GetAsync(release.Id)).Status.ShouldBe(ReleaseStatus.Failed);
        (await h.GetAsync(rollbackId)).Status.ShouldBe(ReleaseStatus.Failed);
        h.Cluster.Patches.Count.ShouldBe(2); // a rollback is never rolled back
    }

    [Fact]
    public async Task Engine_SameWorkload_RunsReleasesOneAtATimeInOrder()
    {
        await using var h = await WithWebAsync();
        var api = Build.Ref(WorkloadKind.Deployment, "api");
        h.Cluster.Add(Build.Deployment("api", "api:1"), "a1", Rollout.Pods("a1", "api:1"));

        var first = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        var second = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.28"));
        var other = await h.QueueAsync(EngineHarness.Spec(api, "api:2"));

        await h.WaitForStatusAsync(first.Id, ReleaseStatus.RollingOut);
        await h.WaitForStatusAsync(other.Id, ReleaseStatus.RollingOut); // another workload does not wait
        (await h.GetAsync(second.Id)).Status.ShouldBe(ReleaseStatus.Queued);
        (await h.EventsAsync(second.Id)).ShouldBeEmpty();

        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(first.Id, ReleaseStatus.Succeeded);
        await h.WaitForStatusAsync(second.Id, ReleaseStatus.RollingOut);
        (await h.GetAsync(second.Id)).ImageBefore.ShouldBe("nginx:1.27");
        h.Cluster.Patches.Where(p => p.Workload == Web).Count().ShouldBe(2);
    }

    [Fact]
    public async Task Engine_Restart_ResumesARollingOutReleaseWithoutASecondPatch()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), newRevision: "h2");

        await h.RestartAsync();
        await h.Cluster.WatchOpened(Web);
        h.Cluster.WatchesOpened.ShouldBe(2);
        h.Cluster.Update(Web, s => Rollout.Complete(s), pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        h.Cluster.Patches.Count.ShouldBe(1);
        (await h.GetAsync(release.Id)).Transitions.Count(t => t.To == ReleaseStatus.RollingOut).ShouldBe(1);
    }

    [Fact]
    public async Task Engine_ResumeInPatching_DoesNotPatchAWorkloadThatCarriesTheRelease()
    {
        await using var h = await WithWebAsync(start: false);
        // A crash after the PATCH was sent but before "RollingOut" was stored.
        var release = await h.Store.AddAsync(EngineHarness.Spec(Web, "nginx:1.27"), CancellationToken.None);
        release.StartValidating(EngineHarness.T0);
        release.StartPatching(EngineHarness.T0);
        await h.Store.CommitAsync(release, null, CancellationToken.None);
        h.Cluster.Update(Web, s => s with
        {
            Generation = 2,
            Annotations = new Dictionary<string, string>(s.Annotations) { ["hoist.dev/release-id"] = release.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Containers = Build.Containers("nginx:1.27"),
        });

        await h.StartEngineAsync();
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        h.Cluster.Patches.ShouldBeEmpty();
        (await h.GetAsync(release.Id)).PatchedGeneration.ShouldBe(2);
    }

    [Fact]
    public async Task Engine_ConflictOnPatch_RereadsAndRetries()
    {
        await using var h = await WithWebAsync();
        h.Cluster.ConflictsToInject = 2;
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.ConflictsAnswered.ShouldBe(2);
        h.Cluster.Patches.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Engine_ConflictsThatNeverEnd_FailThePatch()
    {
        await using var h = await WithWebAsync(new() { ["Engine:MaxPatchAttempts"] = "3" });
        h.Cluster.ConflictsToInject = 100;
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        (await h.GetAsync(release.Id)).Reason.ShouldBe(FailureReason.PatchFailed);
        h.Cluster.ConflictsAnswered.ShouldBe(3);
        h.Cluster.Patches.ShouldBeEmpty();
    }

    [Fact]
    public async Task Engine_LostPatchAnswer_IsRecognisedByTheAnnotationAndNotResent()
    {
        await using var h = await WithWebAsync();
        h.Cluster.LoseNextPatchAnswer = true;
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Patches.Count.ShouldBe(1);
        (await h.GetAsync(release.Id)).StatusMessage.ShouldBe("The workload already carries this release's patch");
    }

    [Fact]
    public async Task Engine_CancelWhileRollingOut_RecordsWhoCancelled()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);

        var cancelled = await h.Commands.CancelAsync(release.Id, "alice", CancellationToken.None);
        cancelled.Status.ShouldBe(ReleaseStatus.Cancelled);
        cancelled.StatusMessage.ShouldBe("Cancelled by alice");
        cancelled.Reason.ShouldBe(FailureReason.Cancelled);
        await Should.ThrowAsync<InvalidReleaseTransitionException>(() => h.Commands.CancelAsync(release.Id, "bob", CancellationToken.None));
    }

    [Fact]
    public async Task Engine_CancelAQueuedRelease_LetsTheNextOneRun()
    {
        await using var h = await WithWebAsync();
        var first = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(first.Id, ReleaseStatus.RollingOut);
        var second = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.28"));
        var third = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.29"));

        (await h.Commands.CancelAsync(second.Id, "alice", CancellationToken.None)).Status.ShouldBe(ReleaseStatus.Cancelled);
        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(third.Id, ReleaseStatus.RollingOut);
        h.Cluster.Patches.Select(p => JsonNode.Parse(p.Body)!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>())
            .ShouldBe(["nginx:1.27", "nginx:1.29"]);
    }

    [Fact]
    public async Task Engine_UserRollbackOfASucceededRelease_CreatesALinkedRelease()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);

        var rollback = await h.Commands.RollbackAsync(release.Id, requestedByUserId: 7, CancellationToken.None);
        rollback.RollbackOfId.ShouldBe(release.Id);
        rollback.ImageAfter.ShouldBe("nginx:1.26");
        rollback.TriggeredByUserId.ShouldBe(7);
        (await h.Commands.RollbackAsync(release.Id, 8, CancellationToken.None)).Id.ShouldBe(rollback.Id); // asked twice, done once

        await h.WaitForStatusAsync(rollback.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Complete(s, "3"), newRevision: "h3", pods: Rollout.Pods("h3", "nginx:1.26"));
        await h.WaitForStatusAsync(rollback.Id, ReleaseStatus.Succeeded);
        var original = await h.GetAsync(release.Id);
        original.Status.ShouldBe(ReleaseStatus.Succeeded);
        original.RolledBackById.ShouldBe(rollback.Id);
    }

    [Fact]
    public async Task Engine_ParallelRollbackRequests_CreateOneRollback()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);

        var rollbacks = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => h.Commands.RollbackAsync(release.Id, null, CancellationToken.None)));
        rollbacks.Select(r => r.Id).Distinct().Count().ShouldBe(1);
        (await h.Store.ReadAsync((db, c) => db.Releases.CountAsync(r => r.RollbackOfId == release.Id, c), CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task Engine_RollbackOfAReleaseThatNeverPatched_IsRefused()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27", container: "nope"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Failed);
        var e = await Should.ThrowAsync<ReleaseCommandException>(() => h.Commands.RollbackAsync(release.Id, null, CancellationToken.None));
        e.Code.ShouldBe(ProblemCodes.Conflict);
        (await Should.ThrowAsync<ReleaseCommandException>(() => h.Commands.RollbackAsync(999, null, CancellationToken.None))).Status.ShouldBe(404);
    }

    [Fact]
    public async Task Engine_CronJob_SucceedsWithThePatchAndReportsTheNextRun()
    {
        await using var h = await EngineHarness.StartAsync();
        h.Cluster.Add(Build.CronJob(image: "backup:1", schedule: "0 3 * * *"));
        var release = await h.QueueAsync(EngineHarness.Spec(Build.Ref(WorkloadKind.CronJob, "nightly"), "backup:2"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        var stored = await h.GetAsync(release.Id);
        stored.StatusMessage.ShouldBe("cronjob \"nightly\" updated; next job at 2025-06-02 03:00 UTC");
        stored.Transitions.OrderBy(t => t.Id).Select(t => t.To).ShouldBe([ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.Succeeded]);
        h.Cluster.Patches.Count.ShouldBe(1);
        h.Cluster.WatchesOpened.ShouldBe(0);
    }

    [Fact]
    public async Task Engine_BareReplicaSet_ReplacesOldPodsUntilAllRunTheNewTemplate()
    {
        await using var h = await EngineHarness.StartAsync();
        var rs = Build.Ref(WorkloadKind.ReplicaSet, "bare");
        h.Cluster.Add(Build.ReplicaSet(image: "nginx:1.26"), "fp-old", [Build.Pod("a", "fp-old", "nginx:1.26"), Build.Pod("b", "fp-old", "nginx:1.26")]);
        var release = await h.QueueAsync(EngineHarness.Spec(rs, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);

        h.Cluster.Update(rs, s => s with { ObservedGeneration = s.Generation }, newRevision: "fp-new");
        await h.WaitForProgressAsync(release.Id, "Replacing pod a");
        h.Cluster.SetPods(rs, Build.Pod("b", "fp-old", "nginx:1.26"), Build.Pod("c", "fp-new", "nginx:1.27"));
        await h.WaitForProgressAsync(release.Id, "Replacing pod b");
        h.Cluster.SetPods(rs, Build.Pod("c", "fp-new", "nginx:1.27"), Build.Pod("d", "fp-new", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        h.Cluster.DeletedPods.ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task Engine_BarePod_SucceedsWhenTheContainerRunsTheNewImage()
    {
        await using var h = await EngineHarness.StartAsync();
        var pod = Build.Ref(WorkloadKind.Pod, "solo");
        h.Cluster.Add(Build.BarePod(image: "nginx:1.26"), null, [Build.Pod("solo", null, "nginx:1.26")]);
        var release = await h.QueueAsync(EngineHarness.Spec(pod, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.SetPods(pod, Build.Pod("solo", null, "nginx:1.27", ready: false));
        await h.WaitForProgressAsync(release.Id, "1/1 updated, 0 available");
        h.Cluster.SetPods(pod, Build.Pod("solo", null, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
    }

    [Fact]
    public async Task Engine_RunnerThatThrows_IsRetriedAfterAGrowingBackOffAndFinishesOnceTheFaultClears()
    {
        await using var h = await WithWebAsync();
        h.Connections.Fault = new InvalidOperationException("the database did not answer");
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));

        // The clock stands still between steps, so a runner restarted at once would show up as extra attempts.
        var crashedAt = EngineHarness.T0;
        var attempt = 1;
        foreach (var backOff in new[] { 1, 2, 4 })
        {
            var retryAt = crashedAt + TimeSpan.FromSeconds(backOff);
            await SleepsUntilAsync(h, retryAt);
            h.Connections.Lookups.ShouldBe(attempt, $"attempts before the {backOff} s back-off ends");
            if (backOff == 4) h.Connections.Fault = null;
            h.Time.Advance(retryAt - h.Time.GetUtcNow());
            crashedAt = retryAt;
            attempt++;
        }

        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Connections.Lookups.ShouldBe(4);
        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        h.Cluster.Patches.Count.ShouldBe(1);
        (await h.GetAsync(release.Id)).Transitions.OrderBy(t => t.Id).Select(t => t.To)
            .ShouldBe([ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Succeeded]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(1000, 60)]
    public void Engine_BackOffAfterRepeatedCrashes_DoublesUpToAMinute(int failures, int seconds) =>
        ReleaseEngine.Backoff(failures).ShouldBe(TimeSpan.FromSeconds(seconds));

    /// <summary>Waits (in real time, bounded) until the engine has set a timer for <paramref name="due"/> on the fake clock.</summary>
    static async Task SleepsUntilAsync(EngineHarness h, DateTimeOffset due)
    {
        try
        {
            await h.Time.TimerArmedAsync(due).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new ShouldAssertException($"the engine never waited until T0+{(due - EngineHarness.T0).TotalSeconds} s; "
                + $"{h.Connections.Lookups} attempts so far; timers set for: {string.Join(", ", h.Time.ArmedTimes().Select(t => $"T0+{(t - EngineHarness.T0).TotalSeconds} s"))}");
        }
    }

    [Fact]
    public async Task Engine_TwoReplicasOnOneDatabase_RunEachReleaseOnce()
    {
        await using var h = await WithWebAsync();
        var second = await h.StartSecondAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        second.ReleaseQueued(release.Id);

        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Complete(s), newRevision: "h2", pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        h.Cluster.Patches.Count.ShouldBe(1);
        (await h.GetAsync(release.Id)).Transitions.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Engine_ExpiredLeaseOfADeadReplica_IsTakenOver()
    {
        await using var h = await WithWebAsync(start: false);
        var release = await h.Store.AddAsync(EngineHarness.Spec(Web, "nginx:1.27"), CancellationToken.None);
        await h.Store.ReadAsync((db, c) => db.Releases.Where(r => r.Id == release.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.LeaseOwner, "dead-replica")
            .SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)EngineHarness.T0.AddSeconds(30)), c), CancellationToken.None);

        await h.StartEngineAsync();
        (await h.GetAsync(release.Id)).Status.ShouldBe(ReleaseStatus.Queued);
        h.Time.Advance(TimeSpan.FromSeconds(31)); // the lease ran out; the takeover check runs every 15 s
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Patches.Count.ShouldBe(1);
    }
}
