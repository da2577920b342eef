using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Shouldly;

namespace Hoist.Server.Tests.Releases;

public class FailureTrackerTests
{
    static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    static FailureSignal Signal(string key, string cause = "ImagePullBackOff") => new(FailureReason.ImagePullFailed, cause, "pod web-1", "x", key);

    [Fact]
    public void FailureTracker_ProblemThatPersists_IsConfirmedAfterTheGracePeriod()
    {
        var t = new FailureTracker(TimeSpan.FromSeconds(5));
        t.Observe([Signal("a", "ErrImagePull")], T0);
        t.Confirmed(T0.AddSeconds(4.9)).ShouldBeNull();
        t.NextDeadline.ShouldBe(T0.AddSeconds(5));
        t.Observe([Signal("a", "ImagePullBackOff")], T0.AddSeconds(2));
        var confirmed = t.Confirmed(T0.AddSeconds(5));
        confirmed.ShouldNotBeNull();
        confirmed.Cause.ShouldBe("ImagePullBackOff"); // the latest wording, the first sighting's clock
    }

    [Fact]
    public void FailureTracker_ProblemThatClears_StartsOver()
    {
        var t = new FailureTracker(TimeSpan.FromSeconds(5));
        t.Observe([Signal("a")], T0);
        t.Observe([], T0.AddSeconds(3));
        t.NextDeadline.ShouldBeNull();
        t.Observe([Signal("a")], T0.AddSeconds(4));
        t.Confirmed(T0.AddSeconds(6)).ShouldBeNull();
        t.Confirmed(T0.AddSeconds(9)).ShouldNotBeNull();
    }

    [Fact]
    public void FailureTracker_Oldest_IsReportedFirst()
    {
        var t = new FailureTracker(TimeSpan.FromSeconds(1));
        t.Observe([Signal("first")], T0);
        t.Observe([Signal("second"), Signal("first")], T0.AddSeconds(5));
        t.Confirmed(T0.AddSeconds(10))!.Key.ShouldBe("first");
        t.NextDeadline.ShouldBe(T0.AddSeconds(1));
    }

    [Fact]
    public void FailureTracker_ZeroGrace_ConfirmsAtOnce()
    {
        var t = new FailureTracker(TimeSpan.Zero);
        t.Observe([Signal("a")], T0);
        t.Confirmed(T0).ShouldNotBeNull();
    }
}
