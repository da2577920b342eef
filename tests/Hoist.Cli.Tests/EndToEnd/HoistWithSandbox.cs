extern alias sandbox;

using System.Net;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Setup;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using sandbox::Hoist.Sandbox;

namespace Hoist.Cli.Tests.EndToEnd;

/// <summary>
/// The real server (Kestrel on 127.0.0.1:0, SQLite in a temporary data directory, the real release engine) talking
/// to a sandbox cluster, seeded like the demo: team demo, project shop, build plan build-and-deploy, cloud account
/// sandbox, a credential and a project:deployment token; in namespace demo a Deployment web (3 replicas, containers
/// nginx and log-shipper). <see cref="Environment"/> is the CI environment a build of that plan would have.
/// </summary>
public sealed class HoistWithSandbox : IAsyncLifetime
{
    static readonly string Manifests = WorkloadYaml.Documents(
        WorkloadYaml.Namespace("demo"),
        WorkloadYaml.Deployment("web", [new("nginx", "nginx:1.26"), new("log-shipper", "fluent-bit:3.0")], "demo", replicas: 3));

    readonly string dataDir = Path.Combine(Path.GetTempPath(), "hoist-cli-e2e-" + Guid.NewGuid().ToString("N"));
    WebApplicationFactory<global::Program>? app;

    public SandboxCluster Sandbox { get; private set; } = null!;
    public Uri Server { get; private set; } = null!;
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = null!;

    /// <summary>The CI environment plus the server, with a build number of its own unless given.</summary>
    public Dictionary<string, string> Build(string? buildNumber = null)
    {
        var env = new Dictionary<string, string>(Environment) { ["HOIST_SERVER"] = Server.ToString() };
        env["CI_BUILD_NUMBER"] = buildNumber ?? Guid.NewGuid().ToString("N")[..8];
        return env;
    }

    public async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxCluster.StartAsync(new SandboxOptions { PodStartDelay = TimeSpan.FromMilliseconds(200), BearerToken = "sandbox-e2e-token" });
        await Sandbox.ApplyAsync(Manifests);

        app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("Hoist:DataDir", dataDir);
            b.UseSetting("HOIST_ADMIN_PASSWORD", "admin-password-for-cli-e2e");
            b.ConfigureLogging(l => l.ClearProviders());
        });
        app.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        Server = app.ClientOptions.BaseAddress;

        await using var scope = app.Services.CreateAsyncScope();
        var target = await scope.ServiceProvider.GetRequiredService<HoistSetup>().CreateDeployTargetAsync(new DeployTargetSpec
        {
            Team = "demo", Project = "shop", BuildPlan = "build-and-deploy", BuildPlanExternalId = "7", CloudAccount = "sandbox",
            Connection = new CloudAccountRequest { Kubeconfig = Sandbox.KubeconfigYaml(), Context = "sandbox" },
        });
        Environment = new Dictionary<string, string>(target.Environment)
        {
            ["CD_ACCOUNT_NAME"] = "sandbox",
            ["CD_NAMESPACE_NAME"] = "demo",
            ["CD_MANIFEST_TYPE"] = "Deployment",
            ["CD_MANIFEST_NAME"] = "web",
            ["CD_CONTAINER_NAME"] = "nginx",
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
        await Sandbox.DisposeAsync();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
