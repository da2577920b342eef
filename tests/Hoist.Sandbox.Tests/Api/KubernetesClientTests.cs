using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Store;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>The KubernetesClient library (what Hoist uses) against an in-process sandbox.</summary>
public class KubernetesClientTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<(SandboxCluster Cluster, Kubernetes Client)> Start(SandboxOptions? options = null)
    {
        var cluster = await SandboxCluster.StartAsync(options ?? Bare, Ct);
        return (cluster, new Kubernetes(cluster.ClientConfiguration()));
    }

    /// <summary>
    /// These are tests of API semantics (exact watch sequences, resourceVersions, 409s), so the cluster runs without
    /// controllers: a controller's status write in between would be a real-cluster race, not what is under test.
    /// </summary>
    static SandboxOptions Bare => new() { RunControllers = false };

    static V1Status StatusOf(HttpOperationException e) => KubernetesJson.Deserialize<V1Status>(e.Response.Content);

    [Fact]
    public async Task List_AfterApply_ReturnsDefaultedDeployments()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment("web") + "\n---\n" + Manifests.Deployment("api", replicas: 3), Ct);

        var list = await client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: Ct);

        list.Items.Select(d => d.Metadata.Name).ShouldBe(["api", "web"]);
        var web = list.Items[1];
        web.Spec.Replicas.ShouldBe(2);
        web.Spec.Strategy.Type.ShouldBe("RollingUpdate");
        web.Spec.Strategy.RollingUpdate.MaxSurge.Value.ShouldBe("25%");
        web.Spec.ProgressDeadlineSeconds.ShouldBe(600);
        web.Metadata.Generation.ShouldBe(1);
        web.Metadata.Uid.ShouldNotBeNullOrEmpty();
        long.Parse(list.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(cluster.Store.ResourceVersion);
        (await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: Ct)).Items.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Create_ThroughClient_IsDefaultedAndReadable()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.25" }] },
                },
            },
        };

        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default", cancellationToken: Ct);
        var read = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct);

        created.Spec.Replicas.ShouldBe(1);
        read.Metadata.ResourceVersion.ShouldBe(created.Metadata.ResourceVersion);
        read.Spec.Template.Spec.Containers[0].ImagePullPolicy.ShouldBe("IfNotPresent");
    }

    [Fact]
    public async Task Read_Missing_SurfacesNotFoundStatus()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.ReadNamespacedDeploymentAsync("nope", "default", cancellationToken: Ct));

        ex.Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var status = StatusOf(ex);
        status.Reason.ShouldBe("NotFound");
        status.Message.ShouldBe("deployments.apps \"nope\" not found");
        status.Details.Group.ShouldBe("apps");
        status.Details.Kind.ShouldBe("deployments");
        status.Code.ShouldBe(404);
    }

    [Fact]
    public async Task Create_Twice_SurfacesAlreadyExists()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        var existing = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct);
        existing.Metadata.ResourceVersion = null;

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.CreateNamespacedDeploymentAsync(existing, "default", cancellationToken: Ct));

        ex.Response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        StatusOf(ex).Reason.ShouldBe("AlreadyExists");
        StatusOf(ex).Message.ShouldBe("deployments.apps \"web\" already exists");
    }

    [Fact]
    public async Task Replace_WithStaleResourceVersion_SurfacesConflict()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        var stale = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct);
        var fresh = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct);
        fresh.Spec.Replicas = 4;
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(fresh, "web", "default", cancellationToken: Ct);
        stale.Spec.Replicas = 7;

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.ReplaceNamespacedDeploymentAsync(stale, "web", "default", cancellationToken: Ct));

        ex.Response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        StatusOf(ex).Reason.ShouldBe("Conflict");
        StatusOf(ex).Message.ShouldBe("Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again");
        (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct)).Spec.Replicas.ShouldBe(4);
    }

    [Fact]
    public async Task Create_Invalid_SurfacesUnprocessableWithCauses()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        var bad = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Replicas = -1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
                },
            },
        };

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.CreateNamespacedDeploymentAsync(bad, "default", cancellationToken: Ct));

        ex.Response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var status = StatusOf(ex);
        status.Reason.ShouldBe("Invalid");
        status.Details.Kind.ShouldBe("Deployment");
        status.Details.Causes.Single().Field.ShouldBe("spec.replicas");
        status.Details.Causes.Single().Message.ShouldBe("Invalid value: -1: must be greater than or equal to 0");
    }

    [Fact]
    public async Task Create_InMissingNamespace_SurfacesNamespaceNotFound()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;

        var ex = await Should.ThrowAsync<ApiException>(() => cluster.ApplyAsync(Manifests.Deployment(ns: "shop"), Ct));
        ex.Message.ShouldBe("namespaces \"shop\" not found");

        await cluster.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n" + Manifests.Deployment(ns: "shop"), Ct);
        (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: Ct)).Metadata.NamespaceProperty.ShouldBe("shop");
    }

    [Fact]
    public async Task Patch_StrategicMerge_ChangesOneImageAndKeepsTheSidecar()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        var patch = new V1Patch("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],"containers":[{"image":"nginx:1.26","name":"app"}]}}}}""",
            V1Patch.PatchType.StrategicMergePatch);

        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(patch, "web", "default", fieldManager: "hoist", cancellationToken: Ct);

        patched.Spec.Template.Spec.Containers.Select(c => (c.Name, c.Image)).ShouldBe([("app", "nginx:1.26"), ("sidecar", "busybox:1.36")]);
        patched.Metadata.Generation.ShouldBe(2);
        cluster.Stats.Count("patch", "deployments").ShouldBe(1);
    }

    [Fact]
    public async Task Patch_MergeAndJsonPatch_BothApply()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"team":"a"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""[{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/metadata/labels/team","value":"a"}]""", V1Patch.PatchType.JsonPatch),
            "web", "default", cancellationToken: Ct);

        patched.Spec.Replicas.ShouldBe(5);
        patched.Metadata.Labels["team"].ShouldBe("a");
    }

    [Fact]
    public async Task Patch_CarryingStaleResourceVersion_SurfacesConflict()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"resourceVersion":"1"},"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct));

        ex.Response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Patch_ThatCannotApply_SurfacesUnprocessable()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""[{"op":"replace","path":"/spec/nothing/here","value":1}]""", V1Patch.PatchType.JsonPatch), "web", "default", cancellationToken: Ct));

        ex.Response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        StatusOf(ex).Details.Causes.Single().Message.ShouldContain("/spec/nothing/here");
    }

    [Fact]
    public async Task Watch_FromListResourceVersion_DeliversLaterChangesInOrder()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment("web"), Ct);
        var list = await client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(30));
        var seen = new List<(WatchEventType, string, int?)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, d) in client.AppsV1.WatchListNamespacedDeploymentAsync("default", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stop.Token))
            {
                seen.Add((type, d.Metadata.Name, d.Spec.Replicas));
                if (d.Metadata.Name == "sentinel") break;
            }
        }, Ct);

        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        await client.AppsV1.DeleteNamespacedDeploymentAsync("web", "default", cancellationToken: Ct);
        await cluster.ApplyAsync(Manifests.Deployment("sentinel", replicas: 1), Ct);
        await watching;

        seen.ShouldBe([(WatchEventType.Modified, "web", 4), (WatchEventType.Deleted, "web", 4), (WatchEventType.Added, "sentinel", 1)]);
    }

    [Fact]
    public async Task Watch_ResumedFromAResourceVersion_ReceivesExactlyTheLaterChanges()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment("a"), Ct);
        var a = await client.AppsV1.ReadNamespacedDeploymentAsync("a", "default", cancellationToken: Ct);
        await cluster.ApplyAsync(Manifests.Deployment("b"), Ct);
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":9}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: Ct);
        await cluster.ApplyAsync(Manifests.Deployment("sentinel"), Ct);

        var seen = new List<string>();
        await foreach (var (type, d) in client.AppsV1.WatchListNamespacedDeploymentAsync("default", resourceVersion: a.Metadata.ResourceVersion, cancellationToken: Ct))
        {
            seen.Add($"{type} {d.Metadata.Name} {d.Spec.Replicas}");
            if (d.Metadata.Name == "sentinel") break;
        }

        seen.ShouldBe(["Added b 2", "Modified a 9", "Added sentinel 2"]);
    }

    [Fact]
    public async Task Watch_FromResourceVersionZero_StartsWithSyntheticAdds()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment("a") + "\n---\n" + Manifests.Deployment("b"), Ct);

        var seen = new List<string>();
        await foreach (var (type, d) in client.AppsV1.WatchListNamespacedDeploymentAsync("default", resourceVersion: "0", cancellationToken: Ct))
        {
            seen.Add($"{type} {d.Metadata.Name}");
            if (seen.Count == 2) break;
        }

        seen.ShouldBe(["Added a", "Added b"]);
    }

    [Fact]
    public async Task Watch_TooOldResourceVersion_SurfacesExpiredAndCloses()
    {
        var (cluster, client) = await Start(new SandboxOptions { RunControllers = false, WatchHistory = 5 });
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment("web"), Ct);
        var old = (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct)).Metadata.ResourceVersion;
        for (var i = 0; i < 10; i++)
            await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":" + i + "}}", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        var errors = new List<Exception>();
        var events = 0;
        await foreach (var _e in client.AppsV1.WatchListNamespacedDeploymentAsync("default", resourceVersion: old, onError: errors.Add, cancellationToken: Ct))
            events++;

        events.ShouldBe(0);
        var expired = errors.ShouldHaveSingleItem().ShouldBeOfType<KubernetesException>();
        expired.Status.Code.ShouldBe(410);
        expired.Status.Reason.ShouldBe("Expired");
        expired.Status.Message.ShouldStartWith($"too old resource version: {old} (");
    }

    [Fact]
    public async Task Watch_LabelSelector_SendsDeletedWhenAnObjectStopsMatchingAndAddedWhenItMatchesAgain()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment("web"), Ct);
        var rv = (await client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: Ct)).Metadata.ResourceVersion;
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"app":"other"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"app":"web"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        var seen = new List<string>();
        await foreach (var (type, d) in client.AppsV1.WatchListNamespacedDeploymentAsync("default", labelSelector: "app=web", resourceVersion: rv, cancellationToken: Ct))
        {
            seen.Add($"{type} {d.Metadata.Labels["app"]} {d.Spec.Replicas}");
            if (seen.Count == 2) break;
        }

        // The DELETED event carries the last matching state; the relabel back is an ADDED.
        seen.ShouldBe(["Deleted web 2", "Added web 3"]);
    }

    [Fact]
    public async Task Watch_ByNameAsRolloutStatusDoes_SeesOnlyThatObjectAndEndsAtTimeout()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment("web") + "\n---\n" + Manifests.Deployment("api"), Ct);
        var rv = (await client.AppsV1.ListNamespacedDeploymentAsync("default", fieldSelector: "metadata.name=web", cancellationToken: Ct)).Metadata.ResourceVersion;
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "api", "default", cancellationToken: Ct);
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":6}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        var seen = new List<string>();
        await foreach (var (type, d) in client.AppsV1.WatchListNamespacedDeploymentAsync("default", fieldSelector: "metadata.name=web", resourceVersion: rv, timeoutSeconds: 1, cancellationToken: Ct))
            seen.Add($"{type} {d.Metadata.Name} {d.Spec.Replicas}");

        seen.ShouldBe(["Modified web 6"]);
    }

    [Fact]
    public async Task Scale_ThroughTheSubresource_ChangesReplicas()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default", cancellationToken: Ct);
        scale.Spec.Replicas = 7;
        var updated = await client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default", cancellationToken: Ct);
        var patched = await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":8}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        scale.Status.Selector.ShouldBe("app=web");
        updated.Spec.Replicas.ShouldBe(7);
        patched.Spec.Replicas.ShouldBe(8);
        (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct)).Spec.Replicas.ShouldBe(8);
    }

    [Fact]
    public async Task Status_UpdateThroughSubresource_KeepsSpecAndMainUpdateKeepsStatus()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var withStatus = await client.AppsV1.PatchNamespacedDeploymentStatusAsync(
            new V1Patch("""{"spec":{"replicas":9},"status":{"replicas":2,"readyReplicas":1}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        var main = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"status":{"replicas":0}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        withStatus.Spec.Replicas.ShouldBe(2);
        withStatus.Status.ReadyReplicas.ShouldBe(1);
        main.Status.Replicas.ShouldBe(2);
    }

    [Fact]
    public async Task Delete_Deployment_AnswersSuccessStatusAndIsGone()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var status = await client.AppsV1.DeleteNamespacedDeploymentAsync("web", "default", cancellationToken: Ct);

        status.Status.ShouldBe("Success");
        status.Details.Name.ShouldBe("web");
        cluster.Store.Get(ResourceKinds.Deployments, "default", "web").ShouldBeNull();
    }

    [Fact]
    public async Task Create_DryRun_ValidatesAndDefaultsWithoutStoring()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "x:1" }] } };

        var result = await client.CoreV1.CreateNamespacedPodAsync(pod, "default", dryRun: "All", cancellationToken: Ct);

        result.Spec.RestartPolicy.ShouldBe("Always");
        result.Status.Phase.ShouldBe("Pending");
        cluster.Store.Get(ResourceKinds.Pods, "default", "p").ShouldBeNull();
    }

    [Fact]
    public async Task List_WithLimit_PagesWithContinueTokens()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(string.Join("\n---\n", Enumerable.Range(1, 5).Select(i => Manifests.Deployment($"d{i}"))), Ct);

        var names = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await client.AppsV1.ListNamespacedDeploymentAsync("default", continueParameter: next, limit: 2, cancellationToken: Ct);
            names.AddRange(page.Items.Select(d => d.Metadata.Name));
            next = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(next));

        pages.ShouldBe(3);
        names.ShouldBe(["d1", "d2", "d3", "d4", "d5"]);
    }

    [Fact]
    public async Task BearerToken_IsRequiredWhenConfigured()
    {
        var (cluster, client) = await Start(new SandboxOptions { RunControllers = false, BearerToken = "s3cret" });
        await using var _ = cluster;
        using var __ = client;
        var anonymousConfig = cluster.ClientConfiguration();
        anonymousConfig.AccessToken = null;
        using var anonymous = new Kubernetes(anonymousConfig);
        var wrongConfig = cluster.ClientConfiguration();
        wrongConfig.AccessToken = "wrong";
        using var wrong = new Kubernetes(wrongConfig);

        (await client.CoreV1.ListNamespaceAsync(cancellationToken: Ct)).Items.ShouldNotBeEmpty();
        var ex = await Should.ThrowAsync<HttpOperationException>(() => anonymous.CoreV1.ListNamespaceAsync(cancellationToken: Ct));
        ex.Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        StatusOf(ex).Reason.ShouldBe("Unauthorized");
        (await Should.ThrowAsync<HttpOperationException>(() => wrong.CoreV1.ListNamespaceAsync(cancellationToken: Ct))).Response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.Version.GetCodeAsync(Ct)).Minor.ShouldBe("33");
    }

    [Fact]
    public async Task Faults_ErrorRate_AnswersInternalErrorUntilCleared()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        cluster.Faults = new FaultSettings { ErrorRate = 1 };

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: Ct));
        ex.Response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        StatusOf(ex).Reason.ShouldBe("InternalError");

        cluster.Faults = FaultSettings.None;
        (await client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: Ct)).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Faults_ConflictRate_FailsWritesButNotReads()
    {
        var (cluster, client) = await Start(new SandboxOptions { RunControllers = false, Faults = new FaultSettings { ConflictRate = 1 } });
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: Ct)).Metadata.Name.ShouldBe("web");
        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct));
        ex.Response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        StatusOf(ex).Reason.ShouldBe("Conflict");
        cluster.Stats.Count("patch", "deployments").ShouldBe(1);
    }

    [Fact]
    public async Task Faults_Denied_ForbidsTheRequestAndAccessReviewSaysSo()
    {
        var (cluster, client) = await Start(new SandboxOptions { RunControllers = false, BearerToken = "t" });
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        cluster.Faults = new FaultSettings { Denied = ["patch deployments"] };

        var ex = await Should.ThrowAsync<HttpOperationException>(() => client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct));
        ex.Response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        StatusOf(ex).Message.ShouldBe("deployments.apps \"web\" is forbidden: User \"system:serviceaccount:default:sandbox\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"default\"");

        async Task<bool> Allowed(string verb) => (await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes { Verb = verb, Group = "apps", Resource = "deployments", NamespaceProperty = "default", Name = "web" },
            },
        }, cancellationToken: Ct)).Status.Allowed;
        (await Allowed("patch")).ShouldBeFalse();
        (await Allowed("get")).ShouldBeTrue();
    }

    [Fact]
    public async Task Faults_WatchCloseAfter_EndsTheWatchStream()
    {
        var (cluster, client) = await Start(new SandboxOptions { RunControllers = false, Faults = new FaultSettings { WatchCloseAfterSeconds = 1 } });
        await using var _ = cluster;
        using var __ = client;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);

        var events = new List<WatchEventType>();
        await foreach (var (type, _d) in client.AppsV1.WatchListNamespacedDeploymentAsync("default", timeoutSeconds: 300, cancellationToken: Ct))
            events.Add(type);

        events.ShouldBe([WatchEventType.Added]);
        cluster.Stats.Count("watch", "deployments").ShouldBe(1);
    }

    [Fact]
    public async Task Watch_WithBookmarks_SendsOneBeforeTheTimeoutSoAnIdleWatchEndsCleanly()
    {
        var (cluster, client) = await Start();
        await using var _ = cluster;
        using var __ = client;
        var rv = (await client.AppsV1.ListNamespacedDeploymentAsync("default", cancellationToken: Ct)).Metadata.ResourceVersion;

        var events = new List<(WatchEventType, string)>();
        await foreach (var (type, d) in client.AppsV1.WatchListNamespacedDeploymentAsync("default", allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: 1, cancellationToken: Ct))
            events.Add((type, d.Metadata.ResourceVersion));

        events.ShouldBe([(WatchEventType.Bookmark, rv)]);
    }
}
