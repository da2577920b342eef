using System.Text.Json.Nodes;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Controllers;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests;

public class WorkloadYamlTests
{
    static JsonObject One(string yaml) => Yaml.ParseDocuments(yaml).ShouldHaveSingleItem().AsObject();

    [Fact]
    public void Deployment_AllOptions_WritesThemWhereKubernetesReadsThem()
    {
        var d = One(WorkloadYaml.Deployment("web", [new("nginx", "nginx:1.25", Port: 80), new("log", "fluent/fluent-bit:2.2")], "shop", replicas: 3,
            progressDeadlineSeconds: 30, initContainers: [new("migrate", "busybox:1.36")],
            annotations: new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "deploy \"1.25\": #42" },
            podSpecYaml: "nodeSelector: {disktype: ssd}"));

        d.At("metadata", "namespace").AsString().ShouldBe("shop");
        d.At("metadata", "annotations", "kubernetes.io/change-cause").AsString().ShouldBe("deploy \"1.25\": #42");
        d.At("spec", "replicas").AsInt().ShouldBe(3);
        d.At("spec", "progressDeadlineSeconds").AsInt().ShouldBe(30);
        d.At("spec", "selector", "matchLabels", "app").AsString().ShouldBe("web");
        d.At("spec", "template", "metadata", "labels", "app").AsString().ShouldBe("web");
        var pod = d.At("spec", "template", "spec")!.AsObject();
        pod.At("nodeSelector", "disktype").AsString().ShouldBe("ssd");
        pod["initContainers"].Objects().Select(c => c["image"].AsString()).ShouldBe(["busybox:1.36"]);
        pod["containers"].Objects().Select(c => $"{c["name"].AsString()}={c["image"].AsString()}").ShouldBe(["nginx=nginx:1.25", "log=fluent/fluent-bit:2.2"]);
        pod["containers"]!.AsArray()[0].At("ports")!.AsArray()[0].At("containerPort").AsInt().ShouldBe(80);
    }

    [Fact]
    public void StatefulSet_WithPartition_HasARollingUpdateStrategy()
    {
        var s = One(WorkloadYaml.StatefulSet("db", [new("postgres", "postgres:16")], replicas: 2, partition: 1));

        s.At("spec", "serviceName").AsString().ShouldBe("db");
        s.At("spec", "updateStrategy", "type").AsString().ShouldBe("RollingUpdate");
        s.At("spec", "updateStrategy", "rollingUpdate", "partition").AsInt().ShouldBe(1);
        One(WorkloadYaml.StatefulSet("db", [new("postgres", "postgres:16")])).At("spec", "updateStrategy").ShouldBeNull();
    }

    [Fact]
    public async Task Documents_OfEveryKind_ApplyToTheSandbox()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions(), TestContext.Current.CancellationToken);
        ContainerSpec[] app = [new("app", "nginx:1.25")];

        await cluster.ApplyAsync(WorkloadYaml.Documents(
            WorkloadYaml.Namespace("shop"),
            WorkloadYaml.Deployment("web", app, "shop"),
            WorkloadYaml.ReplicaSet("bare", app, "shop"),
            WorkloadYaml.StatefulSet("db", app, "shop"),
            WorkloadYaml.DaemonSet("agent", app, "shop"),
            WorkloadYaml.Pod("solo", app, "shop"),
            WorkloadYaml.Job("once", app, "shop"),
            WorkloadYaml.CronJob("nightly", "0 3 * * *", app, "shop")), TestContext.Current.CancellationToken);

        foreach (var (kind, name) in (IEnumerable<(Store.ResourceKind, string)>)[(Store.ResourceKinds.Deployments, "web"), (Store.ResourceKinds.ReplicaSets, "bare"),
            (Store.ResourceKinds.StatefulSets, "db"), (Store.ResourceKinds.DaemonSets, "agent"), (Store.ResourceKinds.Pods, "solo"), (Store.ResourceKinds.Jobs, "once"),
            (Store.ResourceKinds.CronJobs, "nightly")])
            cluster.Store.Get(kind, "shop", name).ShouldNotBeNull($"{kind.Kind} {name}");
    }
}
