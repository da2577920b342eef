using System.Net.Http.Headers;
using System.Security.Cryptography;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Credentials;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Hoist.Server.Setup;
using Hoist.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Demo;

/// <summary>
/// Seeds the demo through <see cref="HoistSetup"/> (the real services, audited as <c>system</c>), idempotently: a second
/// run finds the team, project, build plan and credential it made, points the cloud account at the new sandbox
/// (the sandbox lives in memory, so its port changes), and keeps the tokens of the previous <c>demo.env</c> while
/// the server still accepts them. Returns the variables of <c>demo.env</c>.
/// </summary>
public static class DemoSeed
{
    public const string Team = "demo";
    public const string Project = "shop";
    public const string BuildPlan = "build-and-deploy";
    public const string BuildPlanExternalId = "1";
    public const string CloudAccount = "sandbox";
    public const string CiUser = "ci";

    public static async Task<Dictionary<string, string>> RunAsync(
        IServiceProvider services, Uri server, string sandboxKubeconfig, string kubeconfigPath, string adminPassword,
        IReadOnlyDictionary<string, string> previous, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var setup = scope.ServiceProvider.GetRequiredService<HoistSetup>();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        var credentials = scope.ServiceProvider.GetRequiredService<CredentialService>();

        // The CI identity never logs in; its password exists only because every user has one.
        await setup.EnsureUserAsync(CiUser, RandomNumberGenerator.GetHexString(32), ct: ct);
        var team = await setup.EnsureTeamAsync(Team, CiUser, ct);
        var project = await setup.EnsureProjectAsync(team.Id, Project, [CiUser], ct);
        var plan = await setup.EnsureBuildPlanAsync(project.Id, BuildPlan, BuildPlanExternalId, ct: ct);
        // The same kubeconfig kubectl gets (sandbox.kubeconfig): the sandbox runs tokenless, because kubectl sends no
        // bearer token to a plain http:// server, so its user is `{}` and Hoist sends no Authorization header either.
        var account = await setup.EnsureCloudAccountAsync(team.Id,
            new CloudAccountRequest { Name = CloudAccount, Kubeconfig = sandboxKubeconfig }, ct);

        var existing = await db.DeployCredentials.AsNoTracking()
            .Where(c => c.ProjectId == project.Id && c.BuildPlanId == plan.Id && c.CloudAccountId == account.Account.Id && c.RevokedAt == null
                && c.Namespace == DemoWorkloads.Namespace && c.Kind == WorkloadKind.Deployment && c.WorkloadName == DemoWorkloads.Web
                && c.Container == DemoWorkloads.WebContainer)
            .OrderBy(c => c.Index).FirstOrDefaultAsync(ct);
        var credential = existing is not null ? await credentials.DescribeAsync(existing, ct)
            : await setup.CreateCredentialAsync(project.Id, new CreateCredentialRequest
            {
                BuildPlanId = plan.Id, CloudAccountId = account.Account.Id, Namespace = DemoWorkloads.Namespace,
                Kind = nameof(WorkloadKind.Deployment), WorkloadName = DemoWorkloads.Web, Container = DemoWorkloads.WebContainer,
            }, ct);

        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };
        var deployToken = await ReuseOrCreateTokenAsync(http, setup, previous.GetValueOrDefault("CD_PERSONAL_ACCESS_TOKEN"),
            $"demo: deploy {Project}/{BuildPlan}", TokenScopes.ProjectDeployment, ct);
        var readToken = await ReuseOrCreateTokenAsync(http, setup, previous.GetValueOrDefault("HOIST_READONLY_TOKEN"),
            "demo: read-only", TokenScopes.ProjectRead, ct);

        var env = new Dictionary<string, string>(credential.Environment, StringComparer.Ordinal)
        {
            ["HOIST_SERVER"] = server.ToString().TrimEnd('/'),
            ["CD_PERSONAL_ACCESS_TOKEN"] = deployToken,
            ["HOIST_READONLY_TOKEN"] = readToken,
            ["HOIST_ADMIN_USER"] = AdminBootstrap.AdminUserName,
            ["HOIST_ADMIN_PASSWORD"] = adminPassword,
            ["CCI_CURRENT_TEAM"] = team.Name,
            ["PROJECT_NAME"] = project.Name,
            ["CCI_JOB_NAME"] = plan.Name,
            ["JOB_ID"] = plan.ExternalId ?? BuildPlanExternalId,
            ["KUBECONFIG"] = kubeconfigPath,
        };
        return env;
    }

    /// <summary>The previous run's token while the server still accepts it (tokens are stored hashed), else a new one.</summary>
    static async Task<string> ReuseOrCreateTokenAsync(HttpClient http, HoistSetup setup, string? previous, string name, string scope, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(previous))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/session");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", previous);
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode) return previous;
        }
        return (await setup.CreateTokenAsync(CiUser, name, [scope], ct: ct)).Token;
    }
}
