using System.Text;
using System.Text.Json;
using Hoist.Contracts;
using Hoist.Server.Releases;
using k8s;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.IntegrationTests;

/// <summary>The releases API over the real engine, gateway and a sandbox cluster.</summary>
public sealed class ReleasesApiTests : IAsyncLifetime
{
    readonly HoistApplication _app = new();
    World _world = null!;
    HttpClient _member = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app.Settings["Hoist:SseHeartbeat"] = "00:00:00.200";
        _world = await World.CreateAsync(_app);
        _member = _app.WithToken(_world.Token("member", "deploy"));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    async Task<long> DeployAsync(string image = "registry.example.com/shop/web:1.2.3", string workload = "web", string container = "app", string kind = "Deployment")
    {
        var request = _world.Deploy(image) with { ManifestName = workload, ContainerName = container, ManifestType = kind };
        var response = await _member.PostAsJsonAsync(ApiRoutes.Deploys, request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!.ReleaseId;
    }

    /// <summary>A release that rolls out forever (its pods never become ready), until cancelled or timed out.</summary>
    Task<long> DeployStuckAsync() => DeployAsync("registry.example.com/shop/web:unready");

    [Fact]
    public async Task List_FiltersAndShowsImages()
    {
        var first = await DeployAsync("registry.example.com/shop/web:1");
        await _app.Verdicts.WaitForAsync(first, ReleaseStatus.Succeeded);
        var second = await DeployAsync("registry.example.com/shop/web:2");
        await _app.Verdicts.WaitForAsync(second, ReleaseStatus.Succeeded);

        var all = await _member.GetFromJsonAsync<ReleaseListDto>(ApiRoutes.Releases, Ct);
        var byWorkload = await _member.GetFromJsonAsync<ReleaseListDto>($"{ApiRoutes.Releases}?workload=db", Ct);
        var filtered = await _member.GetFromJsonAsync<ReleaseListDto>(
            $"{ApiRoutes.Releases}?project=shop&application=acme&pipeline={_world.Credential.PipelineName}&status=succeeded&workload=web", Ct);
        var failed = await _member.GetFromJsonAsync<ReleaseListDto>($"{ApiRoutes.Releases}?status=Failed", Ct);
        var paged = await _member.GetFromJsonAsync<ReleaseListDto>($"{ApiRoutes.Releases}?pageSize=1&page=2", Ct);
        var outsider = await _app.WithToken(_world.Token("outsider", "read")).GetFromJsonAsync<ReleaseListDto>(ApiRoutes.Releases, Ct);

        all!.Total.ShouldBe(2);
        all.Items[0].Id.ShouldBe(second);
        all.Items[0].ImageBefore.ShouldBe("registry.example.com/shop/web:1");
        all.Items[0].ImageAfter.ShouldBe("registry.example.com/shop/web:2");
        all.Items[1].ImageBefore.ShouldBe(SandboxManifests.InitialImage);
        all.Items[1].Project.ShouldBe("shop");
        all.Items[1].BuildPlan.ShouldBe("build-web");
        all.Items[1].TriggeredBy.ShouldBe("member");
        byWorkload!.Total.ShouldBe(0);
        filtered!.Total.ShouldBe(2);
        failed!.Total.ShouldBe(0);
        paged!.Items.ShouldHaveSingleItem().Id.ShouldBe(first);
        outsider!.Total.ShouldBe(0);
    }

    [Fact]
    public async Task Get_AfterVerdict_HasTransitionsPodsAndDigest()
    {
        var id = await DeployAsync();
        await _app.Verdicts.WaitForAsync(id, ReleaseStatus.Succeeded);

        var release = await _member.GetFromJsonAsync<ReleaseDto>(ApiRoutes.Release(id), Ct);
        var outsider = await _app.WithToken(_world.Token("outsider", "read")).GetAsync(ApiRoutes.Release(id), Ct);

        release!.Status.ShouldBe(ReleaseStatus.Succeeded);
        release.Transitions.Select(t => t.To).ShouldBe([ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Succeeded]);
        release.Workload.ShouldBe(new WorkloadRefDto("prod", "default", "Deployment", "web", "app"));
        release.Url.ShouldEndWith($"/releases/{id}");
        release.FinishedAt.ShouldNotBeNull();
        release.Pods.ShouldNotBeEmpty();
        await outsider.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.NotFound);
    }

