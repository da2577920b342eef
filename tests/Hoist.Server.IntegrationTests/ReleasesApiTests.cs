using System.Text;
using Hoist.Contracts;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.IntegrationTests;

public sealed class ReleasesApiTests : IAsyncLifetime
{
    readonly HoistApplication _app = new();
    World _world = null!;
    HttpClient _member = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app.Settings["Hoist:SseHeartbeat"] = "00:00:00.200";
        _world = await World.CreateAsync(_app.Start());
        _member = _app.WithToken(_world.Token("member", "deploy"));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    async Task<long> DeployAsync(string image = "registry.example.com/shop/web:1.2.3", string? workload = null)
    {
        var request = _world.Deploy(image) with { ManifestName = workload ?? "web" };
        var response = await _member.PostAsJsonAsync(ApiRoutes.Deploys, request, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!.ReleaseId;
    }

    Task SetAsync(long id, Action<Release> change) => _app.DbAsync(async db =>
    {
        var r = await db.Set<Release>().SingleAsync(x => x.Id == id, Ct);
        change(r);
        return await db.SaveChangesAsync(Ct);
    });

    static ReleaseEventDto Event(long seq, ReleaseStatus status, string message) =>
        new() { Sequence = seq, At = DateTimeOffset.UtcNow, Type = "status", Status = status, Message = message };

    [Fact]
    public async Task List_FiltersAndShowsImages()
    {
        var first = await DeployAsync("registry.example.com/shop/web:1");
        await SetAsync(first, r => r.ImageBefore = "registry.example.com/shop/web:0");
        await DeployAsync("registry.example.com/shop/web:2");

        var all = await _member.GetFromJsonAsync<ReleaseListDto>(ApiRoutes.Releases, Ct);
        var byWorkload = await _member.GetFromJsonAsync<ReleaseListDto>($"{ApiRoutes.Releases}?workload=nope", Ct);
        var byProject = await _member.GetFromJsonAsync<ReleaseListDto>($"{ApiRoutes.Releases}?project=shop&application=acme&pipeline={_world.Credential.PipelineName}&status=queued", Ct);
        var paged = await _member.GetFromJsonAsync<ReleaseListDto>($"{ApiRoutes.Releases}?pageSize=1&page=2", Ct);
        var outsider = await _app.WithToken(_world.Token("outsider", "read")).GetFromJsonAsync<ReleaseListDto>(ApiRoutes.Releases, Ct);

        all!.Total.ShouldBe(2);
        all.Items[0].ImageAfter.ShouldBe("registry.example.com/shop/web:2");
        all.Items[1].ImageBefore.ShouldBe("registry.example.com/shop/web:0");
        all.Items[1].ImageAfter.ShouldBe("registry.example.com/shop/web:1");
        all.Items[1].Project.ShouldBe("shop");
        all.Items[1].BuildPlan.ShouldBe("build-web");
        all.Items[1].TriggeredBy.ShouldBe("member");
        byWorkload!.Total.ShouldBe(0);
        byProject!.Total.ShouldBe(2);
        paged!.Items.ShouldHaveSingleItem().Id.ShouldBe(first);
        outsider!.Total.ShouldBe(0);
    }

    [Fact]
    public async Task Get_ReturnsTransitionsAndHidesFromOtherTeams()
    {
        var id = await DeployAsync();
        await SetAsync(id, r => r.StartValidating(DateTimeOffset.UtcNow));

        var release = await _member.GetFromJsonAsync<ReleaseDto>(ApiRoutes.Release(id), Ct);
        var outsider = await _app.WithToken(_world.Token("outsider", "read")).GetAsync(ApiRoutes.Release(id), Ct);

        release!.Status.ShouldBe(ReleaseStatus.Validating);
        release.Transitions.ShouldHaveSingleItem().To.ShouldBe(ReleaseStatus.Validating);
        release.Workload.ShouldBe(new WorkloadRefDto("prod", "default", "Deployment", "web", "app"));
        release.Url.ShouldEndWith($"/releases/{id}");
        await outsider.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.NotFound);
    }

    [Fact]
    public async Task Events_ReplayedFromStartThenDoneWithFinalRelease()
    {
        var id = await DeployAsync();
        _app.Engine.Publish(id, Event(1, ReleaseStatus.Validating, "Validating"));
        _app.Engine.Publish(id, Event(2, ReleaseStatus.Patching, "Patching"));
        await SetAsync(id, r => r.Cancel(DateTimeOffset.UtcNow, "test"));
        _app.Engine.Publish(id, Event(3, ReleaseStatus.Cancelled, "Cancelled"), last: true);

        var stream = await ReadEventsAsync(ApiRoutes.ReleaseEvents(id));
        var resumed = await ReadEventsAsync(ApiRoutes.ReleaseEvents(id), lastEventId: "2");

        stream.Where(e => e.Id is not null).Select(e => e.Id).ShouldBe(["1", "2", "3"]);
        stream.Last().Event.ShouldBe("done");
        System.Text.Json.JsonSerializer.Deserialize<ReleaseDto>(stream.Last().Data, System.Text.Json.JsonSerializerOptions.Web)!.Status.ShouldBe(ReleaseStatus.Cancelled);
        resumed.Where(e => e.Id is not null).Select(e => e.Id).ShouldBe(["3"]);
        resumed.Last().Event.ShouldBe("done");
    }

