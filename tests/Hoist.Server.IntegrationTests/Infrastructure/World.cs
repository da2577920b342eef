using Hoist.Contracts;
using Hoist.Server.BuildPlans;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Credentials;
using Hoist.Server.Kubernetes;
using Hoist.Server.Projects;
using Hoist.Server.Teams;
using Hoist.Server.Tokens;

namespace Hoist.Server.IntegrationTests.Infrastructure;

/// <summary>
/// A seeded world on a sandbox cluster: team "acme" (owner, a plain member, a member granted DeploySettings) with
/// project "shop", build plan "build-web" and its copy, cloud account "prod" (the sandbox) with Deployment web
/// (containers app, sidecar) and StatefulSet db (postgres),
/// a credential for build-web; and team "other" whose owner is the outsider. Tokens per user and scope.
/// </summary>
public sealed class World
{
    public const string Password = "password-for-tests";

    public required TeamDto Team { get; init; }
    public required TeamDto OtherTeam { get; init; }
    public required ProjectDto Project { get; init; }
    public required ProjectDto OtherProject { get; init; }
    public required BuildPlanDto Plan { get; init; }
    public required BuildPlanDto CopiedPlan { get; init; }
    public required CloudAccountCheckedDto Account { get; init; }
    public required CloudAccountCheckedDto OtherAccount { get; init; }
    public required CredentialDto Credential { get; init; }
    public required CredentialDto OtherCredential { get; init; }
    /// <summary>Key: "user:scope", scope one of deploy, read, admin.</summary>
    public required IReadOnlyDictionary<string, string> Tokens { get; init; }

    public string Token(string user, string scope) => Tokens[$"{user}:{scope}"];

    /// <summary>Gives the server a sandbox cluster (unless it has one), starts it, applies the shop workloads and seeds.</summary>
    public static async Task<World> CreateAsync(HoistApplication app)
    {
        if (app.Sandbox is null) await app.UseSandboxAsync();
        app.Start();
        await app.Sandbox!.ApplyAsync(SandboxManifests.Shop, TestContext.Current.CancellationToken);
        var prod = new CloudAccountRequest { Name = "prod", Kubeconfig = app.Sandbox.KubeconfigYaml() };
        return await app.SeedAsync(async s =>
        {
            foreach (var u in new[] { "owner", "member", "deployer", "outsider", "stranger" })
                await s.EnsureUserAsync(u, Password);
            var team = await s.EnsureTeamAsync("acme", "owner");
            await s.SetTeamMemberAsync(team.Id, "member", TeamRole.Member);
            await s.SetTeamMemberAsync(team.Id, "deployer", TeamRole.Member, deploySettings: true);
            var other = await s.EnsureTeamAsync("other", "outsider");
            var project = await s.EnsureProjectAsync(team.Id, "shop", ["member", "deployer"]);
            var otherProject = await s.EnsureProjectAsync(other.Id, "elsewhere");
            var plan = await s.EnsureBuildPlanAsync(project.Id, "build-web", "job-1");
            var copy = await s.EnsureBuildPlanAsync(project.Id, "build-web-copy", "job-2", plan.Id);
            var account = await s.EnsureCloudAccountAsync(team.Id, prod);
            var otherAccount = await s.EnsureCloudAccountAsync(other.Id, prod);
            var credential = await s.CreateCredentialAsync(project.Id, new CreateCredentialRequest { BuildPlanId = plan.Id });
            var otherPlan = await s.EnsureBuildPlanAsync(otherProject.Id, "build-other");
            var otherCredential = await s.CreateCredentialAsync(otherProject.Id, new CreateCredentialRequest { BuildPlanId = otherPlan.Id });

            var tokens = new Dictionary<string, string>();
            foreach (var u in new[] { "admin", "owner", "member", "deployer", "outsider" })
            {
                tokens[$"{u}:deploy"] = (await s.CreateTokenAsync(u, "deploy", [TokenScopes.ProjectDeployment])).Token;
                tokens[$"{u}:read"] = (await s.CreateTokenAsync(u, "read", [TokenScopes.ProjectRead])).Token;
                tokens[$"{u}:admin"] = (await s.CreateTokenAsync(u, "admin", [TokenScopes.Admin])).Token;
            }
            return new World
            {
                Team = team, OtherTeam = other, Project = project, OtherProject = otherProject, Plan = plan, CopiedPlan = copy,
                Account = account, OtherAccount = otherAccount, Credential = credential, OtherCredential = otherCredential, Tokens = tokens,
            };
        });
    }

    /// <summary>A valid deploy for <see cref="Credential"/>, as the cdDeploy step of build-web sends it.</summary>
    public DeployRequest Deploy(string image = "registry.example.com/shop/web:1.2.3", string? buildNumber = null) => new()
    {
        DeployType = "PATCH_IMAGE",
        Application = Credential.Application,
        PipelineName = Credential.PipelineName,
        CredentialId = Credential.Id,
        Image = image,
        CloudAccountName = "prod",
        Namespace = "default",
        ManifestType = "Deployment",
        ManifestName = "web",
        ContainerName = "app",
        Build = new BuildProvenance { ProjectName = "shop", JobId = "job-1", JobName = "build-web", BuildNumber = buildNumber, GitCommit = "abc123" },
    };
}

public static class Samples
{
    public const string KubeconfigToken = "kubeconfig-token-6f1c2e0b9d4a47d3";
    public const string ClientKeyData = "Y2xpZW50LWtleS1kYXRhLXNlY3JldC1mb3ItdGVzdHM=";

    /// <summary>A kubeconfig for a cluster nobody listens on (port 1): checks of it fail fast with "connection refused".</summary>
    public static string Kubeconfig(string userBlock = $"    token: {KubeconfigToken}", string clusterExtra = "", string server = "https://127.0.0.1:1") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: sandbox
          cluster:
            server: {server}
        {clusterExtra}
        contexts:
        - name: sandbox
          context:
            cluster: sandbox
            user: ci
            namespace: default
        - name: other
          context:
            cluster: sandbox
            user: ci
        current-context: sandbox
        users:
        - name: ci
          user:
        {userBlock}
        """;

    public static CloudAccountRequest KubeconfigAccount(string name) => new() { Name = name, Kubeconfig = Kubeconfig(), Context = "sandbox" };
}
