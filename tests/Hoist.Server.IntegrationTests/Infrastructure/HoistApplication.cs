using System.Net.Http.Headers;
using Hoist.Server.Data;
using k8s;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Hoist.Server.Setup;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Hoist.Sandbox;

namespace Hoist.Server.IntegrationTests.Infrastructure;

/// <summary>
/// The whole server over real HTTP (TestServer), on its own SQLite file in a temporary data directory (or on a
/// fresh PostgreSQL database). Tests replace services with <see cref="ConfigureServices"/> and settings with
/// <see cref="Settings"/> before the first client is created; logs are captured in <see cref="Logs"/> and the
/// console of the first-start admin bootstrap in <see cref="Console"/>.
/// The server runs its real release engine and Kubernetes gateway; <see cref="UseSandboxAsync"/> gives it a
/// sandbox cluster to talk to (<see cref="World"/> does that), and <see cref="Verdicts"/> hears every verdict.
/// </summary>
public sealed class HoistApplication : WebApplicationFactory<Program>
{
    public const string AdminPassword = "admin-password-for-tests";

    readonly List<Action<IServiceCollection>> _services = [];
    readonly string? _postgresDatabase;

    public HoistApplication(string? postgresConnectionString = null)
    {
        DataDir = Path.Combine(Path.GetTempPath(), "hoist-test-" + Guid.NewGuid().ToString("N"));
        Settings["Hoist:DataDir"] = DataDir;
        Settings["HOIST_ADMIN_PASSWORD"] = AdminPassword;
        // The gateway's back-off between retries of transient cluster errors; the sandbox answers in microseconds.
        Settings["Kubernetes:RetryDelay"] = "00:00:00.020";
        if (postgresConnectionString is not null)
        {
            _postgresDatabase = "hoist_test_" + Guid.NewGuid().ToString("N")[..12];
            var cs = new NpgsqlConnectionStringBuilder(postgresConnectionString) { Database = _postgresDatabase };
            Settings["ConnectionStrings:Postgres"] = PostgresConnectionString = cs.ToString();
        }
    }

    public string DataDir { get; }
    public string DatabaseFile => Path.Combine(DataDir, "hoist.db");
    public string? PostgresConnectionString { get; }
    public Dictionary<string, string?> Settings { get; } = new();
    public CapturingLoggerProvider Logs { get; } = new();
    public StringWriter Console { get; } = new();
    public VerdictWaiter Verdicts { get; } = new();

    /// <summary>The cluster the test's cloud accounts point at (<see cref="UseSandboxAsync"/>).</summary>
    public SandboxCluster? Sandbox { get; private set; }

    /// <summary>
    /// Starts a sandbox cluster (bearer token <see cref="Samples.KubeconfigToken"/>) for this server. Call before
    /// the server starts.
    /// </summary>
    public async Task<HoistApplication> UseSandboxAsync(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { BearerToken = Samples.KubeconfigToken };
        configure?.Invoke(options);
        Sandbox = await SandboxCluster.StartAsync(options, TestContext.Current.CancellationToken);
        return this;
    }

    /// <summary>Runs after the server's own registrations, so it can replace anything.</summary>
    public HoistApplication ConfigureServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Information);
        });
        builder.ConfigureTestServices(services =>
        {
            // Test passwords need no brute-force resistance; 100 000 PBKDF2 rounds per user would dominate seeding.
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1000);
            services.RemoveAll<BootstrapConsole>();
            services.AddSingleton(new BootstrapConsole(Console));
            services.AddSingleton<IReleaseObserver>(Verdicts);
            foreach (var configure in _services) configure(services);
        });
    }

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    /// <summary>A client sending the token as <c>Authorization: Bearer</c>.</summary>
    public HttpClient WithToken(string token, string scheme = "Bearer")
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, token);
        return client;
    }

    /// <summary>A client holding a session cookie of that user.</summary>
    public async Task<HttpClient> LoginAsync(string userName, string password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var response = await client.PostAsJsonAsync("/api/v1/session", new { userName, password }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return client;
    }

    public Task<HttpClient> LoginAsAdminAsync() => LoginAsync(AdminBootstrap.AdminUserName, AdminPassword);

    /// <summary>Runs <paramref name="work"/> with the seeding service in a fresh scope.</summary>
    public async Task<T> SeedAsync<T>(Func<HoistSetup, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HoistSetup>());
    }

    public async Task<T> DbAsync<T>(Func<HoistDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HoistDb>());
    }

    public Task<int> ReleaseCountAsync() => DbAsync(db => db.Set<Release>().CountAsync());

    /// <summary>A Kubernetes client for the sandbox, to look at (or change) the cluster behind the server's back.</summary>
    public k8s.Kubernetes SandboxClient() => new(Sandbox!.ClientConfiguration());

    /// <summary>The image a container of a sandbox Deployment's pod template has now.</summary>
    public async Task<string?> DeploymentImageAsync(string name, string container, string ns = "default")
    {
        using var client = SandboxClient();
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: TestContext.Current.CancellationToken);
        return deployment.Spec.Template.Spec.Containers.FirstOrDefault(c => c.Name == container)?.Image;
    }

    /// <summary>Starts the server (if not yet) so that <see cref="WebApplicationFactory{TEntryPoint}.Services"/> is usable.</summary>
    public HoistApplication Start()
    {
        _ = Server;
        return this;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Sandbox is not null) await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null && PostgresConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            var admin = new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = "postgres" };
            await using var connection = new NpgsqlConnection(admin.ToString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform; the temp dir is cleaned eventually.
        }
    }
}