    [Fact]
    public async Task Events_ReplayedFromStartThenDoneWithFinalRelease()
    {
        var id = await DeployAsync();
        await _app.Verdicts.WaitForAsync(id, ReleaseStatus.Succeeded);

        var stream = await ReadEventsAsync(ApiRoutes.ReleaseEvents(id));
        var sequences = stream.Where(e => e.Id is not null).Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var resumed = await ReadEventsAsync(ApiRoutes.ReleaseEvents(id), lastEventId: sequences[1].ToString(System.Globalization.CultureInfo.InvariantCulture));

        sequences.Count.ShouldBeGreaterThanOrEqualTo(3);
        sequences.ShouldBeInOrder(SortDirection.Ascending);
        stream.Where(e => e.Event == "status").Select(e => JsonSerializer.Deserialize<ReleaseEventDto>(e.Data, JsonSerializerOptions.Web)!.Status)
            .ShouldContain(ReleaseStatus.Succeeded);
        stream.Last().Event.ShouldBe("done");
        JsonSerializer.Deserialize<ReleaseDto>(stream.Last().Data, JsonSerializerOptions.Web)!.Status.ShouldBe(ReleaseStatus.Succeeded);
        resumed.Where(e => e.Id is not null).Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(sequences.Skip(2));
        resumed.Last().Event.ShouldBe("done");
    }

