using Hoist.Sandbox;
using Hoist.Server.Setup;
using Hoist.Server.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Hoist.Server.Demo;

/// <summary>
/// The one-command demo: an embedded sandbox cluster, the server on SQLite in the data dir, the seed, <c>demo.env</c>
/// and <c>sandbox.kubeconfig</c>, a first <c>hoist deploy</c>, then serving until Ctrl-C.
/// </summary>
static class DemoRunner
{
    /// <summary>What the first deploy sets web/nginx to; the sandbox starts every run at <see cref="DemoWorkloads.WebImage"/>.</summary>
    public const string FirstDeployImage = "nginx:1.27";

    public static async Task RunAsync(WebApplication app, DemoSession session)
    {
        var console = Console.Out;
        var ct = app.Lifetime.ApplicationStopping;
        // Tokenless on purpose: kubectl sends no bearer token to a plain http:// server (see DemoSeed).
        await using var sandbox = await SandboxCluster.StartAsync(new SandboxOptions { PodStartDelay = session.Options.PodStartDelay, PodStopDelay = session.Options.PodStopDelay }, ct);
        await sandbox.ApplyAsync(DemoWorkloads.Yaml, ct);

        await app.StartAsync(ct);
        var server = ServerUrl(app);
        Directory.CreateDirectory(session.DataDir);
        var kubeconfig = Path.Combine(session.DataDir, "sandbox.kubeconfig");
        sandbox.WriteKubeconfig(kubeconfig);
        var envPath = Path.Combine(session.DataDir, DemoEnvFile.FileName);
        var env = await DemoSeed.RunAsync(app.Services, server, sandbox.KubeconfigYaml(), kubeconfig, session.AdminPassword, session.Previous, ct);
        DemoEnvFile.Write(envPath, env);
        var adminOk = await AdminPasswordWorksAsync(app.Services, session.AdminPassword, ct);

        await console.WriteLineAsync($"""

            Hoist demo
              server         {env["HOIST_SERVER"]}   (SQLite in {session.DataDir})
              sandbox        {sandbox.Url}   namespace {DemoWorkloads.Namespace}: deployment/web (nginx, log-shipper), statefulset/db, daemonset/node-agent, cronjob/nightly-report
              seeded         team {DemoSeed.Team}, project {DemoSeed.Project}, build plan {DemoSeed.BuildPlan}, cloud account {DemoSeed.CloudAccount}, credential #{env["CD_CREDENTIAL_INDEX"]} {env["CD_CREDENTIAL_ID"]}
              wrote          {envPath}, {kubeconfig}
            """);

        if (session.Options.FirstDeploy)
        {
            await console.WriteLineAsync($"$ hoist deploy --image {FirstDeployImage}");
            await console.FlushAsync(ct);
            var exit = await DeployAsync(env, FirstDeployImage);
            if (exit != 0) await console.WriteLineAsync($"(the first deploy ended with exit code {exit}; the server keeps running)");
        }

        await console.WriteLineAsync($"""

            What next
              web            {env["HOIST_SERVER"]}/
              admin login    {env["HOIST_ADMIN_USER"]} / {(adminOk ? env["HOIST_ADMIN_PASSWORD"] : "(unknown: this data dir's admin predates demo.env; delete the dir to start over)")}
              your shell     source {envPath}
              deploy         hoist deploy --image nginx:1.28        (without the tool: dotnet run --project src/Hoist.Cli -- deploy --image nginx:1.28)
              a failure      hoist deploy --image nginx:nonexistent   then: hoist release rollback <id> --wait
              the cluster    kubectl --kubeconfig {kubeconfig} get pods -n {DemoWorkloads.Namespace}
            Serving until Ctrl-C.
            """);
        await console.FlushAsync(ct);
        await app.WaitForShutdownAsync();
    }

    /// <summary>
    /// Runs the CLI's own <c>hoist deploy</c> in-process with exactly the variables of demo.env, so the output is what
    /// a CI log would show.
    /// </summary>
    static Task<int> DeployAsync(IReadOnlyDictionary<string, string> env, string image) =>
        Hoist.Cli.CliApp.RunAsync(["deploy", "--image", image], new Hoist.Cli.CliContext
        {
            Environment = new Hoist.Cli.CliEnvironment(env),
            Out = Console.Out,
            Error = Console.Error,
        });

    static Uri ServerUrl(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new UriBuilder(address);
        // A wildcard binding is not an address a client can use.
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*") uri.Host = "localhost";
        return uri.Uri;
    }

    static async Task<bool> AdminPasswordWorksAsync(IServiceProvider services, string password, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserService>().VerifyLoginAsync(AdminBootstrap.AdminUserName, password, ct) is not null;
    }
}
