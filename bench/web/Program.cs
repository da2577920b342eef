// Seeds N releases (default 10,000) into a SQLite file, starts the real server on a loopback port (Kestrel), and
// times the release list and release detail pages. "Server time" is measured by a middleware at the front of the
// server's pipeline (request in → response complete), so the HTTP client's own overhead is not counted; the
// client-side latency is printed next to it.
//   dotnet run -c Release --project bench/web [-- --releases 10000 --requests 200]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Hoist.Server.Setup;
using Hoist.Server.Web;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

var releases = Arg("--releases", 10_000);
var requests = Arg("--requests", 200);
var dir = Directory.CreateTempSubdirectory("hoist-bench-web-");
var dbPath = Path.Combine(dir.FullName, "hoist.db");
Console.WriteLine($"bench/web: {releases:N0} releases in {dbPath}, {requests} timed requests per URL");

try
{
    using var app = new BenchServer(dir.FullName);
    var seedWatch = Stopwatch.StartNew();
    var projectIds = await SeedPeople(app);
    var ids = await Seed(app, releases, projectIds);
    Console.WriteLine($"seeded in {seedWatch.Elapsed.TotalSeconds:F1} s; database {new FileInfo(dbPath).Length / 1024 / 1024.0:F1} MiB");

    // The pages need a session: a team owner who sees the 12 projects (the list filters by them, as for anyone but a server admin).
    using var http = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = app.BaseAddress };
    (await http.PostAsJsonAsync("/api/v1/session", new { userName = "bench", password = BenchServer.Password })).EnsureSuccessStatusCode();
    var random = new Random(42);
    var cases = new (string Name, Func<string> Url)[]
    {
        ("/releases (page 1)", () => "/releases"),
        ("/releases?page=300 (deep page)", () => "/releases?page=300"),
        ("/releases?status=Failed&application=team-2", () => "/releases?status=Failed&application=team-2"),
        ("/releases?workload=svc-1&from=…&to=…", () => $"/releases?workload=svc-1&from={DateTime.UtcNow.AddDays(-30):yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}"),
        ("/releases/{id} (random)", () => $"/releases/{ids[random.Next(ids.Count)]}"),
        ("/ (overview)", () => "/"),
    };

    Console.WriteLine();
    Console.WriteLine($"{"page",-46} {"server p50",10} {"p95",8} {"max",8} {"client p50",11} {"bytes",8}");
    var failed = false;
    foreach (var (name, url) in cases)
    {
        for (var i = 0; i < 20; i++) (await http.GetAsync(url())).EnsureSuccessStatusCode(); // warm-up: JIT, EF query cache
        app.Timings.Clear();
        var client = new List<double>();
        long bytes = 0;
        for (var i = 0; i < requests; i++)
        {
            var sw = Stopwatch.StartNew();
            var body = await http.GetByteArrayAsync(url());
            client.Add(sw.Elapsed.TotalMilliseconds);
            bytes = body.Length;
        }
        var server = app.Timings.ToArray();
        var p95 = Percentile(server, 0.95);
        failed |= p95 >= 200;
        Console.WriteLine($"{name,-46} {Percentile(server, 0.5),8:F1}ms {p95,6:F1}ms {server.Max(),6:F1}ms {Percentile(client, 0.5),9:F1}ms {bytes,8:N0}");
    }
    Console.WriteLine();
    Console.WriteLine(failed ? "goal NOT met: some p95 ≥ 200 ms" : "goal met: every p95 < 200 ms");
    return failed ? 1 : 0;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (Environment.GetEnvironmentVariable("BENCH_KEEP") is null) dir.Delete(recursive: true);
}

