using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>Wire-level behaviour: status bodies, headers, discovery, OpenAPI, Table output, control endpoints.</summary>
public class HttpApiTests
{
    const string KubectlGetAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<(SandboxCluster, HttpClient)> Start(SandboxOptions? options = null)
    {
        var cluster = await SandboxCluster.StartAsync(options ?? new SandboxOptions(), Ct);
        return (cluster, new HttpClient { BaseAddress = cluster.Url });
    }

    static async Task<JsonObject> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();

    [Fact]
    public async Task UnknownPath_AnswersNotFoundStatusWithApiserverHeaders()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        var response = await http.GetAsync("/apis/example.com/v1/widgets", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        response.Headers.CacheControl!.ToString().ShouldBe("no-cache, private");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}""" + "\n");
    }

    [Fact]
    public async Task Patch_WithApplyPatchContentType_IsUnsupportedMediaType()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/apis/apps/v1/namespaces/default/deployments/web")
        {
            Content = new StringContent("spec:\n  replicas: 3\n", Encoding.UTF8, "application/apply-patch+yaml"),
        };

        var response = await http.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await Json(response))["reason"]!.GetValue<string>().ShouldBe("UnsupportedMediaType");
    }

    [Fact]
    public async Task Get_WithKubectlTableAccept_AnswersTableWithPartialObjectMetadataRows()
    {
        var (cluster, http) = await Start(new SandboxOptions { RunControllers = false });
        await using var _ = cluster;
        using var __ = http;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments?limit=500");
        request.Headers.TryAddWithoutValidation("Accept", KubectlGetAccept);

        var table = await Json(await http.SendAsync(request, Ct));

        table["kind"]!.GetValue<string>().ShouldBe("Table");
        table["apiVersion"]!.GetValue<string>().ShouldBe("meta.k8s.io/v1");
        table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())
            .ShouldBe(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]);
        var row = table["rows"]![0]!;
        row["cells"]![1]!.GetValue<string>().ShouldBe("0/2");
        row["object"]!["kind"]!.GetValue<string>().ShouldBe("PartialObjectMetadata");
        row["object"]!["metadata"]!["name"]!.GetValue<string>().ShouldBe("web");
        row["object"]!.AsObject().ContainsKey("spec").ShouldBeFalse();
    }

    [Fact]
    public async Task Watch_WithTableAccept_StreamsOneRowTablesAsKubectlGetWatchExpects()
    {
        var (cluster, http) = await Start(new SandboxOptions { RunControllers = false });
        await using var _ = cluster;
        using var __ = http;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/apis/apps/v1/namespaces/default/deployments?watch=true&resourceVersion={cluster.Store.ResourceVersion}");
        request.Headers.TryAddWithoutValidation("Accept", KubectlGetAccept);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        cluster.Writer.Patch(ResourceKinds.Deployments, "default", "web", Sandbox.Api.PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":4}}""")!);
        cluster.Writer.Patch(ResourceKinds.Deployments, "default", "web", Sandbox.Api.PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":5}}""")!);
        var first = JsonNode.Parse((await reader.ReadLineAsync(Ct))!)!;
        var second = JsonNode.Parse((await reader.ReadLineAsync(Ct))!)!;

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        first["type"]!.GetValue<string>().ShouldBe("MODIFIED");
        first["object"]!["kind"]!.GetValue<string>().ShouldBe("Table");
        first["object"]!["columnDefinitions"]!.AsArray().Count.ShouldBe(8);
        first["object"]!["rows"]![0]!["cells"]![1]!.GetValue<string>().ShouldBe("0/4");
        second["object"]!["columnDefinitions"]!.AsArray().Count.ShouldBe(0);
        second["object"]!["rows"]![0]!["cells"]![1]!.GetValue<string>().ShouldBe("0/5");
    }

    [Fact]
    public async Task Discovery_DescribesResourcesAndTheScaleKind()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        var apps = await Json(await http.GetAsync("/apis/apps/v1", Ct));
        var core = await Json(await http.GetAsync("/api/v1", Ct));
        var groups = await Json(await http.GetAsync("/apis", Ct));

        var resources = apps["resources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var deployments = resources.Single(r => r["name"]!.GetValue<string>() == "deployments");
        deployments["shortNames"]![0]!.GetValue<string>().ShouldBe("deploy");
        deployments["categories"]![0]!.GetValue<string>().ShouldBe("all");
        var scale = resources.Single(r => r["name"]!.GetValue<string>() == "deployments/scale");
        (scale["group"]!.GetValue<string>(), scale["version"]!.GetValue<string>(), scale["kind"]!.GetValue<string>()).ShouldBe(("autoscaling", "v1", "Scale"));
        core["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ShouldContain("pods/log");
        groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ShouldBe(["apps", "batch", "authorization.k8s.io"]);
    }

    [Fact]
    public async Task OpenApi_DeclaresFieldValidationOnEveryPatchOperation()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        var root = await Json(await http.GetAsync("/openapi/v3", Ct));
        var url = root["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!.GetValue<string>();
        var doc = await Json(await http.GetAsync(url, Ct));
        var v2 = await http.GetByteArrayAsync("/openapi/v2", Ct);

        var patch = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        patch["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>().ShouldBe("Deployment");
        patch["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldContain("fieldValidation");
        Encoding.UTF8.GetString(v2).ShouldContain("fieldValidation");
        Encoding.UTF8.GetString(v2).ShouldContain("x-kubernetes-group-version-kind");
    }

    [Fact]
    public async Task Version_ReportsTheConfiguredKubeVersion()
    {
        var (cluster, http) = await Start(new SandboxOptions { KubeVersion = "1.27" });
        await using var _ = cluster;
        using var __ = http;

        var version = await Json(await http.GetAsync("/version?timeout=5s", Ct));

        version["major"]!.GetValue<string>().ShouldBe("1");
        version["minor"]!.GetValue<string>().ShouldBe("27");
        version["gitVersion"]!.GetValue<string>().ShouldBe("v1.27.16");
    }

    [Fact]
    public async Task ControlEndpoints_SetFaultsAndCountRequests()
    {
        var (cluster, http) = await Start(new SandboxOptions { BearerToken = "t" });
        await using var _ = cluster;
        using var __ = http;
        var authorized = new AuthenticationHeaderValue("Bearer", "t");
        async Task<HttpStatusCode> ListDeployments()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments");
            request.Headers.Authorization = authorized;
            return (await http.SendAsync(request, Ct)).StatusCode;
        }

        (await ListDeployments()).ShouldBe(HttpStatusCode.OK);
        var put = await http.PutAsync("/sandbox/v1/faults", new StringContent("""{"errorRate":1,"latencyMs":5}""", Encoding.UTF8, "application/json"), Ct);
        (await ListDeployments()).ShouldBe(HttpStatusCode.InternalServerError);
        var stats = await Json(await http.GetAsync("/sandbox/v1/stats", Ct));
        await http.DeleteAsync("/sandbox/v1/stats", Ct);
        var reset = await Json(await http.GetAsync("/sandbox/v1/stats", Ct));
        var bad = await http.PutAsync("/sandbox/v1/faults", new StringContent("""{"errorRate":2}""", Encoding.UTF8, "application/json"), Ct);

        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Json(put))["errorRate"]!.GetValue<double>().ShouldBe(1);
        cluster.Faults.LatencyMs.ShouldBe(5);
        stats["list deployments"]!.GetValue<long>().ShouldBe(2);
        reset.Count.ShouldBe(0);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Delete_Namespace_RemovesItsObjectsAndAnswersTerminating()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;
        await cluster.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n" + Manifests.Deployment(ns: "shop"), Ct);

        var deleted = await Json(await http.DeleteAsync("/api/v1/namespaces/shop", Ct));
        var protectedNs = await http.DeleteAsync("/api/v1/namespaces/default", Ct);

        deleted["status"]!["phase"]!.GetValue<string>().ShouldBe("Terminating");
        cluster.Store.Get(ResourceKinds.Deployments, "shop", "web").ShouldBeNull();
        protectedNs.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>A bare API server (no kubelet to finish the deletion) with one pod bound to a node.</summary>
    static async Task<(SandboxCluster, HttpClient)> StartWithScheduledPod()
    {
        var (cluster, http) = await Start(new SandboxOptions { RunControllers = false });
        cluster.Writer.Create(ResourceKinds.Pods, "default", JsonNode.Parse("""
            {"metadata":{"name":"web"},"spec":{"nodeName":"sandbox-node-1","terminationGracePeriodSeconds":20,"containers":[{"name":"app","image":"nginx:1.25"}]}}
            """)!.AsObject());
        return (cluster, http);
    }

    [Fact]
    public async Task Delete_ScheduledPod_AnswersThePodMarkedForGracefulDeletion()
    {
        var (cluster, http) = await StartWithScheduledPod();
        await using var _ = cluster;
        using var __ = http;

        var response = await http.DeleteAsync("/api/v1/namespaces/default/pods/web", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await Json(response);
        body["kind"]!.GetValue<string>().ShouldBe("Pod");
        body["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>().ShouldBe(20);
        body["metadata"]!["deletionTimestamp"].ShouldNotBeNull();
        cluster.Store.Get(ResourceKinds.Pods, "default", "web")!.Meta().Str("deletionTimestamp")
            .ShouldBe(body["metadata"]!["deletionTimestamp"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?gracePeriodSeconds=0", null)]
    [InlineData("", """{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,"propagationPolicy":"Background"}""")]
    public async Task Delete_PodWithGracePeriodZero_RemovesItAtOnce(string query, string? body)
    {
        var (cluster, http) = await StartWithScheduledPod();
        await using var _ = cluster;
        using var __ = http;
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/namespaces/default/pods/web" + query);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await http.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Json(response))["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>().ShouldBe(0);
        cluster.Store.Get(ResourceKinds.Pods, "default", "web").ShouldBeNull();
    }

    [Fact]
    public async Task Delete_PodDryRun_AnswersWhatTheDeleteWouldWriteAndChangesNothing()
    {
        var (cluster, http) = await StartWithScheduledPod();
        await using var _ = cluster;
        using var __ = http;
        var before = cluster.Store.ResourceVersion;

        var body = await Json(await http.DeleteAsync("/api/v1/namespaces/default/pods/web?dryRun=All", Ct));

        body["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<long>().ShouldBe(20);
        cluster.Store.ResourceVersion.ShouldBe(before);
        cluster.Store.Get(ResourceKinds.Pods, "default", "web")!.Meta()["deletionTimestamp"].ShouldBeNull();
    }

    [Fact]
    public async Task Delete_GracePeriodThatIsNotANumber_IsBadRequest()
    {
        var (cluster, http) = await StartWithScheduledPod();
        await using var _ = cluster;
        using var __ = http;

        var response = await http.DeleteAsync("/api/v1/namespaces/default/pods/web?gracePeriodSeconds=soon", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        cluster.Store.Get(ResourceKinds.Pods, "default", "web").ShouldNotBeNull();
    }

    [Fact]
    public async Task WrongVerbOrScope_AnswersLikeTheApiserver()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        (await http.PostAsync("/apis/apps/v1/namespaces/default/deployments/web", new StringContent("{}"), Ct)).StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        (await http.GetAsync("/apis/apps/v1/deployments/web", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("/apis/apps/v1/namespaces/default/deployments/web/exec", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var badSelector = await http.GetAsync("/api/v1/namespaces/default/pods?fieldSelector=spec.image%3Dx", Ct);
        badSelector.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Json(badSelector))["message"]!.GetValue<string>().ShouldBe("field label not supported: spec.image");
    }

    [Fact]
    public async Task Create_YamlBody_IsAccepted()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        var response = await http.PostAsync("/apis/apps/v1/namespaces/default/deployments",
            new StringContent(Manifests.Deployment(), Encoding.UTF8, "application/yaml"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        cluster.Store.Get(ResourceKinds.Deployments, "default", "web").ShouldNotBeNull();
    }

    [Fact]
    public async Task ApplyAsync_RecordsLastAppliedAndReplacesOnSecondApply()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        await cluster.ApplyAsync(Manifests.Deployment(image: "nginx:1.25"), Ct);
        await cluster.ApplyAsync(Manifests.Deployment(image: "nginx:1.26"), Ct);

        var d = cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.26");
        d.Meta().Long("generation").ShouldBe(2);
        d.Annotations()["kubectl.kubernetes.io/last-applied-configuration"].ShouldContain("nginx:1.26");
    }
}
