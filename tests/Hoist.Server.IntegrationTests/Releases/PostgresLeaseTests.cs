using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hoist.Contracts;
using Hoist.Sandbox;
using Hoist.Sandbox.Store;
using Hoist.Server.Data;
using Hoist.Server.Data.Postgres;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hoist.Server.IntegrationTests.Releases;

/// <summary>
/// The release lease on a real PostgreSQL (DESIGN.md §6: replicas on one database share the work): the claim's
/// re-check under READ COMMITTED, and two engines sharing one database and one sandbox. Runs only when
/// <c>HOIST_TEST_POSTGRES</c> holds a connection string; reported as skipped otherwise.
/// </summary>
public sealed class PostgresLeaseTests
{
    static readonly string? ConnectionString = Environment.GetEnvironmentVariable("HOIST_TEST_POSTGRES");
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true, 0, "replica-a")]
    [InlineData(false, 1, "replica-b")]
    public async Task Claim_RacingAnUncommittedClaim_WaitsAndThenRechecksTheRowAsLeft(bool firstCommits, int secondClaims, string owner)
    {
        await using var pg = await PostgresDatabase.CreateAsync();
        var now = DateTimeOffset.UtcNow;
        long id;
        await using (var db = pg.Context())
        {
            var release = Release.Create(Spec("web", "nginx:1.27"), now);
            db.Releases.Add(release);
            await db.SaveChangesAsync(Ct);
            id = release.Id;
        }

        await using var a = pg.Context();
        await using var first = await a.Database.BeginTransactionAsync(Ct);
        (await ReleaseLease.ClaimAsync(a, id, "replica-a", now, now.AddSeconds(30), Ct)).ShouldBe(1);

        await using var b = pg.Context();
        var second = ReleaseLease.ClaimAsync(b, id, "replica-b", now, now.AddSeconds(30), Ct);
        await pg.UntilAStatementWaitsForALockAsync();
        second.IsCompleted.ShouldBeFalse();
        if (firstCommits) await first.CommitAsync(Ct);
        else await first.RollbackAsync(Ct);

        (await second).ShouldBe(secondClaims);
        await using var check = pg.Context();
        (await check.Releases.AsNoTracking().Where(r => r.Id == id).Select(r => r.LeaseOwner).SingleAsync(Ct)).ShouldBe(owner);
    }

    [Fact]
    public async Task TwoEngines_ManyReleases_EachPatchedOnceAndAStoppedEnginesReleasesTakenOverAfterTheirLeasesExpire()
    {
        const int Workloads = 8;
        var leaseDuration = TimeSpan.FromSeconds(4);
        await using var pg = await PostgresDatabase.CreateAsync();
        var requests = new ConcurrentQueue<string>();
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions
        {
            PodStartDelay = TimeSpan.FromSeconds(2),
            RequestLog = line => { if (line.StartsWith("PATCH ", StringComparison.Ordinal)) requests.Enqueue(line); },
        }, Ct);
        var names = Enumerable.Range(0, Workloads).Select(i => $"app-{i}").ToList();
        await cluster.ApplyAsync(string.Join("\n---\n", names.Select(n => Manifests.Deployment(n, "nginx:1.26", replicas: 1))), Ct);
        await Until(() => Task.FromResult(names.All(n => Available(cluster, n))), "the initial rollouts", TimeSpan.FromSeconds(30));

        var settings = new Dictionary<string, string?>
        {
            ["Engine:LeaseDuration"] = leaseDuration.ToString(),
            ["Engine:TakeoverInterval"] = "00:00:01",
            ["Kubernetes:RetryDelay"] = "00:00:00.020",
        };
        await using var a = await Replica.StartAsync("replica-a", pg, cluster, settings);
        await using var b = await Replica.StartAsync("replica-b", pg, cluster, settings);

        // Two releases per workload, queued half through each replica and announced to both: they compete for every one.
        var first = new List<Release>();
        var second = new List<Release>();
        foreach (var n in names) first.Add(await a.Engine.QueueAsync(Spec(n, "nginx:1.27"), Ct));
        foreach (var n in names) second.Add(await b.Engine.QueueAsync(Spec(n, "nginx:1.28"), Ct));
        foreach (var r in first.Concat(second))
        {
            a.Engine.ReleaseQueued(r.Id);
            b.Engine.ReleaseQueued(r.Id);
        }

        // Stop replica A as if it died: cut off from the database first, so it cannot give its leases back.
        await Until(async () => (await pg.ReadAsync(db => db.Releases.AnyAsync(r => r.LeaseOwner == a.Id && r.Status == ReleaseStatus.RollingOut, Ct))),
            "replica-a rolling out a release", TimeSpan.FromSeconds(30));
        a.CutOffFromTheDatabase();
        await a.StopAsync();
        var held = (await pg.ReadAsync(db => db.Releases.AsNoTracking().Where(r => r.LeaseOwner == a.Id)
            .Select(r => new { r.Id, r.Status, r.LeaseExpiresAt }).ToListAsync(Ct))).Where(r => !r.Status.IsTerminal()).ToList();
        held.ShouldNotBeEmpty("replica-a held no release when it stopped");
        held.ShouldContain(h => h.Status == ReleaseStatus.RollingOut);

        var all = first.Concat(second).Select(r => r.Id).ToList();
        await Until(() => Task.FromResult(all.All(id => a.Verdicts.ContainsKey(id) || b.Verdicts.ContainsKey(id))), "a verdict for every release", TimeSpan.FromSeconds(120));

        var stored = await pg.ReadAsync(db => db.Releases.AsNoTracking().Include(r => r.Transitions).AsSplitQuery().Where(r => all.Contains(r.Id)).ToListAsync(Ct));
        stored.Count.ShouldBe(all.Count);
        foreach (var r in stored)
        {
            r.Status.ShouldBe(ReleaseStatus.Succeeded, $"release {r.Id}: {r.StatusMessage}");
            r.Transitions.OrderBy(t => t.Id).Select(t => t.To).ShouldBe(
                [ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.Succeeded], $"release {r.Id} ran once");
            if (b.Verdicts.ContainsKey(r.Id)) r.LeaseOwner.ShouldBeNull($"release {r.Id}: replica-b gave its lease back");
        }
        foreach (var h in held)
        {
            b.Verdicts.ShouldContainKey(h.Id, $"release {h.Id} (held by replica-a in {h.Status}) was finished by replica-b");
            b.Verdicts[h.Id].ShouldBeGreaterThanOrEqualTo(h.LeaseExpiresAt!.Value, $"release {h.Id} was taken over only after replica-a's lease ran out");
        }

        // Exactly one applied PATCH per release: two per workload, and nothing else patched.
        var applied = requests.Where(l => Regex.IsMatch(l, @"^PATCH \S+ 200 ")).ToList();
        foreach (var n in names)
            applied.Count(l => Regex.IsMatch(l, $@"^PATCH /apis/apps/v1/namespaces/default/deployments/{n}[? ]")).ShouldBe(2, $"{n}; PATCHes seen:\n{string.Join('\n', requests)}");
        applied.Count.ShouldBe(all.Count);
        cluster.Stats.Count("patch", "deployments").ShouldBe(requests.Count);

        // One release at a time per workload, across both replicas: the second started after the first's verdict.
        for (var i = 0; i < Workloads; i++)
        {
            var one = stored.Single(r => r.Id == first[i].Id);
            var two = stored.Single(r => r.Id == second[i].Id);
            two.Transitions.Min(t => t.At).ShouldBeGreaterThanOrEqualTo(one.FinishedAt!.Value, names[i]);
            two.ImageBefore.ShouldBe("nginx:1.27", names[i]);
        }
        cluster.Store.Get(ResourceKinds.Deployments, "default", names[0])!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.28");
    }

    static ReleaseSpec Spec(string name, string image) => SandboxEngine.Spec(WorkloadKind.Deployment, name, image);

    static bool Available(SandboxCluster c, string name)
    {
        var d = c.Store.Get(ResourceKinds.Deployments, "default", name);
        var status = d?["status"];
        return d is not null && Num(status?["availableReplicas"]) == 1 && Num(status?["updatedReplicas"]) == 1 && Num(status?["replicas"]) == 1
            && Num(status?["observedGeneration"]) == Num(d["metadata"]?["generation"]);
    }

    static long Num(JsonNode? n) => n is null ? 0 : long.Parse(n.ToJsonString(), CultureInfo.InvariantCulture);

    /// <summary>Polls a condition against real time (the sandbox and the database run on their own), bounded.</summary>
    static async Task Until(Func<Task<bool>> condition, string what, TimeSpan patience)
    {
        var deadline = DateTimeOffset.UtcNow + patience;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new ShouldAssertException($"timed out after {patience} waiting for {what}");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>A fresh database on the test server, with the schema; dropped at the end.</summary>
    sealed class PostgresDatabase : IAsyncDisposable
    {
        readonly string _name = "hoist_lease_" + Guid.NewGuid().ToString("N")[..12];

        public string ConnectionString { get; }

        PostgresDatabase()
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(PostgresLeaseTests.ConnectionString) { Database = _name }.ToString();
        }

        public static async Task<PostgresDatabase> CreateAsync()
        {
            Assert.SkipWhen(string.IsNullOrWhiteSpace(PostgresLeaseTests.ConnectionString), "HOIST_TEST_POSTGRES is not set; no PostgreSQL to test against.");
            var pg = new PostgresDatabase();
            await using var db = pg.Context();
            await db.Database.MigrateAsync(Ct); // the schema production gets
            return pg;
        }

        public HoistDb Context() => new PostgresHoistDb(new DbContextOptionsBuilder<PostgresHoistDb>().UseNpgsql(ConnectionString).Options);

        public async Task<T> ReadAsync<T>(Func<HoistDb, Task<T>> read)
        {
            await using var db = Context();
            return await read(db);
        }

        /// <summary>Until some statement on this database waits for a row lock held by another transaction.</summary>
        public Task UntilAStatementWaitsForALockAsync() => Until(async () =>
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
            return (long)(await command.ExecuteScalarAsync(Ct))! > 0;
        }, "the second claim to wait for the first one's row lock", TimeSpan.FromSeconds(10));

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" };
            await using var connection = new NpgsqlConnection(admin.ToString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// One server replica's release engine on the shared database and sandbox, with its own instance id, and the
    /// verdicts it stored (with the wall-clock time). <see cref="CutOffFromTheDatabase"/> makes every later
    /// statement fail, as a lost network would.
    /// </summary>
    sealed class Replica : IReleaseObserver, IClusterConnectionSource, IAsyncDisposable
    {
        readonly DatabaseCutOff _cutOff = new();
        readonly SandboxCluster _cluster;
        ServiceProvider _services = null!;
        bool _stopped;

        Replica(string id, SandboxCluster cluster)
        {
            Id = id;
            _cluster = cluster;
        }

        public string Id { get; }
        public ReleaseEngine Engine => _services.GetRequiredService<ReleaseEngine>();
        public ConcurrentDictionary<long, DateTimeOffset> Verdicts { get; } = new();

        public static async Task<Replica> StartAsync(string id, PostgresDatabase pg, SandboxCluster cluster, Dictionary<string, string?> settings)
        {
            var replica = new Replica(id, cluster);
            var services = new ServiceCollection();
            // Warnings of the engine only: the cut-off makes EF log every failed statement, which says nothing new.
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None).AddSimpleConsole(o => o.SingleLine = true));
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Engine:InstanceId"] = id }).Build());
            services.AddDbContext<PostgresHoistDb>(o => o.UseNpgsql(pg.ConnectionString).AddInterceptors(replica._cutOff));
            services.AddScoped<HoistDb>(sp => sp.GetRequiredService<PostgresHoistDb>());
            services.AddSingleton<IClusterConnectionSource>(replica);
            services.AddSingleton<IReleaseObserver>(replica);
            services.AddClusterGateways();
            services.AddReleaseEngine();
            replica._services = services.BuildServiceProvider();
            replica.Engine.InstanceId.ShouldBe(id);
            await replica._services.GetRequiredService<ReleaseEngine>().StartAsync(Ct);
            return replica;
        }

        public void CutOffFromTheDatabase() => _cutOff.Cut = true;

        public async Task StopAsync()
        {
            if (_stopped) return;
            _stopped = true;
            await Engine.StopAsync(CancellationToken.None);
        }

        public Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct) =>
            Task.FromResult<(string, ClusterConnection)?>(("sandbox", new ClusterConnection { Server = _cluster.Url.ToString() }));

        void IReleaseObserver.VerdictReached(Release release) => Verdicts[release.Id] = DateTimeOffset.UtcNow;

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _services.DisposeAsync();
        }
    }

    sealed class DatabaseCutOff : DbCommandInterceptor
    {
        public volatile bool Cut;

        void ThrowIfCut()
        {
            if (Cut) throw new NpgsqlException("the test cut this replica off from the database");
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            ThrowIfCut();
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            ThrowIfCut();
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            ThrowIfCut();
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            ThrowIfCut();
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            ThrowIfCut();
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            ThrowIfCut();
            return ValueTask.FromResult(result);
        }
    }
}
