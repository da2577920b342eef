using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Data.Sqlite;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Hoist.Server.Tests.Fakes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Shouldly;

namespace Hoist.Server.Tests.Releases;

/// <summary>
/// One engine over an in-memory SQLite database (kept open for the harness's lifetime), the fake cluster and a
/// fake clock. <see cref="RestartAsync"/> stops the engine and starts a new one on the same database, as a
/// server restart would; <see cref="StartSecondAsync"/> adds a second replica.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    readonly SqliteConnection _keeper;
    readonly string _connectionString;
    readonly Dictionary<string, string?> _settings;
    readonly List<ServiceProvider> _providers = [];

    public WatchedTimeProvider Time { get; } = new(T0);
    public FakeClusterGateway Cluster { get; } = new();
    public FakeConnectionSource Connections { get; } = new();
    public ServiceProvider Services { get; private set; } = null!;
    public ReleaseEngine Engine => Services.GetRequiredService<ReleaseEngine>();
    public IReleaseEventFeed Feed => Services.GetRequiredService<IReleaseEventFeed>();
    public IReleaseCommands Commands => Services.GetRequiredService<IReleaseCommands>();
    public ReleaseStore Store => Services.GetRequiredService<ReleaseStore>();

    EngineHarness(Dictionary<string, string?> settings)
    {
        _settings = settings;
        _connectionString = $"Data Source=engine-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        _keeper = new SqliteConnection(_connectionString);
        _keeper.Open();
    }

    public static async Task<EngineHarness> StartAsync(Dictionary<string, string?>? settings = null, bool start = true)
    {
        var h = new EngineHarness(settings ?? []);
        h.Services = h.BuildProvider();
        await using (var scope = h.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<HoistDb>().Database.MigrateAsync();
        if (start) await h.Engine.StartAsync(CancellationToken.None);
        return h;
    }

    ServiceProvider BuildProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(_settings).Build());
        services.AddSingleton<TimeProvider>(Time);
        services.AddDbContext<HoistDb, SqliteHoistDb>(o => o.UseSqlite(_connectionString));
        services.AddSingleton<IClusterConnectionSource>(Connections);
        services.AddSingleton<IRolloutGatewayFactory>(Cluster);
        services.AddReleaseEngine();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    public Task StartEngineAsync() => Engine.StartAsync(CancellationToken.None);

    /// <summary>Stops the engine (its runners leave their releases as stored) and starts a fresh one on the same database.</summary>
    public async Task RestartAsync()
    {
        await Engine.StopAsync(CancellationToken.None);
        Services = BuildProvider();
        await Engine.StartAsync(CancellationToken.None);
    }

    /// <summary>A second replica on the same database and cluster.</summary>
    public async Task<ReleaseEngine> StartSecondAsync()
    {
        var other = BuildProvider().GetRequiredService<ReleaseEngine>();
        await other.StartAsync(CancellationToken.None);
        return other;
    }

    public static ReleaseSpec Spec(WorkloadRef w, string image, string container = "web", bool rollbackOnFailure = false, bool restart = false, long cloudAccountId = 1) => new()
    {
        ProjectId = 1,
        Application = "team",
        Pipeline = "shop-build-1",
        BuildNumber = "17",
        CloudAccountId = cloudAccountId,
        CloudAccountName = $"cluster-{cloudAccountId}",
        Workload = w,
        Container = container,
        Image = image,
        RollbackOnFailure = rollbackOnFailure,
        RestartIfUnchanged = restart,
    };

    public Task<Release> QueueAsync(ReleaseSpec spec) => Engine.QueueAsync(spec, CancellationToken.None);

    /// <summary>Follows the release's events until one matches; fails if the release ends first or nothing comes in time.</summary>
    public async Task<ReleaseEventDto> WaitForAsync(long releaseId, Func<ReleaseEventDto, bool> match, string what)
    {
        using var patience = new CancellationTokenSource(Patience);
        var seen = new List<string>();
        try
        {
            await foreach (var e in Feed.FollowAsync(releaseId, 0, patience.Token))
            {
                seen.Add($"{e.Sequence} {e.Type} {e.Status}: {e.Message}");
                if (match(e)) return e;
            }
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested) { }
        throw new ShouldAssertException($"Release {releaseId}: no event for {what}. Seen:\n{string.Join('\n', seen)}");
    }

    public Task<ReleaseEventDto> WaitForStatusAsync(long releaseId, ReleaseStatus status) =>
        WaitForAsync(releaseId, e => e.Type == ReleaseEvent.StatusType && e.Status == status, status.ToString());

    public Task<ReleaseEventDto> WaitForProgressAsync(long releaseId, string contains) =>
        WaitForAsync(releaseId, e => e.Type == ReleaseEvent.ProgressType && e.Message.Contains(contains, StringComparison.Ordinal), $"progress \"{contains}\"");

    // Reads go through the engine's store so that they never collide with its writes on shared-cache SQLite.
    public Task<Release> GetAsync(long id) =>
        Store.ReadAsync((db, c) => db.Releases.AsNoTracking().Include(r => r.Transitions).Include(r => r.Pods).AsSplitQuery().SingleAsync(r => r.Id == id, c), CancellationToken.None);

    public Task<List<ReleaseEvent>> EventsAsync(long id) =>
        Store.ReadAsync((db, c) => db.ReleaseEvents.AsNoTracking().Where(e => e.ReleaseId == id).OrderBy(e => e.Sequence).ToListAsync(c), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _providers)
        {
            foreach (var engine in p.GetServices<ReleaseEngine>()) await engine.StopAsync(CancellationToken.None);
            await p.DisposeAsync();
        }
        await _keeper.DisposeAsync();
    }
}

/// <summary>Controller-side changes a test makes to the fake cluster, named as kubectl would describe them.</summary>
public static class Rollout
{
    /// <summary>The Deployment controller observed the new generation and reports these counts (3 replicas).</summary>
    public static WorkloadState Deployment(WorkloadState s, int statusReplicas, int updated, int available, string revision = "2", params KubeCondition[] conditions) => s with
    {
        ObservedGeneration = s.Generation,
        Revision = revision,
        Annotations = new Dictionary<string, string>(s.Annotations) { ["deployment.kubernetes.io/revision"] = revision },
        Status = new DeploymentStatus
        {
            Replicas = 3, StatusReplicas = statusReplicas, UpdatedReplicas = updated, ReadyReplicas = available, AvailableReplicas = available,
            Conditions = conditions,
        },
    };

    public static WorkloadState Complete(WorkloadState s, string revision = "2") => Deployment(s, 3, 3, 3, revision);

    public static PodState[] Pods(string revision, string image, int count = 3) =>
        Enumerable.Range(1, count).Select(i => Build.Pod($"web-{revision}-{i}", revision, image)).ToArray();
}
