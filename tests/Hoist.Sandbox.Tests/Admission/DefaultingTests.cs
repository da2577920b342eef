using System.Text.Json.Nodes;
using Hoist.Sandbox.Admission;
using Hoist.Sandbox.Patching;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Admission;

public class DefaultingTests
{
    static JsonObject Workload(string kind) => JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"KIND","metadata":{"name":"web"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},
                   "spec":{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80}]},{"name":"side","image":"busybox:1.36"}]}}}}
        """.Replace("KIND", kind, StringComparison.Ordinal))!.AsObject();

    [Fact]
    public void Apply_Deployment_FillsTheApiserverDefaults()
    {
        var d = Workload("Deployment");

        Defaulting.Apply(ResourceKinds.Deployments, d);

        var spec = d["spec"]!;
        spec["replicas"]!.GetValue<int>().ShouldBe(1);
        spec["revisionHistoryLimit"]!.GetValue<int>().ShouldBe(10);
        spec["progressDeadlineSeconds"]!.GetValue<int>().ShouldBe(600);
        JsonEquality.Equal(spec["strategy"], JsonNode.Parse("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}""")).ShouldBeTrue();
        var pod = spec["template"]!["spec"]!;
        pod["restartPolicy"]!.GetValue<string>().ShouldBe("Always");
        pod["dnsPolicy"]!.GetValue<string>().ShouldBe("ClusterFirst");
        pod["terminationGracePeriodSeconds"]!.GetValue<int>().ShouldBe(30);
        pod["schedulerName"]!.GetValue<string>().ShouldBe("default-scheduler");
        pod["securityContext"]!.AsObject().Count.ShouldBe(0);
        var app = pod["containers"]![0]!;
        app["imagePullPolicy"]!.GetValue<string>().ShouldBe("Always");
        app["terminationMessagePath"]!.GetValue<string>().ShouldBe("/dev/termination-log");
        app["terminationMessagePolicy"]!.GetValue<string>().ShouldBe("File");
        app["resources"]!.AsObject().Count.ShouldBe(0);
        app["ports"]![0]!["protocol"]!.GetValue<string>().ShouldBe("TCP");
        pod["containers"]![1]!["imagePullPolicy"]!.GetValue<string>().ShouldBe("IfNotPresent");
    }

    [Fact]
    public void Apply_DeploymentAndReplicaSetTemplates_DefaultIdentically()
    {
        var d = Workload("Deployment");
        var rs = Workload("ReplicaSet");

        Defaulting.Apply(ResourceKinds.Deployments, d);
        Defaulting.Apply(ResourceKinds.ReplicaSets, rs);

        JsonEquality.Equal(d["spec"]!["template"], rs["spec"]!["template"]).ShouldBeTrue();
    }

    [Fact]
    public void Apply_Recreate_HasNoRollingUpdate()
    {
        var d = Workload("Deployment");
        d["spec"]!["strategy"] = new JsonObject { ["type"] = "Recreate" };

        Defaulting.Apply(ResourceKinds.Deployments, d);

        d["spec"]!["strategy"]!.AsObject().ContainsKey("rollingUpdate").ShouldBeFalse();
    }

    [Fact]
    public void Apply_StatefulSetAndDaemonSet_FillStrategies()
    {
        var sts = Workload("StatefulSet");
        var ds = Workload("DaemonSet");

        Defaulting.Apply(ResourceKinds.StatefulSets, sts);
        Defaulting.Apply(ResourceKinds.DaemonSets, ds);

        JsonEquality.Equal(sts["spec"]!["updateStrategy"], JsonNode.Parse("""{"type":"RollingUpdate","rollingUpdate":{"partition":0}}""")).ShouldBeTrue();
        sts["spec"]!["podManagementPolicy"]!.GetValue<string>().ShouldBe("OrderedReady");
        JsonEquality.Equal(sts["spec"]!["persistentVolumeClaimRetentionPolicy"], JsonNode.Parse("""{"whenDeleted":"Retain","whenScaled":"Retain"}""")).ShouldBeTrue();
        JsonEquality.Equal(ds["spec"]!["updateStrategy"], JsonNode.Parse("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}""")).ShouldBeTrue();
        ds["spec"]!["revisionHistoryLimit"]!.GetValue<int>().ShouldBe(10);
    }

    [Fact]
    public void Apply_ExplicitNulls_AreDroppedAsTypedDecodingDoes()
    {
        var d = Workload("Deployment");
        d["spec"]!["replicas"] = null;

        Defaulting.Apply(ResourceKinds.Deployments, d);

        d["spec"]!["replicas"]!.GetValue<int>().ShouldBe(1);
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.25", "IfNotPresent")]
    [InlineData("registry:5000/team/app", "Always")]
    [InlineData("registry:5000/team/app:2", "IfNotPresent")]
    [InlineData("nginx@sha256:abc", "IfNotPresent")]
    public void PullPolicy_FollowsTheTag(string image, string expected) => Defaulting.PullPolicy(image).ShouldBe(expected);

    [Fact]
    public void Apply_CronJob_DefaultsScheduleFieldsAndJobTemplate()
    {
        var cj = JsonNode.Parse("""
            {"spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"c","image":"x:1"}]}}}}}}
            """)!.AsObject();

        Defaulting.Apply(ResourceKinds.CronJobs, cj);

        var spec = cj["spec"]!;
        spec["concurrencyPolicy"]!.GetValue<string>().ShouldBe("Allow");
        spec["successfulJobsHistoryLimit"]!.GetValue<int>().ShouldBe(3);
        spec["failedJobsHistoryLimit"]!.GetValue<int>().ShouldBe(1);
        spec["jobTemplate"]!["spec"]!["backoffLimit"]!.GetValue<int>().ShouldBe(6);
        spec["jobTemplate"]!["spec"]!["template"]!["spec"]!["restartPolicy"]!.GetValue<string>().ShouldBe("OnFailure");
    }
}
