using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>
/// Issue #2's "Must show" for rollouts: the real kubectl (oldest and newest installed) drives a sandbox whose
/// controllers and kubelet run on the real clock with a short pod start delay, and every verdict comes from
/// kubectl's own output: <c>rollout status</c>, <c>history</c>, <c>undo</c>, <c>restart</c>, <c>scale</c>,
/// <c>describe</c>, <c>logs</c>.
/// </summary>
public partial class KubectlRolloutTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static readonly TimeSpan StartDelay = TimeSpan.FromMilliseconds(100);

    sealed class Session : IAsyncDisposable
    {
        public required SandboxCluster Cluster { get; init; }
        public required Kubectl Kubectl { get; init; }

        public ValueTask DisposeAsync()
        {
            Kubectl.Dispose();
            return Cluster.DisposeAsync();
        }

        public Task<KubectlResult> Run(params string[] args) => Kubectl.RunAsync(args);

        /// <summary>Runs kubectl and fails the test, showing its output, unless it exits 0.</summary>
        public async Task<KubectlResult> Ok(params string[] args)
        {
            var result = await Kubectl.RunAsync(args);
            result.ExitCode.ShouldBe(0, $"kubectl {string.Join(' ', args)}\n{result}");
            return result;
        }

        public async Task Apply(string name, string yaml) => await Ok("apply", "-f", Kubectl.WriteFile(name, yaml));

        /// <summary><c>rollout status</c> of something already rolling out; kubectl decides when it is done.</summary>
        public Task<KubectlResult> RolloutStatus(string target) => Ok("rollout", "status", target, "--timeout=60s");

        public async Task<List<JsonObject>> Pods(string selector)
        {
            var json = await Ok("get", "pods", "-l", selector, "-o", "json");
            return JsonNode.Parse(json.Stdout)!["items"]!.AsArray().OfType<JsonObject>().ToList();
        }
    }

    static async Task<Session> Start(string version, TimeProvider? time = null)
    {
        Assert.SkipUnless(Kubectl.Installed, "kubectl is not installed");
        var options = new SandboxOptions { KubeVersion = version, PodStartDelay = StartDelay, Time = time ?? TimeProvider.System };
        var cluster = await SandboxCluster.StartAsync(options, Ct);
        return new Session { Cluster = cluster, Kubectl = new Kubectl(cluster) };
    }

    /// <summary>Waits, re-checking on every change in the store, until <paramref name="condition"/> holds.</summary>
    static async Task WaitUntil(SandboxCluster cluster, Func<bool> condition, string what)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        using var watch = cluster.Store.Watch(null, null, cluster.Store.ResourceVersion);
        if (condition()) return;
        try
        {
            while (await watch.Events.WaitToReadAsync(cts.Token))
            {
                while (watch.Events.TryRead(out _))
                {
                }
                if (condition()) return;
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
        }
        throw new TimeoutException($"timed out waiting for {what}");
    }

    static List<JsonObject> StorePods(SandboxCluster cluster, string app) =>
        cluster.Store.List(ResourceKinds.Pods, "default", p => p.Labels().GetValueOrDefault("app") == app).Items;

    static string? Waiting(JsonObject pod, string container) =>
        pod.At("status", "containerStatuses").Objects().FirstOrDefault(c => c["name"].AsString() == container).At("state", "waiting", "reason").AsString();

    static string Image(JsonObject pod, string container) =>
        pod.At("spec", "containers").Objects().First(c => c["name"].AsString() == container)["image"].AsString()!;

    static bool IsReady(JsonObject pod) =>
        pod.At("status", "conditions").Objects().Any(c => c["type"].AsString() == "Ready" && c["status"].AsString() == "True");

    static bool IsTerminating(JsonObject pod) => pod.IsDeleting();

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    static string LastLine(KubectlResult r) => Lines(r.Stdout).LastOrDefault() ?? "";

    /// <summary>The text the simulated kubelet logs for a container that starts (PodLogs).</summary>
    static string StartedLog(string pod, string container, string image, int attempt = 1) =>
        $"[{container}] starting {image} in pod default/{pod} (attempt {attempt})\n[{container}] listening on 0.0.0.0:8080\n[{container}] ready\n";

    [GeneratedRegex("""^(Waiting for deployment spec update to be observed\.\.\.|Waiting for deployment "web" rollout to finish: (\d+ out of \d+ new replicas have been updated|\d+ old replicas are pending termination|\d+ of \d+ updated replicas are available)\.\.\.|deployment "web" successfully rolled out)$""")]
    private static partial Regex DeploymentMessage();

    static void ShouldBeDeploymentProgress(KubectlResult r)
    {
        LastLine(r).ShouldBe("deployment \"web\" successfully rolled out", r.ToString());
        Lines(r.Stdout).ShouldAllBe(l => DeploymentMessage().IsMatch(l), r.ToString());
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task SetImageThenRolloutStatus_Deployment_RollsOutAndKeepsTheLogShipper(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper());
        ShouldBeDeploymentProgress(await s.RolloutStatus("deployment/web"));

        var set = await s.Ok("set", "image", "deployment/web", "nginx=nginx:1.27");
        var status = await s.RolloutStatus("deployment/web");

        set.Stdout.ShouldBe("deployment.apps/web image updated\n");
        ShouldBeDeploymentProgress(status);
        var images = await s.Ok("get", "deploy", "web", "-o", "jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}");
        images.Stdout.ShouldBe("nginx=nginx:1.27 log-shipper=fluent/fluent-bit:2.2 ");
        var pods = (await s.Pods("app=web")).Where(p => !IsTerminating(p)).ToList();
        pods.Count.ShouldBe(2);
        pods.ShouldAllBe(p => Image(p, "nginx") == "nginx:1.27" && Image(p, "log-shipper") == "fluent/fluent-bit:2.2" && IsReady(p));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task RolloutHistoryThenUndo_AfterSetImage_ListsChangeCausesAndBringsThePreviousImageBack(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper(changeCause: "create web at nginx 1.25"));
        await s.RolloutStatus("deployment/web");
        await s.Ok("set", "image", "deployment/web", "nginx=nginx:1.27");
        await s.Ok("annotate", "deployment/web", "kubernetes.io/change-cause=set nginx to 1.27", "--overwrite");
        await s.RolloutStatus("deployment/web");

        var history = await s.Ok("rollout", "history", "deployment/web");
        var revision2 = await s.Ok("rollout", "history", "deployment/web", "--revision=2");
        var undo = await s.Ok("rollout", "undo", "deployment/web");
        var status = await s.RolloutStatus("deployment/web");
        var after = await s.Ok("rollout", "history", "deployment/web");

        Lines(history.Stdout).Select(l => Regex.Replace(l.TrimEnd(), @"\s{2,}", " | ")).ShouldBe(
            ["deployment.apps/web", "REVISION | CHANGE-CAUSE", "1 | create web at nginx 1.25", "2 | set nginx to 1.27"]);
        revision2.Stdout.ShouldStartWith("deployment.apps/web with revision #2\nPod Template:\n");
        revision2.Stdout.ShouldMatch(@"(?m)^\s+Image:\s+nginx:1\.27$");
        revision2.Stdout.ShouldMatch(@"(?m)^\s+Image:\s+fluent/fluent-bit:2\.2$");
        undo.Stdout.ShouldBe("deployment.apps/web rolled back\n");
        ShouldBeDeploymentProgress(status);
        // The first ReplicaSet comes back as revision 3 with its change cause; revision 1 is gone from the list.
        Lines(after.Stdout).Skip(2).Select(l => Regex.Replace(l.TrimEnd(), @"\s{2,}", " | ")).ShouldBe(
            ["2 | set nginx to 1.27", "3 | create web at nginx 1.25"]);
        var images = await s.Ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}");
        images.Stdout.ShouldBe("nginx:1.25 fluent/fluent-bit:2.2");
        var pods = (await s.Pods("app=web")).Where(p => !IsTerminating(p)).ToList();
        pods.Count.ShouldBe(2);
        pods.ShouldAllBe(p => Image(p, "nginx") == "nginx:1.25" && IsReady(p));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task ScaleThenRolloutStatus_ToFiveReplicas_FinishesWithFiveReadyPods(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper());
        await s.RolloutStatus("deployment/web");

        var scale = await s.Ok("scale", "deployment/web", "--replicas=5");
        var status = await s.RolloutStatus("deployment/web");

        scale.Stdout.ShouldBe("deployment.apps/web scaled\n");
        ShouldBeDeploymentProgress(status);
        var row = Lines((await s.Ok("get", "deploy", "web", "--no-headers")).Stdout).Single().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        row.Take(4).ShouldBe(["web", "5/5", "5", "5"]);
        var pods = (await s.Pods("app=web")).Where(p => !IsTerminating(p)).ToList();
        pods.Count.ShouldBe(5);
        pods.ShouldAllBe(p => IsReady(p));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task SetImage_NonexistentImage_OldPodsKeepServingWhileTheNewPodShowsThePullFailure(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper());
        await s.RolloutStatus("deployment/web");
        var oldPods = StorePods(s.Cluster, "web").Select(p => p.Name()).ToHashSet();

        await s.Ok("set", "image", "deployment/web", "nginx=nginx:nonexistent-1");
        // The kubelet's second try finds the image in back-off; that state then holds for ten seconds.
        await WaitUntil(s.Cluster, () => StorePods(s.Cluster, "web").Any(p => Waiting(p, "nginx") == "ImagePullBackOff"), "the new pod to reach ImagePullBackOff");
        var newPod = StorePods(s.Cluster, "web").Single(p => !oldPods.Contains(p.Name())).Name();

        var table = await s.Ok("get", "pods", "-l", "app=web");
        var pods = await s.Pods("app=web");
        var describe = await s.Ok("describe", "pod", newPod);
        var status = await s.Ok("rollout", "status", "deployment/web", "--watch=false");

        var rows = Lines(table.Stdout).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        rows[0].ShouldBe(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
        rows.Count.ShouldBe(4);
        rows.Single(r => r[0] == newPod)[1..3].ShouldBe(["1/2", "ImagePullBackOff"]);
        rows.Where(r => oldPods.Contains(r[0])).ShouldAllBe(r => r[1] == "2/2" && r[2] == "Running");
        var old = pods.Where(p => oldPods.Contains(p.Name())).ToList();
        old.Count.ShouldBe(2);
        old.ShouldAllBe(p => IsReady(p) && Image(p, "nginx") == "nginx:1.25");
        describe.Stdout.ShouldContain("Pulling image \"nginx:nonexistent-1\"");
        describe.Stdout.ShouldContain("Failed to pull image \"nginx:nonexistent-1\": rpc error: code = NotFound");
        describe.Stdout.ShouldContain("Back-off pulling image \"nginx:nonexistent-1\"");
        describe.Stdout.ShouldMatch(@"(?m)^\s+Reason:\s+ImagePullBackOff$");
        status.Stdout.ShouldBe("Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated...\n");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task RolloutUndo_AfterANonexistentImage_BringsBackTheWorkingPodsAndRemovesTheFailingOne(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper());
        await s.RolloutStatus("deployment/web");
        var oldPods = StorePods(s.Cluster, "web").Select(p => p.Name()).ToHashSet();
        await s.Ok("set", "image", "deployment/web", "nginx=nginx:nonexistent-1");
        await WaitUntil(s.Cluster, () => StorePods(s.Cluster, "web").Any(p => Waiting(p, "nginx") is "ErrImagePull" or "ImagePullBackOff"), "the new pod to fail its pull");
        var failing = StorePods(s.Cluster, "web").Single(p => !oldPods.Contains(p.Name())).Name();

        var undo = await s.Ok("rollout", "undo", "deployment/web");
        var status = await s.RolloutStatus("deployment/web");

        undo.Stdout.ShouldBe("deployment.apps/web rolled back\n");
        ShouldBeDeploymentProgress(status);
        // The pods that kept serving were never replaced: the first ReplicaSet simply became current again.
        var pods = (await s.Pods("app=web")).Where(p => !IsTerminating(p)).ToList();
        pods.Select(p => p.Name()).Order().ShouldBe(oldPods.Order());
        pods.ShouldAllBe(p => Image(p, "nginx") == "nginx:1.25" && IsReady(p));
        await WaitUntil(s.Cluster, () => s.Cluster.Store.Get(ResourceKinds.Pods, "default", failing) is null, "the failing pod to be deleted");
        var history = await s.Ok("rollout", "history", "deployment/web");
        Lines(history.Stdout).Skip(2).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ShouldBe(["2", "3"]);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task RolloutStatus_NonexistentImagePastTheProgressDeadline_FailsWithKubectlsError(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper(progressDeadlineSeconds: 2));
        await s.RolloutStatus("deployment/web");
        await s.Ok("set", "image", "deployment/web", "nginx=nginx:nonexistent-1");

        var status = await s.Run("rollout", "status", "deployment/web", "--timeout=60s");

        status.ExitCode.ShouldBe(1, status.ToString());
        status.Stderr.ShouldBe("error: deployment \"web\" exceeded its progress deadline\n");
        Lines(status.Stdout).ShouldAllBe(l => DeploymentMessage().IsMatch(l) && !l.Contains("successfully", StringComparison.Ordinal), status.ToString());
        var reason = await s.Ok("get", "deploy", "web", "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}");
        reason.Stdout.ShouldBe("ProgressDeadlineExceeded");
    }

    [GeneratedRegex("""^(Waiting for statefulset spec update to be observed\.\.\.|Waiting for \d+ pods to be ready\.\.\.|Waiting for partitioned roll out to finish: \d+ out of 2 new pods have been updated\.\.\.|partitioned roll out complete: 2 new pods have been updated\.\.\.)$""")]
    private static partial Regex StatefulSetMessage();

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task SetImageThenRolloutStatus_StatefulSet_EndsWithThePartitionedRollOutMessage(string version)
    {
        await using var s = await Start(version);
        await s.Apply("db.yaml", Manifests.StatefulSet("db"));
        await s.RolloutStatus("statefulset/db");

        await s.Ok("set", "image", "statefulset/db", "db=postgres:17");
        var status = await s.RolloutStatus("statefulset/db");

        // Defaulting gives the StatefulSet rollingUpdate.partition 0, so kubectl takes its partitioned branch.
        LastLine(status).ShouldBe("partitioned roll out complete: 2 new pods have been updated...", status.ToString());
        Lines(status.Stdout).ShouldAllBe(l => StatefulSetMessage().IsMatch(l), status.ToString());
        var images = await s.Ok("get", "pods", "db-0", "db-1", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}");
        images.Stdout.ShouldBe("db-0=postgres:17 db-1=postgres:17 ");
        var revisions = await s.Ok("get", "sts", "db", "-o", "jsonpath={.status.currentRevision}={.status.updateRevision}");
        var pair = revisions.Stdout.Split('=');
        pair[0].ShouldBe(pair[1]);
    }

    [GeneratedRegex("""^(Waiting for daemon set spec update to be observed\.\.\.|Waiting for daemon set "node-agent" rollout to finish: (\d+ out of 3 new pods have been updated|\d+ of 3 updated pods are available)\.\.\.|daemon set "node-agent" successfully rolled out)$""")]
    private static partial Regex DaemonSetMessage();

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task SetImageThenRolloutStatus_DaemonSet_EndsWithSuccessfullyRolledOut(string version)
    {
        await using var s = await Start(version);
        await s.Apply("agent.yaml", Manifests.DaemonSet("node-agent"));
        await s.RolloutStatus("daemonset/node-agent");

        await s.Ok("set", "image", "daemonset/node-agent", "agent=agent:1.1");
        var status = await s.RolloutStatus("daemonset/node-agent");

        LastLine(status).ShouldBe("daemon set \"node-agent\" successfully rolled out", status.ToString());
        Lines(status.Stdout).ShouldAllBe(l => DaemonSetMessage().IsMatch(l), status.ToString());
        var pods = (await s.Pods("app=node-agent")).Where(p => !IsTerminating(p)).ToList();
        pods.Select(p => p.At("spec", "nodeName").AsString()).Order().ShouldBe(["sandbox-node-1", "sandbox-node-2", "sandbox-node-3"]);
        pods.ShouldAllBe(p => Image(p, "agent") == "agent:1.1" && IsReady(p));
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Logs_DeploymentAndPod_PrintTheContainersDeterministicLines(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper());
        await s.RolloutStatus("deployment/web");
        var pods = StorePods(s.Cluster, "web").Select(p => p.Name()).Order(StringComparer.Ordinal).ToList();

        var byDeployment = await s.Ok("logs", "deploy/web", "-c", "nginx");
        var byPod = await s.Ok("logs", pods[0], "-c", "log-shipper");
        var defaulted = await s.Ok("logs", pods[1]);
        var tail = await s.Ok("logs", pods[1], "-c", "nginx", "--tail=1");
        var unknown = await s.Run("logs", pods[0], "-c", "nope");

        byDeployment.Stdout.ShouldBeOneOf([.. pods.Select(p => StartedLog(p, "nginx", "nginx:1.25"))]);
        byPod.Stdout.ShouldBe(StartedLog(pods[0], "log-shipper", "fluent/fluent-bit:2.2"));
        // Without -c kubectl picks the first container and says so on stderr.
        defaulted.Stdout.ShouldBe(StartedLog(pods[1], "nginx", "nginx:1.25"));
        defaulted.Stderr.ShouldBe("Defaulted container \"nginx\" out of: nginx, log-shipper\n");
        tail.Stdout.ShouldBe("[nginx] ready\n");
        unknown.ExitCode.ShouldBe(1);
        unknown.Stderr.ShouldBe($"error: container nope is not valid for pod {pods[0]}\n");
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task Logs_CrashLoopPodPrevious_PrintsTheRunThatExited(string version)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var s = await Start(version, time);
        await s.Apply("crash.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: worker
            spec:
              containers:
              - name: worker
                image: example/worker:crashloop
            """);
        // The fake clock holds each state while kubectl reads it: start, run one second, exit 1, restart at once.
        await WaitUntil(s.Cluster, () => s.Cluster.Store.Get(ResourceKinds.Pods, "default", "worker")?.At("status", "containerStatuses") is not null, "the kubelet to admit the pod");
        await SandboxClock.AdvanceAsync(s.Cluster, time, StartDelay);
        PodUtil.Phase(s.Cluster.Store.Get(ResourceKinds.Pods, "default", "worker")!).ShouldBe("Running");
        await SandboxClock.AdvanceAsync(s.Cluster, time, Kubelet.CrashRunTime);
        var pod = s.Cluster.Store.Get(ResourceKinds.Pods, "default", "worker")!;
        pod.At("status", "containerStatuses").Objects().Single()["restartCount"].AsInt().ShouldBe(1, pod.ToJsonString());

        var previous = await s.Run("logs", "worker", "--previous");
        var current = await s.Ok("logs", "worker");
        var table = await s.Ok("get", "pod", "worker", "--no-headers");

        previous.ExitCode.ShouldBe(0, previous.ToString());
        previous.Stdout.ShouldBe("""
            [worker] starting example/worker:crashloop in pod default/worker (attempt 1)
            [worker] loading configuration from /etc/worker/config.yaml
            [worker] fatal: required setting DATABASE_URL is empty
            [worker] exiting with code 1

            """);
        current.Stdout.ShouldStartWith("[worker] starting example/worker:crashloop in pod default/worker (attempt 2)\n");
        table.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..4].ShouldBe(["0/1", "Running", "1"]);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    public async Task RolloutRestart_Deployment_CreatesANewReplicaSetAndRollsOut(string version)
    {
        await using var s = await Start(version);
        await s.Apply("web.yaml", Manifests.WebWithLogShipper());
        await s.RolloutStatus("deployment/web");
        var before = StorePods(s.Cluster, "web").Select(p => p.Name()).ToHashSet();

        var restart = await s.Ok("rollout", "restart", "deployment/web");
        var status = await s.RolloutStatus("deployment/web");

        restart.Stdout.ShouldBe("deployment.apps/web restarted\n");
        ShouldBeDeploymentProgress(status);
        var replicaSets = Lines((await s.Ok("get", "rs", "-l", "app=web", "--no-headers", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision")).Stdout)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        replicaSets.Count.ShouldBe(2);
        replicaSets[0][1..4].ShouldBe(["0", "0", "0"]);
        replicaSets[1][1..4].ShouldBe(["2", "2", "2"]);
        var restartedAt = await s.Ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}");
        DateTimeOffset.TryParse(restartedAt.Stdout, System.Globalization.CultureInfo.InvariantCulture, out _).ShouldBeTrue(restartedAt.Stdout);
        var pods = (await s.Pods("app=web")).Where(p => !IsTerminating(p)).ToList();
        pods.Count.ShouldBe(2);
        var newHash = replicaSets[1][0]["web-".Length..];
        pods.ShouldAllBe(p => !before.Contains(p.Name()) && IsReady(p) && p.Labels()["pod-template-hash"] == newHash);
    }
}
