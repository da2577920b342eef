using System.Collections.Concurrent;
using Hoist.Contracts;
using Hoist.Sandbox;
using Hoist.Server.Data;
using Hoist.Server.Data.Sqlite;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Hoist.Server.IntegrationTests.Releases;

/// <summary>
/// The release engine with the real Kubernetes gateway, aimed at a sandbox cluster over HTTP, on an in-memory
/// SQLite database kept open for its lifetime. <see cref="OnVerdict"/> runs synchronously when a verdict is
/// stored, so a test can look at the cluster at that very moment.
/// </summary>
public sealed class SandboxEngine : IAsyncDisposable, IReleaseObserver, IClusterConnectionSource
{
    readonly SqliteConnection _keeper;
    readonly string _connectionString = $"Data Source=sandbox-engine-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
    readonly List<ServiceProvider> _providers = [];
    readonly Dictionary<string, string?> _settings;

    public SandboxCluster Cluster { get; }
    public ServiceProvider Services { get; private set; } = null!;
    public ReleaseEngine Engine => Services.GetRequiredService<ReleaseEngine>();
    public IReleaseEventFeed Feed => Services.GetRequiredService<IReleaseEventFeed>();

    /// <summary>Called inside the engine right after a verdict is stored.</summary>
    public Action<Release>? OnVerdict { get; set; }

    /// <summary>Every verdict, with the wall-clock time it was stored.</summary>
    public ConcurrentDictionary<long, (Release Release, DateTimeOffset At)> Verdicts { get; } = new();

    SandboxEngine(SandboxCluster cluster, Dictionary<string, string?> settings)
    {
        Cluster = cluster;
        _settings = settings;
        _keeper = new SqliteConnection(_connectionString);
        _keeper.Open();
    }

    public static async Task<SandboxEngine> StartAsync(SandboxOptions options, Dictionary<string, string?>? settings = null, CancellationToken ct = default)
    {
        var cluster = await SandboxCluster.StartAsync(options, ct);
        var engine = new SandboxEngine(cluster, settings ?? []);
        engine.Services = engine.Build();
        await using (var scope = engine.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<HoistDb>().Database.MigrateAsync(ct);
        await engine.Engine.StartAsync(ct);
        return engine;
    }

    ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddFilter("Hoist", LogLevel.Information).AddConsole());
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kubernetes:RetryDelay"] = "00:00:00.020",
        }.Concat(_settings)).Build());
        services.AddDbContext<HoistDb, SqliteHoistDb>(o => o.UseSqlite(_connectionString));
        services.AddSingleton<IClusterConnectionSource>(this);
        services.AddSingleton<IReleaseObserver>(this);
        services.AddClusterGateways();
        services.AddReleaseEngine();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    /// <summary>Stops the engine (releases stay as stored) and starts a new one on the same database, as a server restart.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        await Engine.StopAsync(ct);
        Services = Build();
        await Engine.StartAsync(ct);
    }

    public Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct) =>
        Task.FromResult<(string, ClusterConnection)?>(("sandbox", new ClusterConnection { Server = Cluster.Url.ToString(), Token = Cluster.Options.BearerToken }));

    void IReleaseObserver.VerdictReached(Release release)
    {
        Verdicts[release.Id] = (release, DateTimeOffset.UtcNow);
        OnVerdict?.Invoke(release);
    }

    public static ReleaseSpec Spec(WorkloadKind kind, string name, string image, string container = "web", string ns = "default", bool rollbackOnFailure = false, TimeSpan? timeout = null) => new()
    {
        ProjectId = 1,
        Application = "team",
        Pipeline = "shop-build-1",
        CloudAccountId = 1,
        CloudAccountName = "sandbox",
        Workload = new WorkloadRef(ns, kind, name),
        Container = container,
        Image = image,
        RollbackOnFailure = rollbackOnFailure,
        Timeout = timeout ?? TimeSpan.FromMinutes(10),
    };

    public Task<Release> QueueAsync(ReleaseSpec spec, CancellationToken ct) => Engine.QueueAsync(spec, ct);

    /// <summary>Follows the release until it is terminal (bounded by <paramref name="patience"/>); returns the stored release and its events.</summary>
    public async Task<(Release Release, List<ReleaseEventDto> Events)> FinishAsync(long id, TimeSpan patience, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(patience);
        var events = new List<ReleaseEventDto>();
        try
        {
            await foreach (var e in Feed.FollowAsync(id, 0, bounded.Token)) events.Add(e);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var stored = await ReadReleaseAsync(id);
            throw new ShouldAssertException($"Release {id} did not finish within {patience}; stored: {stored.Status} {stored.StatusMessage}; followed:\n"
                + string.Join('\n', events.Select(e => $"{e.Type} {e.Status}: {e.Message}")));
        }
        return (await ReadReleaseAsync(id), events);
    }

    /// <summary>Waits for a status event of the release.</summary>
    public async Task WaitForStatusAsync(long id, ReleaseStatus status, TimeSpan patience, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(patience);
        await foreach (var e in Feed.FollowAsync(id, 0, bounded.Token))
            if (e.Type == ReleaseEvent.StatusType && e.Status == status) return;
        throw new ShouldAssertException($"Release {id} ended without reaching {status}");
    }

    // Through the engine's store, whose gate keeps this read from colliding with its writes on shared-cache SQLite.
    public Task<Release> ReadReleaseAsync(long id) =>
        Services.GetRequiredService<ReleaseStore>().ReadAsync((db, c) =>
            db.Releases.AsNoTracking().Include(r => r.Transitions).Include(r => r.Pods).AsSplitQuery().SingleAsync(r => r.Id == id, c), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _providers)
        {
            await p.GetRequiredService<ReleaseEngine>().StopAsync(CancellationToken.None);
            await p.DisposeAsync();
        }
        await Cluster.DisposeAsync();
        await _keeper.DisposeAsync();
    }
}