    [Fact]
    public async Task Events_LiveReaderGetsHeartbeatsThenEvents()
    {
        var id = await DeployAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.ReleaseEvents(id));
        using var response = await _member.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct), Encoding.UTF8);

        var sawHeartbeat = false;
        while (!sawHeartbeat) sawHeartbeat = (await reader.ReadLineAsync(Ct))!.StartsWith(": heartbeat", StringComparison.Ordinal);
        _app.Engine.Publish(id, Event(1, ReleaseStatus.Validating, "Validating"));
        string? line;
        do line = await reader.ReadLineAsync(Ct); while (line is not null && !line.StartsWith("data:", StringComparison.Ordinal));

        line.ShouldNotBeNull().ShouldContain("\"Validating\"");
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
    public async Task Rollback_KnownPreviousImage_Accepted202AsNewRelease()
    {
        var id = await DeployAsync();
        await SetAsync(id, r => r.ImageBefore = "registry.example.com/shop/web:1.0.0");

        var response = await _member.PostAsync(ApiRoutes.ReleaseRollback(id), null, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var accepted = (await response.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!;
        accepted.ReleaseId.ShouldNotBe(id);
        var rollback = await _member.GetFromJsonAsync<ReleaseDto>(ApiRoutes.Release(accepted.ReleaseId), Ct);
        rollback!.RollbackOf.ShouldBe(id);
        rollback.ImageAfter.ShouldBe("registry.example.com/shop/web:1.0.0");
        (await _member.GetFromJsonAsync<ReleaseDto>(ApiRoutes.Release(id), Ct))!.RolledBackBy.ShouldBe(accepted.ReleaseId);
        (await _app.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "release.rollback", Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task Rollback_NoPreviousImage_Refused409()
    {
        var id = await DeployAsync();

        var response = await _member.PostAsync(ApiRoutes.ReleaseRollback(id), null, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, ProblemCodes.InvalidTransition);
    }

    [Fact]
    public async Task Cancel_Queued_CancelledThenSecondCancelRefused409()
    {
        var id = await DeployAsync();

        var cancelled = await _member.PostAsync(ApiRoutes.ReleaseCancel(id), null, Ct);
        var again = await _member.PostAsync(ApiRoutes.ReleaseCancel(id), null, Ct);

        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cancelled.Content.ReadFromJsonAsync<ReleaseDto>(Ct))!.Status.ShouldBe(ReleaseStatus.Cancelled);
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, ProblemCodes.InvalidTransition);
    }

    [Fact]
    public async Task Runtime_ShowsPodsAndLogTail()
    {
        var id = await DeployAsync();

        var runtime = await _member.GetFromJsonAsync<RuntimeDto>(ApiRoutes.ReleaseRuntime(id), Ct);
        var pod = runtime!.Pods.ShouldHaveSingleItem();
        var log = await _member.GetFromJsonAsync<LogTailDto>(ApiRoutes.ReleasePodLog(id, pod.Name) + "?tail=5&container=sidecar", Ct);
        var foreign = await _member.GetAsync(ApiRoutes.ReleasePodLog(id, "kube-apiserver-node1"), Ct);
        var badTail = await _member.GetAsync(ApiRoutes.ReleasePodLog(id, pod.Name) + "?tail=0", Ct);
        var badContainer = await _member.GetAsync(ApiRoutes.ReleasePodLog(id, pod.Name) + "?container=nope", Ct);

        runtime.ReleaseId.ShouldBe(id);
        pod.Containers.Select(c => c.Name).ShouldBe(["app", "sidecar"]);
        log!.Lines.Count.ShouldBe(5);
        log.Lines[^1].ShouldBe("sidecar line 500");
        await foreign.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.NotFound);
        await badTail.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ProblemCodes.InvalidField);
        await badContainer.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.ContainerNotFound);
    }

    [Fact]
    public async Task Runtime_WorkloadGone_ExistsFalse()
    {
        _app.Cluster.AddWorkload("default", Hoist.Server.Kubernetes.WorkloadKind.Deployment, "api", "app");
        var id = await DeployAsync(workload: "api");
        _app.Cluster.RemoveWorkload("default", Hoist.Server.Kubernetes.WorkloadKind.Deployment, "api");

        var runtime = await _member.GetFromJsonAsync<RuntimeDto>(ApiRoutes.ReleaseRuntime(id), Ct);

        runtime!.Exists.ShouldBeFalse();
        runtime.Workload.Name.ShouldBe("api");
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
