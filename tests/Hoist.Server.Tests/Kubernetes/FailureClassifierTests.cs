using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Tests.Fakes;
using Shouldly;

namespace Hoist.Server.Tests.Kubernetes;

public class FailureClassifierTests
{
    public static TheoryData<string, PodState, FailureReason?, string?> Cases => new()
    {
        { "running and ready", Build.Pod("web-1", "h2"), null, null },
        { "container creating", Build.Pod("web-1", "h2", waiting: "ContainerCreating"), null, null },
        { "ErrImagePull", Build.Pod("web-1", "h2", image: "nginx:nope", waiting: "ErrImagePull", message: "rpc error: not found"),
            FailureReason.ImagePullFailed, "failed: ErrImagePull — pod web-1: rpc error: not found" },
        { "ImagePullBackOff", Build.Pod("web-1", "h2", image: "nginx:1.27-typo", waiting: "ImagePullBackOff", message: "Back-off pulling image \"nginx:1.27-typo\""),
            FailureReason.ImagePullFailed, "failed: ImagePullBackOff — pod web-1: Back-off pulling image \"nginx:1.27-typo\"" },
        { "InvalidImageName", Build.Pod("web-1", "h2", waiting: "InvalidImageName", message: "couldn't parse image name"),
            FailureReason.ImagePullFailed, "failed: InvalidImageName — pod web-1: couldn't parse image name" },
        { "CrashLoopBackOff", Build.Pod("web-1", "h2", waiting: "CrashLoopBackOff", message: "back-off 40s", restarts: 3, lastExit: 1),
            FailureReason.CrashLoop, "failed: CrashLoopBackOff — pod web-1: container web exited with code 1 (Error), restarted 3 times" },
        { "running again between back-offs", Build.Pod("web-1", "h2", restarts: 2, lastExit: 137, ready: false),
            FailureReason.CrashLoop, "failed: CrashLoopBackOff — pod web-1: container web exited with code 137 (Error), restarted 2 times" },
        { "recovered after one crash", Build.Pod("web-1", "h2", restarts: 1, lastExit: 1, ready: true), null, null },
        { "CreateContainerConfigError", Build.Pod("web-1", "h2", waiting: "CreateContainerConfigError", message: "secret \"db\" not found"),
            FailureReason.ContainerConfigError, "failed: CreateContainerConfigError — pod web-1: secret \"db\" not found" },
        { "Unschedulable", Build.Pod("web-1", "h2", unschedulable: true),
            FailureReason.Unschedulable, "failed: Unschedulable — pod web-1: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FailureClassifier_Classify_NamesTheCause(string scenario, PodState pod, FailureReason? reason, string? message)
    {
        var signals = FailureClassifier.Classify(pod).ToList();
        if (reason is null)
        {
            signals.ShouldBeEmpty(scenario);
            return;
        }
        signals.Count.ShouldBe(1, scenario);
        signals[0].Reason.ShouldBe(reason.Value, scenario);
        signals[0].Message.ShouldBe(message, scenario);
        signals[0].Pod.ShouldBe("web-1");
    }

    [Fact]
    public void FailureClassifier_PullBackOffAndErrImagePull_ShareOneKey()
    {
        var a = FailureClassifier.Classify(Build.Pod("web-1", "h2", waiting: "ErrImagePull")).Single();
        var b = FailureClassifier.Classify(Build.Pod("web-1", "h2", waiting: "ImagePullBackOff")).Single();
        a.Key.ShouldBe(b.Key);
    }

    [Fact]
    public void FailureClassifier_TerminatingPod_IsNotBlamed() =>
        FailureClassifier.Classify(Build.Pod("web-1", "h2", waiting: "CrashLoopBackOff", restarts: 5, lastExit: 1) with { Terminating = true }).ShouldBeEmpty();

    [Fact]
    public void FailureClassifier_CurrentSpecOnly_IgnoresTheOldContainersTroubles()
    {
        // A bare Pod just patched to nginx:1.27; the kubelet still reports the old container crash-looping.
        var pod = Build.Pod("solo", null, waiting: "CrashLoopBackOff", restarts: 4, lastExit: 1) is var p
            ? p with { Containers = [p.Containers[0] with { SpecImage = "nginx:1.27", Image = "docker.io/library/nginx:1.26" }] }
            : throw new InvalidOperationException();
        FailureClassifier.Classify(pod, currentSpecOnly: true).ShouldBeEmpty();
        FailureClassifier.Classify(pod).ShouldNotBeEmpty();
    }

    [Fact]
    public void FailureClassifier_ClusterText_IsCleanedAndBounded()
    {
        var pod = Build.Pod("web-1", "h2", waiting: "ErrImagePull", message: "line1\nline2\u0007" + new string('x', 1000));
        var s = FailureClassifier.Classify(pod).Single();
        s.Detail.ShouldNotContain("\n");
        s.Detail.ShouldNotContain("\u0007");
        s.Detail.Length.ShouldBeLessThanOrEqualTo(300);
    }
}
