using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Store;
using Hoist.Sandbox.Tests.Protobuf;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>Kubernetes protobuf request bodies over HTTP: decoded for every write verb, answered in JSON, 400 when malformed.</summary>
public class ProtobufBodyTests
{
    const string Protobuf = "application/vnd.kubernetes.protobuf";

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<(SandboxCluster, HttpClient)> Start()
    {
        var cluster = await SandboxCluster.StartAsync(new SandboxOptions { RunControllers = false }, Ct);
        var http = new HttpClient { BaseAddress = cluster.Url };
        // What kubectl 1.33's typed clients send.
        http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.kubernetes.protobuf,application/json");
        return (cluster, http);
    }

    static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        return content;
    }

    static async Task<JsonObject> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();

    [Fact]
    public async Task Post_ProtobufDeployment_CreatesItAndAnswersJson()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        var response = await http.PostAsync("/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create",
            Body(Convert.FromBase64String(KubectlCaptures.CreateDeploymentWeb)), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await Json(response))["metadata"]!["uid"].ShouldNotBeNull();
        var stored = cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!;
        stored["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
        stored["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.25");
    }

    [Fact]
    public async Task Post_ProtobufDeploymentWithZeroReplicas_KeepsTheExplicitZero()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;

        var response = await http.PostAsync("/apis/apps/v1/namespaces/default/deployments",
            Body(Convert.FromBase64String(KubectlCaptures.CreateDeploymentZero)), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        var spec = cluster.Store.Get(ResourceKinds.Deployments, "default", "zero")!["spec"]!;
        spec["replicas"]!.GetValue<int>().ShouldBe(0);
        spec["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>().ShouldBe(8080);
    }

    [Theory]
    [InlineData("truncated", 40)]
    [InlineData("only the prefix", 4)]
    public async Task Post_MalformedProtobuf_AnswersBadRequestStatus(string why, int keep)
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;
        var body = Convert.FromBase64String(KubectlCaptures.CreateDeploymentWeb)[..keep];

        var response = await http.PostAsync("/apis/apps/v1/namespaces/default/deployments", Body(body), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, why);
        var status = await Json(response);
        status["kind"]!.GetValue<string>().ShouldBe("Status");
        status["reason"]!.GetValue<string>().ShouldBe("BadRequest");
        cluster.Store.Get(ResourceKinds.Deployments, "default", "web").ShouldBeNull();
    }

    [Fact]
    public async Task Post_ProtobufOfAKindWithoutSchema_AnswersBadRequestNamingIt()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;
        var body = ProtoWriter.Envelope("v1", "ConfigMap", new ProtoWriter().Message(1, m => m.String(1, "settings")));

        var response = await http.PostAsync("/api/v1/namespaces/default/pods", Body(body), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Json(response))["message"]!.GetValue<string>().ShouldContain("no kind \"ConfigMap\" is registered for version \"v1\"");
    }

    [Fact]
    public async Task Put_ProtobufScale_SetsReplicas()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;
        await cluster.ApplyAsync(Manifests.Deployment(replicas: 1), Ct);
        var scale = new ProtoWriter().Message(1, m => m.String(1, "web").String(3, "default")).Message(2, s => s.Varint(1, 4));

        var response = await http.PutAsync("/apis/apps/v1/namespaces/default/deployments/web/scale",
            Body(ProtoWriter.Envelope("autoscaling/v1", "Scale", scale)), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        cluster.Store.Get(ResourceKinds.Deployments, "default", "web")!["spec"]!["replicas"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task Delete_ProtobufDeleteOptionsWithAStaleUidPrecondition_IsAConflict()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;
        await cluster.ApplyAsync(Manifests.Deployment(), Ct);
        var options = new ProtoWriter().Message(2, p => p.String(1, "not-the-uid")).String(4, "Background");
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/apis/apps/v1/namespaces/default/deployments/web")
        {
            Content = Body(ProtoWriter.Envelope("apps/v1", "DeleteOptions", options)),
        };

        var response = await http.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Json(response))["message"]!.GetValue<string>().ShouldContain("UID in precondition: not-the-uid");
        cluster.Store.Get(ResourceKinds.Deployments, "default", "web").ShouldNotBeNull();
    }

    [Fact]
    public async Task Post_ProtobufAccessReview_FollowsTheDeniedList()
    {
        var (cluster, http) = await Start();
        await using var _ = cluster;
        using var __ = http;
        cluster.Faults = new FaultSettings { Denied = ["patch deployments"] };

        async Task<bool> Allowed(string verb)
        {
            var review = new ProtoWriter().Message(2, s => s.Message(1, a => a.String(1, "default").String(2, verb).String(3, "apps").String(5, "deployments")));
            var response = await http.PostAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                Body(ProtoWriter.Envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", review)), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
            return (await Json(response))["status"]!["allowed"]!.GetValue<bool>();
        }

        (await Allowed("patch")).ShouldBeFalse();
        (await Allowed("get")).ShouldBeTrue();
    }
}
