using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Hoist.Sandbox.Tests.Controllers;

/// <summary>
/// A store and a running ControllerManager, driven without HTTP. With a fake clock, time moves only when a test
/// advances it (after the controllers are idle, so every timer they want exists); with the real clock and no
/// start delay, pods start at once.
/// </summary>
internal sealed class ClusterHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    ClusterHarness(TimeProvider time, FakeTimeProvider? fake, SandboxOptions options)
    {
        Fake = fake;
        Options = options;
        Store = new ObjectStore(time, historyLimit: 100_000);
        Manager = new ControllerManager(Store, options);
        Manager.Start();
    }

    public FakeTimeProvider? Fake { get; }
    public SandboxOptions Options { get; }
    public ObjectStore Store { get; }
    public ControllerManager Manager { get; }

    public static ClusterHarness WithFakeClock(TimeSpan? podStartDelay = null, int nodes = 3, string kubeVersion = "1.33", TimeSpan? podStopDelay = null)
    {
        var fake = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        return new ClusterHarness(fake, fake, new SandboxOptions
        {
            Time = fake, PodStartDelay = podStartDelay ?? TimeSpan.FromSeconds(2), Nodes = nodes, KubeVersion = kubeVersion,
            PodStopDelay = podStopDelay ?? TimeSpan.Zero,
        });
    }

    public static ClusterHarness WithRealClock(int nodes = 3) =>
        new(TimeProvider.System, null, new SandboxOptions { Time = TimeProvider.System, PodStartDelay = TimeSpan.Zero, Nodes = nodes });

    public DateTimeOffset Now => Options.Time.GetUtcNow();

    public async Task IdleAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Manager.WaitForIdleAsync(cts.Token);
    }

    /// <summary>Lets the controllers settle, moves the fake clock, and lets them settle again.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await IdleAsync();
        using (var cts = new CancellationTokenSource(Timeout)) await Manager.HoldWhileAsync(() => Fake!.Advance(by), cts.Token);
        await IdleAsync();
    }

    /// <summary>Advances in steps, settling between them, so chains of timers (back-offs, pod starts) all run.</summary>
    public async Task AdvanceInStepsAsync(TimeSpan total, TimeSpan step)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step) await AdvanceAsync(step);
    }

    public JsonObject Create(ResourceKind kind, JsonObject obj) => Store.Create(kind, obj);

    public JsonObject Get(ResourceKind kind, string name, string ns = "default") => Store.GetRequired(kind, ns, name);

    public JsonObject Update(ResourceKind kind, string name, Action<JsonObject> change, string ns = "default") =>
        Store.Mutate(kind, ns, name, change) ?? throw ApiException.NotFound(kind, name);

    public List<JsonObject> List(ResourceKind kind, string ns = "default", Func<JsonObject, bool>? filter = null) =>
        Store.List(kind, ns, filter).Items;

    public List<JsonObject> PodsOf(JsonObject owner) =>
        List(ResourceKinds.Pods, owner.Namespace() ?? "default", p => p.At("metadata", "ownerReferences").Objects().Any(r => r["uid"].AsString() == owner.Uid()));

    public List<JsonObject> EventsFor(string involvedName, string ns = "default") =>
        List(ResourceKinds.Events, ns, e => e.At("involvedObject", "name").AsString() == involvedName);

    /// <summary>
    /// Waits (on a store watch, not by polling) until the named object satisfies <paramref name="predicate"/>;
    /// fails with the last state seen when it does not within the timeout.
    /// </summary>
    public async Task<JsonObject> WaitForAsync(ResourceKind kind, string name, Func<JsonObject, bool> predicate, string ns = "default", TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        using var watch = Store.Watch(kind, ns, 0);
        JsonObject? last = null;
        try
        {
            await foreach (var e in watch.Events.ReadAllAsync(cts.Token))
            {
                if (e.Name != name) continue;
                last = e.Object;
                if (e.Type != StoreEventType.Deleted && predicate(e.Object)) return (JsonObject)e.Object.DeepClone();
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"{kind} {ns}/{name} did not reach the expected state; last seen: {last?.ToJsonString() ?? "(none)"}; controller errors: {string.Join(" | ", Manager.Errors)}");
    }

    /// <summary>Waits until a condition over the whole store holds, re-checking on every change.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        using var watch = Store.Watch(null, null, Store.ResourceVersion);
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
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"timed out waiting for {what}; controller errors: {string.Join(" | ", Manager.Errors)}");
    }

    public ValueTask DisposeAsync() => Manager.DisposeAsync();

    public static JsonObject Deployment(string name, string image, int replicas = 3, Action<JsonObject>? configure = null)
    {
        var d = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["strategy"] = new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxSurge"] = "25%", ["maxUnavailable"] = "25%" },
                },
                ["revisionHistoryLimit"] = 10,
                ["progressDeadlineSeconds"] = 600,
                ["template"] = PodTemplate(name, image),
            },
        };
        configure?.Invoke(d);
        return d;
    }

    public static JsonObject StatefulSet(string name, string image, int replicas = 3, Action<JsonObject>? configure = null)
    {
        var s = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["serviceName"] = name,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["podManagementPolicy"] = "OrderedReady",
                ["updateStrategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } },
                ["revisionHistoryLimit"] = 10,
                ["template"] = PodTemplate(name, image),
            },
        };
        configure?.Invoke(s);
        return s;
    }

    public static JsonObject DaemonSet(string name, string image, Action<JsonObject>? configure = null)
    {
        var s = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["updateStrategy"] = new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 },
                },
                ["revisionHistoryLimit"] = 10,
                ["template"] = PodTemplate(name, image),
            },
        };
        configure?.Invoke(s);
        return s;
    }

    public static JsonObject PodTemplate(string app, string image) => new()
    {
        ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = app } },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "app",
                ["image"] = image,
                ["imagePullPolicy"] = "IfNotPresent",
                ["resources"] = new JsonObject(),
                ["terminationMessagePath"] = "/dev/termination-log",
                ["terminationMessagePolicy"] = "File",
            }),
            ["restartPolicy"] = "Always",
            ["terminationGracePeriodSeconds"] = 30,
            ["dnsPolicy"] = "ClusterFirst",
            ["schedulerName"] = "default-scheduler",
            ["securityContext"] = new JsonObject(),
        },
    };

    public static JsonObject Pod(string name, string image, Action<JsonObject>? configure = null)
    {
        var template = PodTemplate(name, image);
        var pod = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = template.At("metadata", "labels")!.DeepClone() },
            ["spec"] = template["spec"]!.DeepClone(),
            ["status"] = new JsonObject { ["phase"] = "Pending" },
        };
        configure?.Invoke(pod);
        return pod;
    }

    public static void SetImage(JsonObject workload, string image) =>
        ((JsonObject)workload.At("spec", "template", "spec", "containers")!.AsArray()[0]!)["image"] = image;

    public static int Int(JsonObject o, params string[] path) => o.At(path).AsInt() ?? 0;

    public static string? Str(JsonObject o, params string[] path) => o.At(path).AsString();

    public static JsonObject? Condition(JsonObject o, string type) =>
        o.At("status", "conditions").Objects().FirstOrDefault(c => c["type"].AsString() == type);
}
