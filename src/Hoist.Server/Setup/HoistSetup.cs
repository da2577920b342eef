using Hoist.Server.Auth;
using Hoist.Server.BuildPlans;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Credentials;
using Hoist.Server.Data;
using Hoist.Server.Projects;
using Hoist.Server.Teams;
using Hoist.Server.Tokens;
using Hoist.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Setup;

/// <summary>What <see cref="HoistSetup.CreateDeployTargetAsync"/> builds: everything a CI step needs.</summary>
public sealed record DeployTargetSpec
{
    public string Team { get; init; } = "demo";
    public string Project { get; init; } = "shop";
    public string BuildPlan { get; init; } = "build-web";
    public string? BuildPlanExternalId { get; init; }
    public string User { get; init; } = "ci";
    public string UserPassword { get; init; } = "ci-password-change-me";
    public string CloudAccount { get; init; } = "sandbox";
    public required CloudAccountRequest Connection { get; init; }
    public string? Namespace { get; init; }
    public string? Kind { get; init; }
    public string? WorkloadName { get; init; }
    public string? Container { get; init; }
    public IReadOnlyList<string>? AllowedImagePrefixes { get; init; }
    public bool RollbackOnFailure { get; init; }
}

public sealed record DeployTarget(
    UserDto User, TeamDto Team, ProjectDto Project, BuildPlanDto BuildPlan, CloudAccountCheckedDto CloudAccount,
    CredentialDto Credential, TokenCreatedDto Token)
{
    /// <summary>The CI environment for <c>hoist deploy</c> / <c>cdDeploy</c>, token included (it is only in memory here).</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var env = new Dictionary<string, string>(Credential.Environment)
            {
                ["CD_PERSONAL_ACCESS_TOKEN"] = Token.Token,
                ["CCI_CURRENT_TEAM"] = Team.Name,
                ["PROJECT_NAME"] = Project.Name,
                ["CCI_JOB_NAME"] = BuildPlan.Name,
            };
            if (BuildPlan.ExternalId is not null) env["JOB_ID"] = BuildPlan.ExternalId;
            return env;
        }
    }
}

