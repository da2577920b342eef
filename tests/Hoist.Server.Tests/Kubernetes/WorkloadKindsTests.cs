using Hoist.Server.Kubernetes;
using Shouldly;

namespace Hoist.Server.Tests.Kubernetes;

public class WorkloadKindsTests
{
    [Theory]
    [InlineData("Deployment", WorkloadKind.Deployment)]
    [InlineData("deployment", WorkloadKind.Deployment)]
    [InlineData("deployments", WorkloadKind.Deployment)]
    [InlineData("deploy", WorkloadKind.Deployment)]
    [InlineData("apps/v1/Deployment", WorkloadKind.Deployment)]
    [InlineData("deployments.apps", WorkloadKind.Deployment)]
    [InlineData("sts", WorkloadKind.StatefulSet)]
    [InlineData("DaemonSet", WorkloadKind.DaemonSet)]
    [InlineData("rs", WorkloadKind.ReplicaSet)]
    [InlineData("pod", WorkloadKind.Pod)]
    [InlineData("CronJob", WorkloadKind.CronJob)]
    [InlineData("cj", WorkloadKind.CronJob)]
    public void WorkloadKinds_KnownNames_Parse(string text, WorkloadKind kind)
    {
        WorkloadKinds.TryParse(text, out var k).ShouldBe(KindParse.Supported);
        k.ShouldBe(kind);
    }

    [Theory]
    [InlineData("Job")]
    [InlineData("jobs")]
    [InlineData("batch/v1/Job")]
    public void WorkloadKinds_Job_IsRecognisedSoItCanBeRefused(string text) =>
        WorkloadKinds.TryParse(text, out _).ShouldBe(KindParse.Job);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Service")]
    [InlineData("ReplicationController")]
    public void WorkloadKinds_Others_AreUnknown(string? text) =>
        WorkloadKinds.TryParse(text, out _).ShouldBe(KindParse.Unknown);
}
