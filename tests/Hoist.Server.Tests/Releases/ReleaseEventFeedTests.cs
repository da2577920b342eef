using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Hoist.Server.Tests.Fakes;
using Shouldly;

namespace Hoist.Server.Tests.Releases;

public class ReleaseEventFeedTests
{
    static readonly WorkloadRef Web = Build.Ref(WorkloadKind.Deployment, "web");

    static async Task<EngineHarness> WithWebAsync()
    {
        var h = await EngineHarness.StartAsync();
        h.Cluster.Add(Build.Deployment(image: "nginx:1.26"), "h1", Rollout.Pods("h1", "nginx:1.26"));
        return h;
    }

    static async Task<List<ReleaseEventDto>> ReadAllAsync(IReleaseEventFeed feed, long id, long after = 0)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var list = new List<ReleaseEventDto>();
        await foreach (var e in feed.FollowAsync(id, after, patience.Token)) list.Add(e);
        return list;
    }

    static async Task<long> SucceededReleaseAsync(EngineHarness h)
    {
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Complete(s), "h2", Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);
        return release.Id;
    }

    [Fact]
    public async Task Feed_FinishedRelease_ReplaysEverythingThenEnds()
    {
        await using var h = await WithWebAsync();
        var id = await SucceededReleaseAsync(h);

        var events = await ReadAllAsync(h.Feed, id);
        events.Select(e => e.Sequence).ShouldBe((await h.EventsAsync(id)).Select(e => e.Sequence));
        events[^1].Status.ShouldBe(ReleaseStatus.Succeeded);
        events.Where(e => e.Type == ReleaseEvent.StatusType).Select(e => e.Status)
            .ShouldBe([ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Succeeded]);
        events.Where(e => e.Type == ReleaseEvent.ProgressType).ShouldAllBe(e => e.Progress != null);
    }

    [Fact]
    public async Task Feed_AfterSequence_SkipsWhatTheCallerAlreadyHas()
    {
        await using var h = await WithWebAsync();
        var id = await SucceededReleaseAsync(h);
        var all = await ReadAllAsync(h.Feed, id);

        var rest = await ReadAllAsync(h.Feed, id, after: 2);
        rest.Select(e => e.Sequence).ShouldBe(all.Skip(2).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Feed_LiveFollower_SeesEveryEventInOrderAndEndsAfterTheVerdict()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        var following = ReadAllAsync(h.Feed, release.Id);
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), "h2", [.. Rollout.Pods("h1", "nginx:1.26"), Build.Pod("web-h2-1", "h2", "nginx:1.27")]);
        await h.WaitForProgressAsync(release.Id, "1/3 updated");
        h.Cluster.Update(Web, s => Rollout.Complete(s), pods: Rollout.Pods("h2", "nginx:1.27"));

        var events = await following;
        events.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, events.Count).Select(i => (long)i));
        events.ShouldContain(e => e.Message.StartsWith("1/3 updated", StringComparison.Ordinal));
        events[^1].Type.ShouldBe(ReleaseEvent.StatusType);
        events[^1].Status.ShouldBe(ReleaseStatus.Succeeded);
    }

    [Fact]
    public async Task Feed_UnknownRelease_EndsAtOnce()
    {
        await using var h = await WithWebAsync();
        (await ReadAllAsync(h.Feed, 4242)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Feed_FailureWithRollback_ContinuesUntilTheRollbackSettles()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:nonexistent", rollbackOnFailure: true));
        var following = ReadAllAsync(h.Feed, release.Id);
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3, "2", new KubeCondition("Progressing", "False", "ProgressDeadlineExceeded", "timed out")));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingBack);
        var rollbackId = (await h.GetAsync(release.Id)).RolledBackById!.Value;
        await h.WaitForStatusAsync(rollbackId, ReleaseStatus.RollingOut);
        h.Cluster.Update(Web, s => Rollout.Complete(s, "3"), "h1", Rollout.Pods("h1", "nginx:1.26"));

        var statuses = (await following).Where(e => e.Type == ReleaseEvent.StatusType).Select(e => e.Status).ToList();
        statuses.ShouldBe([ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Failed, ReleaseStatus.RollingBack, ReleaseStatus.RolledBack]);
    }

    [Fact]
    public async Task Feed_WarningEvents_AreRelayedOnceEach()
    {
        await using var h = await WithWebAsync();
        var release = await h.QueueAsync(EngineHarness.Spec(Web, "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.RollingOut);
        var warning = new ClusterEvent("Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.", "Pod", "web-h2-1", 1, EngineHarness.T0);
        var noise = new ClusterEvent("Warning", "BackOff", "old pod trouble", "Pod", "web-h1-1", 4, EngineHarness.T0);
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 1, 3), "h2", [.. Rollout.Pods("h1", "nginx:1.26"), Build.Pod("web-h2-1", "h2", "nginx:1.27", ready: false)], [warning, noise]);
        await h.WaitForProgressAsync(release.Id, "Warning FailedScheduling pod/web-h2-1: 0/3 nodes are available: 3 Insufficient cpu.");
        h.Cluster.Update(Web, s => Rollout.Deployment(s, 4, 2, 3), events: [warning with { Count = 2 }, noise]);
        await h.WaitForProgressAsync(release.Id, "2/3 updated");
        h.Cluster.Update(Web, s => Rollout.Complete(s), pods: Rollout.Pods("h2", "nginx:1.27"));
        await h.WaitForStatusAsync(release.Id, ReleaseStatus.Succeeded);

        var messages = (await h.EventsAsync(release.Id)).Select(e => e.Message).ToList();
        messages.Count(m => m.Contains("FailedScheduling", StringComparison.Ordinal)).ShouldBe(1);
        messages.ShouldNotContain(m => m.Contains("old pod trouble", StringComparison.Ordinal));
    }
}
