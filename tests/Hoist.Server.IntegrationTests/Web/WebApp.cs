using Xunit;
using System.Net;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Hoist.Server.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>
/// The server on a real loopback port (so Chromium can reach it), SQLite in memory held open for the app's
/// lifetime, and hand-written fakes for the cluster and the release engine. One per test: startup is cheap.
/// (<see cref="UiText"/> names the server assembly; <c>Program</c> is ambiguous next to the sandbox's.)
/// </summary>
public sealed class WebApp : WebApplicationFactory<UiText>
{
    readonly SqliteConnection _db = new("DataSource=:memory:");

    public FakeReleaseEventFeed Feed { get; } = new();
    public FakeClusterGateway Gateway { get; } = new();
    public FakeClusterConnectionSource Connections { get; } = new();

    public WebApp()
    {
        _db.Open();
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        using var scope = Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<HoistDb>().Database.EnsureCreated();
    }

    public Uri BaseAddress => ClientOptions.BaseAddress;

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(l => l.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
        builder.ConfigureServices(s =>
        {
            s.RemoveAll<DbContextOptions<HoistDb>>();
            s.RemoveAll<DbContextOptions>();
            s.AddDbContext<HoistDb>(o => o.UseSqlite(_db));
            s.RemoveAll<IReleaseEventFeed>();
            s.AddSingleton<IReleaseEventFeed>(Feed);
            s.RemoveAll<IReleaseCommands>();
            s.AddSingleton<IReleaseCommands, FakeReleaseCommands>();
            s.RemoveAll<IClusterGatewayFactory>();
            s.AddSingleton<IClusterGatewayFactory>(new FakeClusterGatewayFactory(Gateway));
            s.RemoveAll<IClusterConnectionSource>();
            s.AddSingleton<IClusterConnectionSource>(Connections);
        });
    }

    public async Task<T> WithDbAsync<T>(Func<HoistDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HoistDb>());
    }

    public Task<Release> AddReleaseAsync(Action<ReleaseSpecBuilder>? configure = null, Action<Release>? progress = null) =>
        WithDbAsync(async db =>
        {
            var spec = new ReleaseSpecBuilder();
            configure?.Invoke(spec);
            var release = Release.Create(spec.Build(), spec.CreatedAt);
            release.ImageBefore = spec.ImageBefore;
            progress?.Invoke(release);
            db.Releases.Add(release);
            await db.SaveChangesAsync();
            return release;
        });

    /// <summary>Loads a release, lets the test move it (as the engine would), and saves it.</summary>
    public Task<Release> UpdateReleaseAsync(long id, Action<Release> change) =>
        WithDbAsync(async db =>
        {
            var release = await db.Releases.Include(r => r.Transitions).FirstAsync(r => r.Id == id);
            change(release);
            await db.SaveChangesAsync();
            return release;
        });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _db.Dispose();
    }
}

/// <summary>A release spec with sensible defaults; tests change only what they are about.</summary>
public sealed class ReleaseSpecBuilder
{
    public long ProjectId { get; set; } = 1;
    public string Application { get; set; } = "acme";
    public string Pipeline { get; set; } = "shop-web-ci-1";
    public string CloudAccount { get; set; } = "sandbox";
    public string Namespace { get; set; } = "shop";
    public WorkloadKind Kind { get; set; } = WorkloadKind.Deployment;
    public string Workload { get; set; } = "web";
    public string Container { get; set; } = "app";
    public string Image { get; set; } = "registry.example.com/shop/web:2.0.0";
    public string? ImageBefore { get; set; } = "registry.example.com/shop/web:1.9.0";
    public string? BuildNumber { get; set; } = "42";
    public string? GitCommit { get; set; } = "3f2a9c1d5e7b8a0c1d2e3f4a5b6c7d8e9f0a1b2c";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow.AddMinutes(-3);

    public ReleaseSpec Build() => new()
    {
        ProjectId = ProjectId,
        Application = Application,
        Pipeline = Pipeline,
        CloudAccountId = 1,
        CloudAccountName = CloudAccount,
        Workload = new WorkloadRef(Namespace, Kind, Workload),
        Container = Container,
        Image = Image,
        BuildNumber = BuildNumber,
        GitCommit = GitCommit,
        BuildUrl = "https://ci.example.com/job/shop-web/42",
    };
}

public static class ReleaseProgress
{
    /// <summary>Queued → Validating → Patching → RollingOut, a few seconds apart, as the engine records it.</summary>
    public static void RollingOut(Release r)
    {
        var t = r.CreatedAt;
        r.StartValidating(t.AddSeconds(1));
        r.StartPatching(t.AddSeconds(2));
        r.PatchSent = """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.example.com/shop/web:2.0.0"}]}}}}""";
        r.StartRollingOut(t.AddSeconds(3), "Waiting for 3 pods of the new revision");
    }

    public static void Succeeded(Release r)
    {
        RollingOut(r);
        r.RunningDigest = "registry.example.com/shop/web@sha256:" + new string('a', 64);
        r.Succeed(r.CreatedAt.AddSeconds(20), "3/3 pods of the new revision are ready");
    }

    public static void ImagePullFailed(Release r)
    {
        RollingOut(r);
        r.Fail(r.CreatedAt.AddSeconds(9), FailureReason.ImagePullFailed,
            "pod web-7d9f-abcde container app: ImagePullBackOff: Back-off pulling image \"registry.example.com/shop/web:nonexistent\"");
    }
}