/// <summary>
/// Creates teams, users, projects, build plans, cloud accounts, credentials and tokens from code, through the
/// same services as the API (audited as <c>system</c>). For the demo command, tests and first-run scripts.
/// Resolve it from a scope: <c>scope.ServiceProvider.GetRequiredService&lt;HoistSetup&gt;()</c>.
/// Every method throws <see cref="InvalidOperationException"/> with the refusal code when a service refuses.
/// </summary>
public sealed class HoistSetup(
    HoistDb db, UserService users, TeamService teams, ProjectService projects, BuildPlanService plans,
    CloudAccountService accounts, CredentialService credentials, TokenService tokens)
{
    static readonly Actor System = Actor.System;

    /// <summary>The user, created when missing (the password is only used then).</summary>
    public async Task<UserDto> EnsureUserAsync(string userName, string password, bool isAdmin = false, CancellationToken ct = default)
    {
        var normalized = userName.ToLowerInvariant();
        var existing = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == normalized, ct);
        if (existing is not null) return UserDto.From(existing);
        return (await users.CreateAsync(System, new CreateUserRequest(userName, password, null, isAdmin), ct)).Unwrap();
    }

    /// <summary>A team with <paramref name="ownerUserName"/> as its owner; the existing one when the name is taken.</summary>
    public async Task<TeamDto> EnsureTeamAsync(string name, string ownerUserName, CancellationToken ct = default)
    {
        var existing = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Name == name, ct);
        var team = existing is not null
            ? new TeamDto(existing.Id, existing.Name, null, true, existing.CreatedAt)
            : (await teams.CreateAsync(System, new CreateTeamRequest(name), ct)).Unwrap();
        await SetTeamMemberAsync(team.Id, ownerUserName, TeamRole.Owner, ct: ct);
        return team;
    }

    public async Task<TeamMemberDto> SetTeamMemberAsync(long teamId, string userName, TeamRole role, bool deploySettings = false, CancellationToken ct = default) =>
        (await teams.SetMemberAsync(System, teamId, userName, new SetTeamMemberRequest(role, deploySettings), ct)).Unwrap();

    public async Task<ProjectDto> EnsureProjectAsync(long teamId, string name, IEnumerable<string>? members = null, CancellationToken ct = default)
    {
        var existing = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.TeamId == teamId && p.Name == name, ct);
        var project = existing is not null
            ? (await projects.GetAsync(System, existing.Id, ct)).Unwrap()
            : (await projects.CreateAsync(System, teamId, new CreateProjectRequest(name), ct)).Unwrap();
        foreach (var member in members ?? []) (await projects.AddMemberAsync(System, project.Id, member, ct)).Unwrap();
        return project;
    }

    public async Task<BuildPlanDto> EnsureBuildPlanAsync(long projectId, string name, string? externalId = null, long? copiedFromId = null, CancellationToken ct = default)
    {
        var existing = await db.BuildPlans.AsNoTracking().FirstOrDefaultAsync(p => p.ProjectId == projectId && p.Name == name, ct);
        return existing is not null ? BuildPlanDto.From(existing)
            : (await plans.CreateAsync(System, projectId, new CreateBuildPlanRequest(name, externalId, copiedFromId), ct)).Unwrap();
    }

    /// <summary>Creates (or, when the name exists, updates) a cloud account and runs the connection check.</summary>
    public async Task<CloudAccountCheckedDto> EnsureCloudAccountAsync(long teamId, CloudAccountRequest request, CancellationToken ct = default)
    {
        var existing = await db.CloudAccounts.AsNoTracking().FirstOrDefaultAsync(c => c.TeamId == teamId && c.Name == request.Name, ct);
        return existing is not null
            ? (await accounts.UpdateAsync(System, existing.Id, request, ct)).Unwrap()
            : (await accounts.CreateAsync(System, teamId, request, ct)).Unwrap();
    }

    public async Task<CredentialDto> CreateCredentialAsync(long projectId, CreateCredentialRequest request, CancellationToken ct = default) =>
        (await credentials.CreateAsync(System, projectId, request, ct)).Unwrap();

    public async Task<TokenCreatedDto> CreateTokenAsync(string userName, string name, IReadOnlyList<string> scopes, int? expiresInDays = null, CancellationToken ct = default)
    {
        var normalized = userName.ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.UserName == normalized, ct);
        return (await tokens.CreateForUserAsync(System, user.Id, new CreateTokenRequest(name, scopes, expiresInDays), ct)).Unwrap();
    }

    /// <summary>
    /// Team (owned by the user) → project → build plan → cloud account → credential → token with
    /// <c>project:deployment</c>: what the "Deploy to Kubernetes" template creates, in one call.
    /// </summary>
    public async Task<DeployTarget> CreateDeployTargetAsync(DeployTargetSpec spec, CancellationToken ct = default)
    {
        var user = await EnsureUserAsync(spec.User, spec.UserPassword, ct: ct);
        var team = await EnsureTeamAsync(spec.Team, user.UserName, ct);
        var project = await EnsureProjectAsync(team.Id, spec.Project, [user.UserName], ct);
        var plan = await EnsureBuildPlanAsync(project.Id, spec.BuildPlan, spec.BuildPlanExternalId, ct: ct);
        var account = await EnsureCloudAccountAsync(team.Id, spec.Connection with { Name = spec.CloudAccount }, ct);
        var credential = await CreateCredentialAsync(project.Id, new CreateCredentialRequest
        {
            BuildPlanId = plan.Id, CloudAccountId = account.Account.Id, Namespace = spec.Namespace, Kind = spec.Kind,
            WorkloadName = spec.WorkloadName, Container = spec.Container, AllowedImagePrefixes = spec.AllowedImagePrefixes,
            RollbackOnFailure = spec.RollbackOnFailure,
        }, ct);
        var token = await CreateTokenAsync(user.UserName, $"CD token for {project.Name}/{plan.Name}", [TokenScopes.ProjectDeployment], ct: ct);
        return new DeployTarget(user, team, project, plan, account, credential, token);
    }
}
