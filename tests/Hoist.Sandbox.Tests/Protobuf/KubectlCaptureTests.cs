using System.Text.Json.Nodes;
using Hoist.Sandbox.Protobuf;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Protobuf;

/// <summary>What kubectl 1.33 really sends decodes to exactly the JSON kubectl 1.27 sends for the same command.</summary>
public class KubectlCaptureTests
{
    public static TheoryData<string, string, string> Captures => new()
    {
        { "create deployment", KubectlCaptures.CreateDeploymentWeb, KubectlCaptures.CreateDeploymentWebJson },
        { "create deployment --replicas=0 --port", KubectlCaptures.CreateDeploymentZero, KubectlCaptures.CreateDeploymentZeroJson },
        { "create deployment with two images", KubectlCaptures.CreateDeploymentMulti, KubectlCaptures.CreateDeploymentMultiJson },
        { "create deployment -n x -- command", KubectlCaptures.CreateDeploymentInNamespace, KubectlCaptures.CreateDeploymentInNamespaceJson },
        { "create namespace", KubectlCaptures.CreateNamespace, KubectlCaptures.CreateNamespaceJson },
        { "create job", KubectlCaptures.CreateJob, KubectlCaptures.CreateJobJson },
        { "create cronjob", KubectlCaptures.CreateCronJob, KubectlCaptures.CreateCronJobJson },
        { "create job --from=cronjob", KubectlCaptures.CreateJobFromCronJob, KubectlCaptures.CreateJobFromCronJobJson },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Decode_Kubectl133Body_EqualsKubectl127Json(string command, string protobuf, string json)
    {
        var decoded = KubernetesProtobuf.Decode(Convert.FromBase64String(protobuf));

        JsonNode.DeepEquals(decoded, JsonNode.Parse(json)).ShouldBeTrue($"{command}:\nexpected {json}\nbut got  {decoded.ToJsonString()}");
    }
}
