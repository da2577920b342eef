using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Shouldly;

namespace Hoist.Server.Tests.Releases;

public class ReleaseStateMachineTests
{
    static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // DESIGN.md §4 and STYLE.md, written out independently of Release.Allowed so the test can disagree with it.
    static readonly Dictionary<ReleaseStatus, ReleaseStatus[]> Expected = new()
    {
        [ReleaseStatus.Queued] = [ReleaseStatus.Validating, ReleaseStatus.Cancelled],
        [ReleaseStatus.Validating] = [ReleaseStatus.Patching, ReleaseStatus.Failed, ReleaseStatus.Cancelled],
        [ReleaseStatus.Patching] = [ReleaseStatus.RollingOut, ReleaseStatus.Succeeded, ReleaseStatus.Failed, ReleaseStatus.Cancelled],
        [ReleaseStatus.RollingOut] = [ReleaseStatus.Succeeded, ReleaseStatus.Failed, ReleaseStatus.TimedOut, ReleaseStatus.Cancelled],
        [ReleaseStatus.Succeeded] = [],
        [ReleaseStatus.Failed] = [ReleaseStatus.RollingBack],
        [ReleaseStatus.TimedOut] = [ReleaseStatus.RollingBack],
        [ReleaseStatus.Cancelled] = [],
        [ReleaseStatus.RollingBack] = [ReleaseStatus.RolledBack, ReleaseStatus.Failed],
        [ReleaseStatus.RolledBack] = [],
    };

    public static TheoryData<ReleaseStatus, ReleaseStatus> AllPairs()
    {
        var data = new TheoryData<ReleaseStatus, ReleaseStatus>();
        foreach (var from in Enum.GetValues<ReleaseStatus>())
            foreach (var to in Enum.GetValues<ReleaseStatus>().Where(s => s != ReleaseStatus.Queued))
                data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Release_Move_FollowsTheTable(ReleaseStatus from, ReleaseStatus to)
    {
        var release = In(from);
        var transitions = release.Transitions.Count;
        if (Expected[from].Contains(to))
        {
            Move(release, to);
            release.Status.ShouldBe(to);
            release.Transitions.Count.ShouldBe(transitions + 1);
            release.Transitions[^1].From.ShouldBe(from);
            release.Transitions[^1].To.ShouldBe(to);
        }
        else
        {
            var e = Should.Throw<InvalidReleaseTransitionException>(() => Move(release, to));
            e.From.ShouldBe(from);
            e.To.ShouldBe(to);
            release.Status.ShouldBe(from);
            release.Transitions.Count.ShouldBe(transitions);
        }
    }

    [Fact]
    public void Release_TerminalStates_StampFinishedAt()
    {
        var release = In(ReleaseStatus.RollingOut);
        release.FinishedAt.ShouldBeNull();
        release.Succeed(T0.AddMinutes(3), "done");
        release.FinishedAt.ShouldBe(T0.AddMinutes(3));
        release.Status.IsTerminal().ShouldBeTrue();
    }

    [Fact]
    public void Release_Fail_KeepsReasonThroughRollback()
    {
        var release = In(ReleaseStatus.RollingOut);
        release.Fail(T0, FailureReason.CrashLoop, "failed: CrashLoopBackOff");
        release.StartRollingBack(T0, "rolling back");
        release.MarkRolledBack(T0, "rolled back");
        release.Reason.ShouldBe(FailureReason.CrashLoop);
        release.Status.ShouldBe(ReleaseStatus.RolledBack);
    }

    static Release In(ReleaseStatus status)
    {
        var r = Release.Create(new ReleaseSpec
        {
            ProjectId = 1, Application = "team", Pipeline = "p", CloudAccountId = 1, CloudAccountName = "c",
            Workload = new WorkloadRef("default", WorkloadKind.Deployment, "web"), Container = "web", Image = "nginx:1.27",
        }, T0);
        ReleaseStatus[] path = status switch
        {
            ReleaseStatus.Queued => [],
            ReleaseStatus.Validating => [ReleaseStatus.Validating],
            ReleaseStatus.Patching => [ReleaseStatus.Validating, ReleaseStatus.Patching],
            ReleaseStatus.RollingOut => [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut],
            ReleaseStatus.Succeeded => [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.Succeeded],
            ReleaseStatus.Failed => [ReleaseStatus.Validating, ReleaseStatus.Failed],
            ReleaseStatus.TimedOut => [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.TimedOut],
            ReleaseStatus.Cancelled => [ReleaseStatus.Cancelled],
            ReleaseStatus.RollingBack => [ReleaseStatus.Validating, ReleaseStatus.Failed, ReleaseStatus.RollingBack],
            ReleaseStatus.RolledBack => [ReleaseStatus.Validating, ReleaseStatus.Failed, ReleaseStatus.RollingBack, ReleaseStatus.RolledBack],
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        foreach (var s in path) Move(r, s);
        r.Status.ShouldBe(status);
        return r;
    }

    static void Move(Release r, ReleaseStatus to)
    {
        switch (to)
        {
            case ReleaseStatus.Validating: r.StartValidating(T0); break;
            case ReleaseStatus.Patching: r.StartPatching(T0); break;
            case ReleaseStatus.RollingOut: r.StartRollingOut(T0, "rolling out"); break;
            case ReleaseStatus.Succeeded: r.Succeed(T0, "ok"); break;
            case ReleaseStatus.Failed: r.Fail(T0, FailureReason.ImagePullFailed, "failed"); break;
            case ReleaseStatus.TimedOut: r.TimeOut(T0, "timed out"); break;
            case ReleaseStatus.Cancelled: r.Cancel(T0, "alice"); break;
            case ReleaseStatus.RollingBack: r.StartRollingBack(T0, "rolling back"); break;
            case ReleaseStatus.RolledBack: r.MarkRolledBack(T0, "rolled back"); break;
            default: throw new ArgumentOutOfRangeException(nameof(to));
        }
    }
}
