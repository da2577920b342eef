using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>
/// The real kubectl against the sandbox, for the oldest and newest installed versions: the sandbox's /version
/// makes the dispatcher run kubectl.1.27 or kubectl.1.33. Output is compared with what kubectl prints for a
/// real apiserver.
/// </summary>
public class KubectlTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    sealed class Session : IAsyncDisposable
    {
        public required SandboxCluster Cluster { get; init; }
        public required Kubectl Kubectl { get; init; }
        public required ConcurrentQueue<string> Requests { get; init; }

        public ValueTask DisposeAsync()
        {
            Kubectl.Dispose();
            return Cluster.DisposeAsync();
        }

        public Task<KubectlResult> Run(params string[] args) => Kubectl.RunAsync(args);
    }

    static async Task<Session> Start(string version)
    {
        Assert.SkipUnless(Kubectl.Installed, "kubectl is not installed");
        var requests = new ConcurrentQueue<string>();
        var cluster = await SandboxCluster.StartAsync(new SandboxOptions { KubeVersion = version, RequestLog = requests.Enqueue }, Ct);
        return new Session { Cluster = cluster, Kubectl = new Kubectl(cluster), Requests = requests };
    }

    static List<string[]> Rows(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    static void ShouldSucceed(KubectlResult r) => r.ExitCode.ShouldBe(0, r.ToString());

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Apply_WorkloadManifestsWithValidation_CreatesThenReportsUnchanged(string version)
    {
        await using var s = await Start(version);
        var file = s.Kubectl.WriteFile("workloads.yaml", string.Join("\n---\n", Manifests.Deployment(), Manifests.StatefulSet(), Manifests.DaemonSet()));

        var created = await s.Run("apply", "-f", file);
        var again = await s.Run("apply", "-f", file);

        ShouldSucceed(created);
        created.Stdout.ShouldBe("deployment.apps/web created\nstatefulset.apps/db created\ndaemonset.apps/agent created\n");
        again.Stdout.ShouldBe("deployment.apps/web unchanged\nstatefulset.apps/db unchanged\ndaemonset.apps/agent unchanged\n");
        s.Requests.ShouldContain(r => r.StartsWith("POST /apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict 201", StringComparison.Ordinal));
        var sts = s.Cluster.Store.Get(ResourceKinds.StatefulSets, "default", "db")!;
        sts["spec"]!["updateStrategy"]!["rollingUpdate"]!["partition"]!.GetValue<int>().ShouldBe(0);
        sts.Annotations().ShouldContainKey("kubectl.kubernetes.io/last-applied-configuration");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Get_Deployments_PrintsReadyUpToDateAndAvailable(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(replicas: 3), Ct);
        s.Cluster.Store.Mutate(ResourceKinds.Deployments, "default", "web",
            d => d["status"] = JsonNode.Parse("""{"replicas":3,"readyReplicas":2,"updatedReplicas":1,"availableReplicas":2}"""), statusOnly: true);

        var table = await s.Run("get", "deploy");
        var wide = await s.Run("get", "deployments", "-o", "wide");
        var json = await s.Run("get", "deploy", "web", "-o", "json");

        ShouldSucceed(table);
        var rows = Rows(table.Stdout);
        rows[0].ShouldBe(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
        rows[1].Take(4).ShouldBe(["web", "2/3", "1", "2"]);
        Rows(wide.Stdout)[1].Skip(5).ShouldBe(["app,sidecar", "nginx:1.25,busybox:1.36", "app=web"]);
        var obj = JsonNode.Parse(json.Stdout)!;
        obj["kind"]!.GetValue<string>().ShouldBe("Deployment");
        obj["spec"]!["replicas"]!.GetValue<int>().ShouldBe(3);
        obj["status"]!["readyReplicas"]!.GetValue<int>().ShouldBe(2);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Get_Pods_ShowsTheWaitingReasonAsStatus(string version)
    {
        await using var s = await Start(version);
        s.Cluster.Writer.Create(ResourceKinds.Pods, "default", JsonNode.Parse("""
            {"metadata":{"name":"web-abc12"},"spec":{"containers":[{"name":"app","image":"nginx:nonexistent"}]}}
            """)!.AsObject());
        s.Cluster.Store.Mutate(ResourceKinds.Pods, "default", "web-abc12", p => p["status"] = JsonNode.Parse("""
            {"phase":"Pending","containerStatuses":[{"name":"app","image":"nginx:nonexistent","imageID":"","ready":false,"restartCount":0,
              "state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image \"nginx:nonexistent\""}}}]}
            """), statusOnly: true);

        var result = await s.Run("get", "pods");

        ShouldSucceed(result);
        var rows = Rows(result.Stdout);
        rows[0].ShouldBe(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
        rows[1].Take(4).ShouldBe(["web-abc12", "0/1", "ImagePullBackOff", "0"]);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Errors_PrintAsForARealApiserver(string version)
    {
        await using var s = await Start(version);
        var web = s.Kubectl.WriteFile("web.yaml", Manifests.Deployment());
        var bad = s.Kubectl.WriteFile("bad.yaml", Manifests.Deployment("bad", replicas: -1).Replace("      labels:\n        app: bad", "      labels:\n        app: other", StringComparison.Ordinal));
        ShouldSucceed(await s.Run("create", "-f", web));
        var stale = s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        s.Cluster.Writer.Patch(ResourceKinds.Deployments, "default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":4}}""")!);
        var staleFile = s.Kubectl.WriteFile("stale.json", stale.ToJsonString());

        var notFound = await s.Run("get", "deployment", "nope");
        var exists = await s.Run("create", "-f", web);
        var invalid = await s.Run("apply", "-f", bad);
        var conflict = await s.Run("replace", "-f", staleFile);

        notFound.ExitCode.ShouldBe(1);
        notFound.Stderr.ShouldBe("Error from server (NotFound): deployments.apps \"nope\" not found\n");
        exists.ExitCode.ShouldBe(1);
        exists.Stderr.ShouldBe($"Error from server (AlreadyExists): error when creating \"{web}\": deployments.apps \"web\" already exists\n");
        invalid.ExitCode.ShouldBe(1);
        invalid.Stderr.ShouldBe("""
            The Deployment "bad" is invalid: 
            * spec.replicas: Invalid value: -1: must be greater than or equal to 0
            * spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`

            """.Replace("\r", "", StringComparison.Ordinal));
        conflict.ExitCode.ShouldBe(1);
        conflict.Stderr.ShouldBe($"Error from server (Conflict): error when replacing \"{staleFile}\": Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again\n");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Scale_Deployment_ChangesSpecReplicas(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var result = await s.Run("scale", "deploy", "web", "--replicas=5");

        ShouldSucceed(result);
        result.Stdout.ShouldBe("deployment.apps/web scaled\n");
        s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!["spec"]!["replicas"]!.GetValue<int>().ShouldBe(5);
        s.Cluster.Stats.Count("patch", "deployments/scale").ShouldBe(1);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task SetImage_OneContainer_SendsOneStrategicPatchAndKeepsTheOtherContainer(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var result = await s.Run("set", "image", "deployment/web", "app=nginx:1.26");

        ShouldSucceed(result);
        result.Stdout.ShouldBe("deployment.apps/web image updated\n");
        var d = s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        d["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["image"]!.GetValue<string>()).ShouldBe(["nginx:1.26", "busybox:1.36"]);
        d.Meta().Long("generation").ShouldBe(2);
        s.Cluster.Stats.Count("patch", "deployments").ShouldBe(1);
        s.Requests.ShouldContain("PATCH /apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl-set 200", ShouldlyExtensions.Prefix);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task RolloutHistoryAndUndo_WithReplicaSetsOfTwoRevisions_RestoresThePreviousTemplate(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(image: "nginx:2"), Ct);
        var uid = s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!.Meta().Str("uid")!;
        foreach (var (revision, image, hash) in new[] { (1, "nginx:1", "5d4f8b7c9"), (2, "nginx:2", "6c9b8d5f4") })
        {
            s.Cluster.Writer.Create(ResourceKinds.ReplicaSets, "default", JsonNode.Parse("""
                {"metadata":{"name":"web-HASH","labels":{"app":"web","pod-template-hash":"HASH"},
                  "annotations":{"deployment.kubernetes.io/revision":"REVISION"},
                  "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"UID","controller":true,"blockOwnerDeletion":true}]},
                 "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web","pod-template-hash":"HASH"}},
                  "template":{"metadata":{"labels":{"app":"web","pod-template-hash":"HASH"}},
                   "spec":{"containers":[{"name":"app","image":"IMAGE","ports":[{"containerPort":80}]},{"name":"sidecar","image":"busybox:1.36"}]}}}}
                """.Replace("HASH", hash, StringComparison.Ordinal).Replace("REVISION", revision.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                 .Replace("UID", uid, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal))!.AsObject());
        }
        s.Cluster.Writer.Patch(ResourceKinds.Deployments, "default", "web", PatchType.Merge,
            JsonNode.Parse("""{"metadata":{"annotations":{"deployment.kubernetes.io/revision":"2"}}}""")!);

        var history = await s.Run("rollout", "history", "deployment/web");
        var undo = await s.Run("rollout", "undo", "deployment/web");
        var missing = await s.Run("rollout", "undo", "deployment/web", "--to-revision=9");

        ShouldSucceed(history);
        Rows(history.Stdout).Skip(1).ShouldBe([["REVISION", "CHANGE-CAUSE"], ["1", "<none>"], ["2", "<none>"]]);
        ShouldSucceed(undo);
        undo.Stdout.ShouldBe("deployment.apps/web rolled back\n");
        var d = s.Cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1");
        d["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ContainsKey("pod-template-hash").ShouldBeFalse();
        s.Requests.ShouldContain("PATCH /apis/apps/v1/namespaces/default/deployments/web 200", ShouldlyExtensions.Prefix);
        missing.ExitCode.ShouldBe(1);
        missing.Stderr.ShouldBe("error: unable to find specified revision 9 in history\n");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task GetWatch_SeesChangesAsNewRows(string version)
    {
        await using var s = await Start(version);
        await s.Cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var output = await s.Kubectl.WatchUntilAsync(["get", "deploy", "-w"], () =>
        {
            s.Cluster.Writer.Patch(ResourceKinds.Deployments, "default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!);
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(30), "NAME", "0/2", "0/3");

        Rows(output).Select(r => r[0]).ShouldBe(["NAME", "web", "web"]);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task AuthCanI_FollowsTheDeniedList(string version)
    {
        await using var s = await Start(version);
        s.Cluster.Faults = new FaultSettings { Denied = ["patch deployments"] };

        var patch = await s.Run("auth", "can-i", "patch", "deployments");
        var get = await s.Run("auth", "can-i", "get", "deployments");

        patch.Stdout.ShouldBe("no\n");
        patch.ExitCode.ShouldBe(1);
        get.Stdout.ShouldBe("yes\n");
        get.ExitCode.ShouldBe(0);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task DescribePod_ListsItsEventsThroughFieldSelectors(string version)
    {
        await using var s = await Start(version);
        var pod = s.Cluster.Writer.Create(ResourceKinds.Pods, "default", JsonNode.Parse("""
            {"metadata":{"name":"web-abc12"},"spec":{"containers":[{"name":"app","image":"nginx:nonexistent"}]}}
            """)!.AsObject());
        var now = ObjectStore.Timestamp(DateTimeOffset.UtcNow);
        s.Cluster.Writer.Create(ResourceKinds.Events, "default", JsonNode.Parse($$$"""
            {"metadata":{"name":"web-abc12.17f0"},"type":"Normal","reason":"Pulling","message":"Pulling image \"nginx:nonexistent\"",
             "involvedObject":{"kind":"Pod","namespace":"default","name":"web-abc12","uid":"{{{pod.Meta().Str("uid")}}}","apiVersion":"v1","fieldPath":"spec.containers{app}"},
             "source":{"component":"kubelet","host":"node-1"},"firstTimestamp":"{{{now}}}","lastTimestamp":"{{{now}}}","count":1}
            """)!.AsObject());

        var result = await s.Run("describe", "pod", "web-abc12");

        ShouldSucceed(result);
        result.Stdout.ShouldContain("Name:");
        result.Stdout.ShouldContain("web-abc12");
        result.Stdout.ShouldContain("Pulling image \"nginx:nonexistent\"");
        s.Requests.ShouldContain(r => r.StartsWith("GET /api/v1/namespaces/default/events?fieldSelector=", StringComparison.Ordinal) && r.Contains(" 200 ", StringComparison.Ordinal));
    }
}

static class ShouldlyExtensions
{
    public static void ShouldContain(this IEnumerable<string> lines, string prefix, PrefixMatch _) =>
        lines.ShouldContain(l => l.StartsWith(prefix, StringComparison.Ordinal), $"no request starting with {prefix} in:\n{string.Join("\n", lines)}");

    public sealed record PrefixMatch;

    public static readonly PrefixMatch Prefix = new();
}