static double Percentile(IReadOnlyCollection<double> values, double p)
{
    var sorted = values.OrderBy(v => v).ToArray();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task<List<long>> SeedPeople(BenchServer app)
{
    using var scope = app.Services.CreateScope();
    var setup = scope.ServiceProvider.GetRequiredService<HoistSetup>();
    await setup.EnsureUserAsync("bench", BenchServer.Password);
    var team = await setup.EnsureTeamAsync("acme", "bench");
    var ids = new List<long>();
    for (var i = 0; i < 12; i++) ids.Add((await setup.EnsureProjectAsync(team.Id, $"project-{i}")).Id);
    return ids;
}

static async Task<List<long>> Seed(BenchServer app, int count, List<long> projectIds)
{
    using var scope = app.Services.CreateScope();
    var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
    db.ChangeTracker.AutoDetectChangesEnabled = false;
    var random = new Random(7);
    var start = DateTimeOffset.UtcNow.AddDays(-90);
    var ids = new List<long>(count);
    const int batch = 1000;
    for (var done = 0; done < count; done += batch)
    {
        await using var tx = await db.Database.BeginTransactionAsync();
        var added = new List<Release>(batch);
        for (var i = done; i < Math.Min(count, done + batch); i++)
        {
            var team = $"team-{i % 5}";
            var workload = $"svc-{i % 30}";
            var created = start.AddMinutes(i * (90.0 * 24 * 60 / count));
            var r = Release.Create(new ReleaseSpec
            {
                ProjectId = projectIds[i % projectIds.Count],
                TriggeredByUserId = 2,
                Application = team,
                Pipeline = $"project-{i % 12}-{workload}-ci-{i % 40}",
                BuildNumber = (i / 40 + 1).ToString(CultureInfo.InvariantCulture),
                GitCommit = Convert.ToHexString(BitConverter.GetBytes(random.NextInt64())).ToLowerInvariant() + "0123456789abcdef01234567",
                BuildUrl = $"https://ci.example.com/job/{workload}/{i}",
                CloudAccountId = 1 + i % 3,
                CloudAccountName = $"cluster-{i % 3}",
                Workload = new WorkloadRef($"ns-{i % 7}", WorkloadKind.Deployment, workload),
                Container = "app",
                Image = $"registry.example.com/{team}/{workload}:1.{i}.0",
            }, created);
            r.ImageBefore = $"registry.example.com/{team}/{workload}:1.{Math.Max(0, i - 30)}.0";
            r.StartValidating(created.AddSeconds(1));
            r.StartPatching(created.AddSeconds(2));
            r.PatchSent = """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"IMAGE"}]}}}}""".Replace("IMAGE", r.ImageAfter, StringComparison.Ordinal);
            r.StartRollingOut(created.AddSeconds(3), "Waiting for 3 pods of the new revision");
            var roll = random.NextDouble();
            if (roll < 0.80) { r.RunningDigest = $"registry.example.com/{team}/{workload}@sha256:{new string('a', 64)}"; r.Succeed(created.AddSeconds(40), "3/3 pods of the new revision are ready"); }
            else if (roll < 0.92) r.Fail(created.AddSeconds(12), FailureReason.ImagePullFailed, "pod x container app: ImagePullBackOff");
            else if (roll < 0.96) r.TimeOut(created.AddMinutes(10), "Timed out after 10 minutes");
            else if (roll < 0.98) r.Fail(created.AddSeconds(30), FailureReason.CrashLoop, "pod x container app: CrashLoopBackOff (exit code 1)");
            // else: still rolling out
            added.Add(r);
        }
        db.Releases.AddRange(added);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        ids.AddRange(added.Select(r => r.Id));
        db.ChangeTracker.Clear();
    }
    return ids;
}

/// <summary>The server as it runs (its own SQLite file in a temporary data directory), on a loopback port.</summary>
sealed class BenchServer : WebApplicationFactory<UiText>
{
    public const string Password = "bench-password-1";
    readonly string _dataDir;

    public System.Collections.Concurrent.ConcurrentQueue<double> Timings { get; } = new();

    public BenchServer(string dataDir)
    {
        _dataDir = dataDir;
        // The bench is not a test project, so Mvc.Testing does not know where the server's content root is.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_HOIST_SERVER", Path.Combine(RepoRoot(), "src", "Hoist.Server"));
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
    }

    public Uri BaseAddress => ClientOptions.BaseAddress;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Hoist:DataDir", _dataDir);
        builder.UseSetting("HOIST_ADMIN_PASSWORD", "bench-admin-password");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new TimingFilter(Timings)));
    }

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hoist.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run the bench from inside the repository");
    }

    sealed class TimingFilter(System.Collections.Concurrent.ConcurrentQueue<double> timings) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext ctx, RequestDelegate nextDelegate) =>
            {
                var started = Stopwatch.GetTimestamp();
                await nextDelegate(ctx);
                timings.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            });
            next(app);
        };
    }
}
