using System.Text.Json;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;
using Microsoft.AspNetCore.Http;

namespace Hoist.Sandbox.Api;

/// <summary>
/// The sandbox's own control plane under <c>/sandbox/v1</c>: fault settings and request counts. Never faulted,
/// never counted, and open without the bearer token (it is a test harness, bound to loopback).
/// </summary>
internal sealed class ControlApi(SandboxCluster cluster)
{
    public Task GetFaults(HttpContext http) => HttpJson.Write(http, 200, cluster.Faults.ToJson());

    public async Task PutFaults(HttpContext http)
    {
        var body = await HttpJson.ReadObject(http);
        try
        {
            cluster.Faults = FaultSettings.FromJson(body, cluster.Faults);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
        {
            throw ApiException.BadRequest($"invalid fault settings: {e.Message}");
        }
        await HttpJson.Write(http, 200, cluster.Faults.ToJson());
    }

    public Task GetStats(HttpContext http)
    {
        var body = new JsonObject();
        foreach (var (key, count) in cluster.Stats.Snapshot()) body[key] = count;
        return HttpJson.Write(http, 200, body);
    }

    public Task ResetStats(HttpContext http)
    {
        cluster.Stats.Reset();
        return HttpJson.Write(http, 200, new JsonObject());
    }
}
