using System.Globalization;
using System.Text;
using System.Text.Json;
using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Deploys;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;
using Hoist.Server.Setup;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Releases;

/// <summary>The releases API (routes in <see cref="ApiRoutes"/>); the engine does the work behind the seams.</summary>
public static class ReleasesApi
{
    public const int MaxLogLines = 1000;

    public static IEndpointRouteBuilder MapReleasesApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup(ApiRoutes.Releases).WithTags("Releases").RequireAuthorization(Policies.ReadReleases);
        read.MapGet("/", ListReleases).WithName("ListReleases");
        read.MapGet("/{id:long}", GetRelease).WithName("GetRelease");
        read.MapGet("/{id:long}/events", StreamEvents).WithName("ReleaseEvents")
            .WithSummary("Server-Sent Events: every event from the start (or after Last-Event-ID), then live ones, then 'done' with the final release.");
        read.MapGet("/{id:long}/runtime", GetRuntime).WithName("ReleaseRuntime");
        read.MapGet("/{id:long}/runtime/pods/{pod}/log", GetPodLog).WithName("ReleasePodLog");

        var act = app.MapGroup(ApiRoutes.Releases).WithTags("Releases").RequireAuthorization(Policies.Deploy);
        act.MapPost("/{id:long}/rollback", RollbackRelease).WithName("RollbackRelease");
        act.MapPost("/{id:long}/cancel", CancelRelease).WithName("CancelRelease");
        return app;
    }

    static async Task<Results<Ok<ReleaseListDto>, ProblemHttpResult>> ListReleases(
        Actor actor, ReleaseQueries releases, HttpContext http, IOptions<HoistOptions> options, CancellationToken ct,
        string? application = null, string? pipeline = null, string? project = null, string? status = null, string? workload = null,
        int? page = null, int? pageSize = null) =>
        (await releases.ListAsync(actor, new ReleaseFilter(application, pipeline, project, status, workload, page, pageSize),
            DeploysApi.BaseUrl(http, options.Value), ct)).ToOk();

    static async Task<Results<Ok<ReleaseDto>, ProblemHttpResult>> GetRelease(
        Actor actor, long id, ReleaseQueries releases, HttpContext http, IOptions<HoistOptions> options, CancellationToken ct) =>
        (await releases.GetAsync(actor, id, DeploysApi.BaseUrl(http, options.Value), ct)).ToOk();

    static async Task<Results<ServerSentEvents, ProblemHttpResult>> StreamEvents(
        Actor actor, long id, ReleaseQueries releases, [FromServices] IReleaseEventFeed feed, HttpContext http, IOptions<HoistOptions> options,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId, string? after, CancellationToken ct)
    {
        var found = await releases.FindAsync(actor, id, ct);
        if (!found.Ok) return found.Problem!.ToResult();
        var from = lastEventId ?? after;
        long afterSequence = 0;
        if (from is not null && !long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out afterSequence))
            return ApiProblem.Invalid(lastEventId is not null ? "Last-Event-ID" : "after", "The last event id must be a non-negative integer.").ToResult();
        return new ServerSentEvents(actor, id, afterSequence, feed, DeploysApi.BaseUrl(http, options.Value), options.Value.SseHeartbeat);
    }

    static async Task<Results<Accepted<DeployAccepted>, ProblemHttpResult>> RollbackRelease(
        Actor actor, long id, ReleaseQueries releases, [FromServices] IReleaseCommands commands, AuditLog audit, HttpContext http,
        IOptions<HoistOptions> options, CancellationToken ct)
    {
        var found = await releases.FindAsync(actor, id, ct);
        if (!found.Ok) return found.Problem!.ToResult();
        Release rollback;
        try
        {
            rollback = await commands.RollbackAsync(id, actor.UserId, ct);
        }
        catch (ReleaseCommandException e)
        {
            return NotNow(e).ToResult();
        }
        await audit.RecordAsync(actor, AuditActions.ReleaseRollback, projectId: found.Value!.ProjectId, target: ("release", id.ToString(CultureInfo.InvariantCulture)),
            detail: $"rollback release {rollback.Id}", ct: ct);
        var accepted = DeployService.Accepted(rollback, DeploysApi.BaseUrl(http, options.Value), existing: false);
        return TypedResults.Accepted(accepted.ApiUrl, accepted);
    }

    static async Task<Results<Ok<ReleaseDto>, ProblemHttpResult>> CancelRelease(
        Actor actor, long id, ReleaseQueries releases, [FromServices] IReleaseCommands commands, AuditLog audit, HttpContext http,
        IOptions<HoistOptions> options, CancellationToken ct)
    {
        var found = await releases.FindAsync(actor, id, ct);
        if (!found.Ok) return found.Problem!.ToResult();
        try
        {
            await commands.CancelAsync(id, actor.Name, ct);
        }
        catch (ReleaseCommandException e)
        {
            return NotNow(e).ToResult();
        }
        await audit.RecordAsync(actor, AuditActions.ReleaseCancel, projectId: found.Value!.ProjectId, target: ("release", id.ToString(CultureInfo.InvariantCulture)), ct: ct);
        return (await releases.GetAsync(actor, id, DeploysApi.BaseUrl(http, options.Value), ct)).ToOk();
    }

    static async Task<Results<Ok<RuntimeDto>, ProblemHttpResult>> GetRuntime(
        Actor actor, long id, ReleaseQueries releases, [FromServices] IClusterConnectionSource connections,
        [FromServices] IClusterGatewayFactory gateways, CancellationToken ct)
    {
        var found = await releases.FindAsync(actor, id, ct);
        if (!found.Ok) return found.Problem!.ToResult();
        var release = found.Value!;
        var gateway = await GatewayAsync(release, connections, gateways, ct);
        if (!gateway.Ok) return gateway.Problem!.ToResult();
        try
        {
            var runtime = await gateway.Value!.GetRuntimeAsync(release.Workload, release.Container, ct);
            return TypedResults.Ok(runtime is null
                ? new RuntimeDto { ReleaseId = id, Workload = WorkloadOf(release), Exists = false }
                : runtime with { ReleaseId = id });
        }
        catch (Exception e) when (e is ClusterUnreachableException or ClusterRequestException)
        {
            return CloudAccounts.CloudAccountService.Unreachable(release.CloudAccountName, e.Message).ToResult();
        }
    }

    static async Task<Results<Ok<LogTailDto>, ProblemHttpResult>> GetPodLog(
        Actor actor, long id, string pod, string? container, int? tail, ReleaseQueries releases,
        [FromServices] IClusterConnectionSource connections, [FromServices] IClusterGatewayFactory gateways, CancellationToken ct)
    {
        var found = await releases.FindAsync(actor, id, ct);
        if (!found.Ok) return found.Problem!.ToResult();
        var release = found.Value!;
        if (InputRules.DnsSubdomain("pod", pod) is { } badPod) return badPod.ToResult();
        if (container is not null && InputRules.DnsLabel("container", container) is { } badContainer) return badContainer.ToResult();
        if (tail is < 1 or > MaxLogLines) return ApiProblem.Invalid("tail", $"'tail' must be between 1 and {MaxLogLines}.").ToResult();

        var gateway = await GatewayAsync(release, connections, gateways, ct);
        if (!gateway.Ok) return gateway.Problem!.ToResult();
        try
        {
            // Only pods of the release's workload: a release is not a key to every pod of its namespace.
            var runtime = await gateway.Value!.GetRuntimeAsync(release.Workload, release.Container, ct);
            var podInfo = runtime?.Pods.FirstOrDefault(p => p.Name == pod);
            if (podInfo is null) return ApiProblem.NotFound($"Pod '{pod}' of this release's workload").ToResult();
            var c = container ?? release.Container;
            if (podInfo.Containers.Count > 0 && podInfo.Containers.All(x => x.Name != c))
                return (new ApiProblem(StatusCodes.Status404NotFound, ProblemCodes.ContainerNotFound, "Container not found", $"Pod '{pod}' has no container '{c}'.")
                { Field = "container", Expected = podInfo.Containers.Select(x => x.Name).ToList() }).ToResult();
            var log = await gateway.Value.GetLogTailAsync(release.Namespace, pod, c, tail ?? 100, ct);
            return log is null ? ApiProblem.NotFound($"Pod '{pod}'").ToResult() : TypedResults.Ok(log);
        }
        catch (Exception e) when (e is ClusterUnreachableException or ClusterRequestException)
        {
            return CloudAccounts.CloudAccountService.Unreachable(release.CloudAccountName, e.Message).ToResult();
        }
    }

    static async Task<Outcome<IClusterGateway>> GatewayAsync(Release release, IClusterConnectionSource connections, IClusterGatewayFactory gateways, CancellationToken ct)
    {
        var source = await connections.GetAsync(release.CloudAccountId, ct);
        if (source is null)
            return new ApiProblem(StatusCodes.Status404NotFound, ProblemCodes.CloudAccountNotFound, "Cloud account gone",
                $"Cloud account '{release.CloudAccountName}' no longer exists or cannot be read.");
        return Outcome<IClusterGateway>.From(gateways.Get(release.CloudAccountId, source.Value.Connection));
    }

    static WorkloadRefDto WorkloadOf(Release r) => new(r.CloudAccountName, r.Namespace, r.Kind.ToString(), r.WorkloadName, r.Container);

    // The engine's refusals carry their own code and status (404 unknown release, 409 nothing to roll back).
    static ApiProblem NotNow(ReleaseCommandException e) => new(e.Status, e.Code, "Not possible now", InputRules.Sanitize(e.Message, 300));
}