    [Fact]
    public async Task Events_LiveReaderGetsHeartbeatsThenTheEnd()
    {
        var id = await DeployStuckAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.ReleaseEvents(id));
        using var response = await _member.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct), Encoding.UTF8);

        var sawHeartbeat = false;
        while (!sawHeartbeat) sawHeartbeat = (await reader.ReadLineAsync(Ct))!.StartsWith(": heartbeat", StringComparison.Ordinal);
        (await _member.PostAsync(ApiRoutes.ReleaseCancel(id), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var rest = await reader.ReadToEndAsync(Ct);

        rest.ShouldContain("event: done");
        rest.ShouldContain("\"Cancelled\"");
    }

    [Fact]
    public async Task Events_BadLastEventId_Refused400()
    {
        var id = await DeployAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.ReleaseEvents(id));
        request.Headers.Add("Last-Event-ID", "abc");

        var response = await _member.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ProblemCodes.InvalidField);
    }

    [Fact]
    public async Task Rollback_SucceededRelease_RestoresPreviousImageAsNewRelease()
    {
        var id = await DeployAsync();
        await _app.Verdicts.WaitForAsync(id, ReleaseStatus.Succeeded);

        var response = await _member.PostAsync(ApiRoutes.ReleaseRollback(id), null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        var accepted = (await response.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!;
        accepted.ReleaseId.ShouldNotBe(id);
        await _app.Verdicts.WaitForAsync(accepted.ReleaseId, ReleaseStatus.Succeeded);
        var rollback = await _member.GetFromJsonAsync<ReleaseDto>(ApiRoutes.Release(accepted.ReleaseId), Ct);
        rollback!.RollbackOf.ShouldBe(id);
        rollback.ImageAfter.ShouldBe(SandboxManifests.InitialImage);
        (await _app.DeploymentImageAsync("web", "app")).ShouldBe(SandboxManifests.InitialImage);
        (await _member.GetFromJsonAsync<ReleaseDto>(ApiRoutes.Release(id), Ct))!.RolledBackBy.ShouldBe(accepted.ReleaseId);
        (await _app.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "release.rollback", Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task Rollback_ReleaseThatNeverPatched_Refused409()
    {
        var stuck = await DeployStuckAsync();
        var queued = await DeployAsync("registry.example.com/shop/web:3");
        (await _member.PostAsync(ApiRoutes.ReleaseCancel(queued), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await _member.PostAsync(ApiRoutes.ReleaseRollback(queued), null, Ct);

        ((int)response.StatusCode).ShouldBe(409);
        (await response.CodeAsync()).ShouldBeOneOf(ProblemCodes.Conflict, ProblemCodes.InvalidTransition);
        await _member.PostAsync(ApiRoutes.ReleaseCancel(stuck), null, Ct);
    }

    [Fact]
    public async Task Cancel_RollingOut_CancelledThenSecondCancelRefused409()
    {
        var id = await DeployStuckAsync();

        var cancelled = await _member.PostAsync(ApiRoutes.ReleaseCancel(id), null, Ct);
        var again = await _member.PostAsync(ApiRoutes.ReleaseCancel(id), null, Ct);

        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync(Ct));
        (await cancelled.Content.ReadFromJsonAsync<ReleaseDto>(Ct))!.Status.ShouldBe(ReleaseStatus.Cancelled);
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, ProblemCodes.InvalidTransition);
    }

    [Fact]
    public async Task Runtime_ShowsPodsAndLogTail()
    {
        var id = await DeployAsync();
        await _app.Verdicts.WaitForAsync(id, ReleaseStatus.Succeeded);

        var runtime = await _member.GetFromJsonAsync<RuntimeDto>(ApiRoutes.ReleaseRuntime(id), Ct);
        var pod = runtime!.Pods.First(p => p.IsNew);
        var log = await _member.GetFromJsonAsync<LogTailDto>(ApiRoutes.ReleasePodLog(id, pod.Name) + "?tail=5&container=sidecar", Ct);
        var foreign = await _member.GetAsync(ApiRoutes.ReleasePodLog(id, "kube-apiserver-node1"), Ct);
        var badTail = await _member.GetAsync(ApiRoutes.ReleasePodLog(id, pod.Name) + "?tail=0", Ct);
        var badContainer = await _member.GetAsync(ApiRoutes.ReleasePodLog(id, pod.Name) + "?container=nope", Ct);

        runtime.ReleaseId.ShouldBe(id);
        runtime.Exists.ShouldBeTrue();
        runtime.Desired.ShouldBe(2);
        pod.Containers.Select(c => c.Name).ShouldBe(["app", "sidecar"]);
        pod.Containers.Single(c => c.Name == "app").Image.ShouldBe("registry.example.com/shop/web:1.2.3");
        log!.Pod.ShouldBe(pod.Name);
        log.Container.ShouldBe("sidecar");
        log.Lines.Count.ShouldBeLessThanOrEqualTo(5);
        await foreign.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.NotFound);
        await badTail.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ProblemCodes.InvalidField);
        await badContainer.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.ContainerNotFound);
    }

    [Fact]
    public async Task Runtime_WorkloadDeleted_ExistsFalse()
    {
        var id = await DeployAsync("postgres:16.1", workload: "db", container: "postgres", kind: "StatefulSet");
        await _app.Verdicts.WaitForAsync(id, ReleaseStatus.Succeeded);
        using (var client = _app.SandboxClient())
            await client.AppsV1.DeleteNamespacedStatefulSetAsync("db", "default", cancellationToken: Ct);

        var runtime = await _member.GetFromJsonAsync<RuntimeDto>(ApiRoutes.ReleaseRuntime(id), Ct);

        runtime!.Exists.ShouldBeFalse();
        runtime.Workload.Name.ShouldBe("db");
    }

    sealed record SseEvent(string? Id, string? Event, string Data);

    async Task<List<SseEvent>> ReadEventsAsync(string url, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await _member.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var events = new List<SseEvent>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? id = null, type = null, data = "";
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
            }
            if (type is not null) events.Add(new SseEvent(id, type, data));
        }
        return events;
    }
}
