using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Hoist.Server.Data;
using Hoist.Server.Data.Sqlite;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Hoist.Sandbox;
using Hoist.Sandbox.Store;

// Releases run one after another against an in-process sandbox over HTTP, with the real gateway and engine.
// (a) verdict latency: from the moment the sandbox's Deployment status meets kubectl's "successfully rolled out"
//     rule (seen on an in-process store watch) to the moment the engine stores its verdict (a release observer);
// (b) cluster requests per release, by verb and resource, from the sandbox's request counters.
var runs = Arg("--runs", 50);
var warmup = Arg("--warmup", 5);
var replicas = Arg("--replicas", 3);
var startDelayMs = Arg("--pod-start-delay-ms", 100);

await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { PodStartDelay = TimeSpan.FromMilliseconds(startDelayMs) });
var names = Enumerable.Range(0, warmup + runs).Select(i => $"app{i:000}").ToList();
foreach (var name in names)
    await cluster.ApplyAsync(Manifest(name, replicas, "nginx:1.26"));
await WaitAsync(() => names.All(n => RolledOut(cluster.Store.Get(ResourceKinds.Deployments, "default", n)!)), TimeSpan.FromMinutes(2));

var connection = $"Data Source=bench-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
await using var keeper = new SqliteConnection(connection);
await keeper.OpenAsync();
var observer = new Observer();
var services = new ServiceCollection()
    .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole())
    .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
    .AddDbContext<HoistDb, SqliteHoistDb>(o => o.UseSqlite(connection))
    .AddSingleton<IClusterConnectionSource>(new Source(cluster.Url.ToString()))
    .AddSingleton<IReleaseObserver>(observer)
    .AddClusterGateways()
    .AddReleaseEngine()
    .BuildServiceProvider();
await using (var scope = services.CreateAsyncScope())
    await scope.ServiceProvider.GetRequiredService<HoistDb>().Database.MigrateAsync();
var engine = services.GetRequiredService<ReleaseEngine>();
await engine.StartAsync(CancellationToken.None);

var latencies = new List<double>();
var totals = new List<double>();
var byKind = new Dictionary<string, long>(StringComparer.Ordinal);
for (var i = 0; i < names.Count; i++)
{
    var name = names[i];
    using var watch = cluster.Store.Watch(ResourceKinds.Deployments, "default", cluster.Store.ResourceVersion);
    var completedAt = 0L;
    var completion = Task.Run(async () =>
    {
        await foreach (var e in watch.Events.ReadAllAsync())
            if (e.Name == name && Int(e.Object["metadata"]?["generation"]) >= 2 && RolledOut(e.Object))
            {
                completedAt = Stopwatch.GetTimestamp();
                return;
            }
    });
    var before = cluster.Stats.Snapshot();
    var release = await engine.QueueAsync(new ReleaseSpec
    {
        ProjectId = 1, Application = "bench", Pipeline = "bench", CloudAccountId = 1, CloudAccountName = "sandbox",
        Workload = new WorkloadRef("default", WorkloadKind.Deployment, name), Container = "app", Image = "nginx:1.27",
    }, CancellationToken.None);
    var (verdict, at) = await observer.WaitAsync(release.Id, TimeSpan.FromMinutes(1));
    await completion.WaitAsync(TimeSpan.FromSeconds(10));
    if (verdict.Status != Hoist.Contracts.ReleaseStatus.Succeeded) throw new InvalidOperationException($"release {release.Id}: {verdict.Status} {verdict.StatusMessage}");
    // Let the engine close its watches so that their last requests are counted with this release.
    await WaitAsync(() => engine.Running.Count == 0, TimeSpan.FromSeconds(10));
    var after = cluster.Stats.Snapshot();
    if (i < warmup) continue;
    latencies.Add(Stopwatch.GetElapsedTime(completedAt, at).TotalMilliseconds);
    long total = 0;
    foreach (var (key, count) in after)
    {
        var delta = count - before.GetValueOrDefault(key);
        if (delta == 0) continue;
        total += delta;
        byKind[key] = byKind.GetValueOrDefault(key) + delta;
    }
    totals.Add(total);
}
await engine.StopAsync(CancellationToken.None);

var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
Console.WriteLine($"Hoist release engine benchmark — .NET {Environment.Version}, {RuntimeInformation.OSDescription.Trim()}, {Environment.ProcessorCount} cores, load average {load} at the end, Release");
Console.WriteLine($"options: runs {runs} (+{warmup} warm-up), replicas {replicas}, pod start delay {startDelayMs} ms; releases one at a time, sandbox over loopback HTTP, SQLite in memory");
Console.WriteLine();
Console.WriteLine("| measurement | n | median | p95 | max |");
Console.WriteLine("|---|---|---|---|---|");
Row("(a) rollout complete in the sandbox → verdict stored", latencies, "ms");
Row("(b) cluster requests per release (all verbs)", totals, "");
Console.WriteLine();
Console.WriteLine("requests per release by verb and resource (mean):");
foreach (var (key, count) in byKind.OrderByDescending(p => p.Value))
    Console.WriteLine($"  {key,-28} {((double)count / runs).ToString("F1", CultureInfo.InvariantCulture)}");
return 0;

void Row(string what, List<double> samples, string unit)
{
    var sorted = samples.Order().ToArray();
    string F(double v) => v.ToString(unit == "ms" ? "F1" : "F0", CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : "");
    var median = sorted[sorted.Length / 2];
    var p95 = sorted[Math.Max(0, (int)Math.Ceiling(0.95 * sorted.Length) - 1)];
    Console.WriteLine($"| {what} | {sorted.Length} | {F(median)} | {F(p95)} | {F(sorted[^1])} |");
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
{
    var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    while (!condition())
    {
        if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException("the sandbox did not get there in time");
        await Task.Delay(20);
    }
}

static long Int(JsonNode? n) => n is JsonValue v ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : 0 : 0;

// kubectl's DeploymentStatusViewer: spec observed, all replicas updated, no old ones, all updated available.
static bool RolledOut(JsonObject d)
{
    if (d["status"] is not JsonObject status) return false;
    if (Int(d["metadata"]?["generation"]) > Int(status["observedGeneration"])) return false;
    var updated = Int(status["updatedReplicas"]);
    return updated >= Int(d["spec"]?["replicas"]) && Int(status["replicas"]) <= updated && Int(status["availableReplicas"]) >= updated;
}

static JsonObject ManifestObject(string name, int replicas, string image) => new()
{
    ["apiVersion"] = "apps/v1",
    ["kind"] = "Deployment",
    ["metadata"] = new JsonObject { ["name"] = name },
    ["spec"] = new JsonObject
    {
        ["replicas"] = replicas,
        ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
        ["template"] = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
        },
    },
};

static string Manifest(string name, int replicas, string image) => ManifestObject(name, replicas, image).ToJsonString();

sealed class Source(string url) : IClusterConnectionSource
{
    public Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct) =>
        Task.FromResult<(string, ClusterConnection)?>(("sandbox", new ClusterConnection { Server = url }));
}

/// <summary>Stamps each verdict the moment the engine stores it.</summary>
sealed class Observer : IReleaseObserver
{
    readonly ConcurrentDictionary<long, TaskCompletionSource<(Release, long)>> _waits = new();

    TaskCompletionSource<(Release, long)> For(long id) => _waits.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public void VerdictReached(Release release) => For(release.Id).TrySetResult((release, Stopwatch.GetTimestamp()));

    public Task<(Release Release, long At)> WaitAsync(long id, TimeSpan timeout) => For(id).Task.WaitAsync(timeout);
}