/// <summary>
/// The <c>text/event-stream</c> of one release: <c>id:</c>/<c>event:</c>/<c>data:</c> per event, a comment line
/// every heartbeat interval while nothing happens, and <c>event: done</c> with the final release when the feed ends.
/// </summary>
public sealed class ServerSentEvents(Actor actor, long releaseId, long afterSequence, IReleaseEventFeed feed, string baseUrl, TimeSpan heartbeat) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync(": hoist release events\n\n", ct);
        await response.Body.FlushAsync(ct);

        try
        {
            await using var events = feed.FollowAsync(releaseId, afterSequence, ct).GetAsyncEnumerator(ct);
            var next = events.MoveNextAsync().AsTask();
            while (true)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var delay = Task.Delay(heartbeat, time, beat.Token);
                var first = await Task.WhenAny(next, delay);
                if (first == delay)
                {
                    await response.WriteAsync(": heartbeat\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                await beat.CancelAsync();
                if (!await next) break;
                var e = events.Current;
                await WriteAsync(response, e.Sequence.ToString(CultureInfo.InvariantCulture), InputRules.Sanitize(e.Type, 32)!, JsonSerializer.Serialize(e, json), ct);
                next = events.MoveNextAsync().AsTask();
            }

            var releases = http.RequestServices.GetRequiredService<ReleaseQueries>();
            var final = await releases.GetAsync(actor, releaseId, baseUrl, ct);
            if (final.Ok) await WriteAsync(response, null, "done", JsonSerializer.Serialize(final.Value, json), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    static async Task WriteAsync(HttpResponse response, string? id, string type, string data, CancellationToken ct)
    {
        var sb = new StringBuilder();
        if (id is not null) sb.Append("id: ").Append(id).Append('\n');
        sb.Append("event: ").Append(type).Append('\n');
        // JSON has no raw newlines, so one data line per event.
        sb.Append("data: ").Append(data).Append("\n\n");
        await response.WriteAsync(sb.ToString(), ct);
        await response.Body.FlushAsync(ct);
    }
}
