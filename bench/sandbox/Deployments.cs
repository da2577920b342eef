using System.Diagnostics;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Bench;

internal static class Deployments
{
    /// <summary>A Deployment as a CI pipeline would ship it: the app plus a sidecar, default strategy.</summary>
    public static JsonObject Manifest(string name, int replicas, string image = "nginx:1.25") => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = name } },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(
                        new JsonObject { ["name"] = "app", ["image"] = image, ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80 }) },
                        new JsonObject { ["name"] = "log-shipper", ["image"] = "fluent/fluent-bit:2.2" }),
                },
            },
        },
    };

    static long Int(JsonNode? n) => n is JsonValue v
        ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : 0
        : 0;

    /// <summary>
    /// kubectl's DeploymentStatusViewer says "successfully rolled out": the spec is observed, every replica is
    /// updated, no old replica is left, and every updated replica is available.
    /// </summary>
    public static bool IsRolledOut(JsonObject d)
    {
        var status = d["status"] as JsonObject;
        if (status is null) return false;
        if (Int(d["metadata"]?["generation"]) > Int(status["observedGeneration"])) return false;
        var updated = Int(status["updatedReplicas"]);
        return updated >= Int(d["spec"]?["replicas"])
            && Int(status["replicas"]) <= updated
            && Int(status["availableReplicas"]) >= updated;
    }

    /// <summary>Waits on a store watch (opened before the change) until every named Deployment is rolled out.</summary>
    public static async Task WaitRolledOutAsync(WatchSubscription watch, IReadOnlyCollection<string> names, TimeSpan timeout)
    {
        var pending = new HashSet<string>(names, StringComparer.Ordinal);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (pending.Count > 0 && await watch.Events.WaitToReadAsync(cts.Token))
            {
                while (watch.Events.TryRead(out var e))
                    if (e.Type != StoreEventType.Deleted && IsRolledOut(e.Object)) pending.Remove(e.Name);
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (pending.Count > 0)
            throw new TimeoutException($"{pending.Count} of {names.Count} Deployments were not rolled out within {timeout}, e.g. {pending.First()}");
    }

    public static double Ms(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
