using System.Net.Http.Headers;
using Hoist.Contracts;
using Hoist.Server.Credentials;
using Hoist.Server.Teams;
using Hoist.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.IntegrationTests;

public sealed class AuthorizationMatrixFixture : IAsyncLifetime
{
    // A workload only the read rows look at, so its pods stay put while other rows deploy.
    const string Api = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: default}
        spec:
          replicas: 1
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
              - {name: app, image: "registry.example.com/shop/api:1.0.0"}
        """;

    int _counter;

    public HoistApplication App { get; } = new();
    public World World { get; private set; } = null!;
    /// <summary>A succeeded release of web (rollback rows).</summary>
    public long ReleaseId { get; private set; }
    /// <summary>A succeeded release of api (read rows) and one of its pods.</summary>
    public long StableReleaseId { get; private set; }
    public string PodName { get; private set; } = "";

    public int Next() => Interlocked.Increment(ref _counter);

    public async ValueTask InitializeAsync()
    {
        World = await World.CreateAsync(App);
        await App.Sandbox!.ApplyAsync(Api);
        ReleaseId = await DeployAsync(World.Deploy(buildNumber: "seed-web"));
        StableReleaseId = await DeployAsync(World.Deploy("registry.example.com/shop/api:1.1.0", buildNumber: "seed-api") with { ManifestName = "api" });
        await App.Verdicts.WaitForAsync(ReleaseId, ReleaseStatus.Succeeded);
        await App.Verdicts.WaitForAsync(StableReleaseId, ReleaseStatus.Succeeded);
        using var owner = App.WithToken(World.Token("owner", "read"));
        var runtime = await owner.GetFromJsonAsync<RuntimeDto>(ApiRoutes.ReleaseRuntime(StableReleaseId));
        PodName = runtime!.Pods.First(p => p.IsNew).Name;
    }

    async Task<long> DeployAsync(DeployRequest request)
    {
        using var client = App.WithToken(World.Token("owner", "deploy"));
        var response = await client.PostAsJsonAsync(ApiRoutes.Deploys, request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<DeployAccepted>())!.ReleaseId;
    }

    /// <summary>A release of db whose pods never become ready: it rolls out until cancelled (cancel rows).</summary>
    public Task<long> NewStuckReleaseAsync() => DeployAsync(World.Deploy("postgres:unready", buildNumber: $"stuck-{Next()}") with
    {
        ManifestType = "StatefulSet", ManifestName = "db", ContainerName = "postgres",
    });

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>
/// Every endpoint × (no token, a token with the wrong scope, a team member without DeploySettings, the team
/// owner, another team's owner, the server admin) → the expected status, never a 500, always a code on refusals.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixFixture fixture) : IClassFixture<AuthorizationMatrixFixture>
{
    public enum Policy { Session, Manage, Read, Deploy }

    public static readonly string[] Columns = ["none", "wrong-scope", "member", "owner", "outsider", "admin"];

    sealed record Endpoint(Policy Policy, string Route, Func<AuthorizationMatrixFixture, string, Task<HttpRequestMessage>> Build, int[] Expected);

    const int Ok = 200, Created = 201, Accepted = 202, NoContent = 204, Unauthorized = 401, Forbidden = 403, NotFound = 404;

    // Expected per column: none, wrong scope, member, owner, outsider, server admin.
    static readonly Dictionary<string, Endpoint> Endpoints = new()
    {
        ["GET session"] = new(Policy.Session, "GET /api/v1/session/", (_, _) => Get("/api/v1/session"), [Unauthorized, Ok, Ok, Ok, Ok, Ok]),

        ["POST session"] = new(Policy.Session, "POST /api/v1/session/", (_, _) => Post("/api/v1/session", new { userName = "stranger", password = World.Password }),
            [Ok, Ok, Ok, Ok, Ok, Ok]),
        ["DELETE session"] = new(Policy.Session, "DELETE /api/v1/session/", (_, _) => Delete("/api/v1/session"), [NoContent, NoContent, NoContent, NoContent, NoContent, NoContent]),

        ["GET users"] = new(Policy.Manage, "GET /api/v1/users/", (_, _) => Get("/api/v1/users"), [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok]),
        ["POST users"] = new(Policy.Manage, "POST /api/v1/users/", (f, _) => Post("/api/v1/users", new { userName = $"new{f.Next()}", password = "long-enough-password" }),
            [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Created]),
        ["POST user disable"] = new(Policy.Manage, "POST /api/v1/users/{id:long}/disable", async (f, _) => await Post($"/api/v1/users/{await ThrowawayUserAsync(f)}/disable", null),
            [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok]),
        ["POST user enable"] = new(Policy.Manage, "POST /api/v1/users/{id:long}/enable", async (f, _) => await Post($"/api/v1/users/{await ThrowawayUserAsync(f)}/enable", null),
            [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok]),
        ["PUT me/password"] = new(Policy.Manage, "PUT /api/v1/me/password", (_, _) => Put("/api/v1/me/password", new { currentPassword = "wrong-password", newPassword = "another-long-one" }),
            [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden]),

        ["GET tokens"] = new(Policy.Manage, "GET /api/v1/tokens/", (_, _) => Get("/api/v1/tokens"), [Unauthorized, Forbidden, Ok, Ok, Ok, Ok]),
        ["POST tokens"] = new(Policy.Manage, "POST /api/v1/tokens/", (_, _) => Post("/api/v1/tokens", new { name = "ci", scopes = new[] { "project:read" } }),
            [Unauthorized, Forbidden, Created, Created, Created, Created]),
        ["DELETE owner's token"] = new(Policy.Manage, "DELETE /api/v1/tokens/{id:long}", async (f, _) =>
            await Delete($"/api/v1/tokens/{(await f.App.SeedAsync(s => s.CreateTokenAsync("owner", "tmp", [TokenScopes.ProjectRead]))).Id}"),
            [Unauthorized, Forbidden, NotFound, NoContent, NotFound, NoContent]),

        ["GET teams"] = new(Policy.Manage, "GET /api/v1/teams/", (_, _) => Get("/api/v1/teams"), [Unauthorized, Forbidden, Ok, Ok, Ok, Ok]),
        ["POST teams"] = new(Policy.Manage, "POST /api/v1/teams/", (f, _) => Post("/api/v1/teams", new { name = $"team-{f.Next()}" }), [Unauthorized, Forbidden, Created, Created, Created, Created]),
        ["GET team"] = new(Policy.Manage, "GET /api/v1/teams/{teamId:long}", (f, _) => Get($"/api/v1/teams/{f.World.Team.Id}"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["GET team members"] = new(Policy.Manage, "GET /api/v1/teams/{teamId:long}/members", (f, _) => Get($"/api/v1/teams/{f.World.Team.Id}/members"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["PUT team member"] = new(Policy.Manage, "PUT /api/v1/teams/{teamId:long}/members/{userName}", (f, _) => Put($"/api/v1/teams/{f.World.Team.Id}/members/stranger", new { role = "Member" }),
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),
        ["DELETE team member"] = new(Policy.Manage, "DELETE /api/v1/teams/{teamId:long}/members/{userName}", async (f, _) =>
            {
                var user = await ThrowawayUserAsync(f, f.World.Team.Id);
                return await Delete($"/api/v1/teams/{f.World.Team.Id}/members/{user}");
            },
            [Unauthorized, Forbidden, Forbidden, NoContent, NotFound, NoContent]),

        ["GET projects"] = new(Policy.Manage, "GET /api/v1/teams/{teamId:long}/projects/", (f, _) => Get($"/api/v1/teams/{f.World.Team.Id}/projects"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["POST projects"] = new(Policy.Manage, "POST /api/v1/teams/{teamId:long}/projects/", (f, _) => Post($"/api/v1/teams/{f.World.Team.Id}/projects", new { name = $"p{f.Next()}" }),
            [Unauthorized, Forbidden, Forbidden, Created, NotFound, Created]),
        ["GET project"] = new(Policy.Manage, "GET /api/v1/projects/{projectId:long}/", (f, _) => Get($"/api/v1/projects/{f.World.Project.Id}"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["GET project members"] = new(Policy.Manage, "GET /api/v1/projects/{projectId:long}/members", (f, _) => Get($"/api/v1/projects/{f.World.Project.Id}/members"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["PUT project member"] = new(Policy.Manage, "PUT /api/v1/projects/{projectId:long}/members/{userName}", (f, _) => Put($"/api/v1/projects/{f.World.Project.Id}/members/deployer", null),
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),
        ["DELETE project member"] = new(Policy.Manage, "DELETE /api/v1/projects/{projectId:long}/members/{userName}", async (f, _) =>
            {
                var user = await ThrowawayUserAsync(f, f.World.Team.Id, f.World.Project.Id);
                return await Delete($"/api/v1/projects/{f.World.Project.Id}/members/{user}");
            },
            [Unauthorized, Forbidden, Forbidden, NoContent, NotFound, NoContent]),

        ["GET build plans"] = new(Policy.Manage, "GET /api/v1/projects/{projectId:long}/build-plans/", (f, _) => Get($"/api/v1/projects/{f.World.Project.Id}/build-plans"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["POST build plans"] = new(Policy.Manage, "POST /api/v1/projects/{projectId:long}/build-plans/", (f, _) => Post($"/api/v1/projects/{f.World.Project.Id}/build-plans", new { name = $"plan-{f.Next()}" }),
            [Unauthorized, Forbidden, Created, Created, NotFound, Created]),
        ["GET build plan"] = new(Policy.Manage, "GET /api/v1/build-plans/{buildPlanId:long}", (f, _) => Get($"/api/v1/build-plans/{f.World.Plan.Id}"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),

        ["GET applications"] = new(Policy.Manage, "GET /api/v1/teams/{teamId:long}/applications/", (f, _) => Get($"/api/v1/teams/{f.World.Team.Id}/applications"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["POST applications"] = new(Policy.Manage, "POST /api/v1/teams/{teamId:long}/applications/", (f, _) => Post($"/api/v1/teams/{f.World.Team.Id}/applications", new { name = $"app-{f.Next()}" }),
            [Unauthorized, Forbidden, Forbidden, Created, NotFound, Created]),
        ["GET pipelines"] = new(Policy.Manage, "GET /api/v1/projects/{projectId:long}/pipelines", (f, _) => Get($"/api/v1/projects/{f.World.Project.Id}/pipelines"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),

        ["GET cloud accounts"] = new(Policy.Manage, "GET /api/v1/teams/{teamId:long}/cloud-accounts/", (f, _) => Get($"/api/v1/teams/{f.World.Team.Id}/cloud-accounts"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["POST cloud accounts"] = new(Policy.Manage, "POST /api/v1/teams/{teamId:long}/cloud-accounts/", (f, _) => Post($"/api/v1/teams/{f.World.Team.Id}/cloud-accounts", Samples.KubeconfigAccount($"c{f.Next()}")),
            [Unauthorized, Forbidden, Forbidden, Created, NotFound, Created]),
        ["POST inspect kubeconfig"] = new(Policy.Manage, "POST /api/v1/cloud-accounts/inspect-kubeconfig", (_, _) => Post("/api/v1/cloud-accounts/inspect-kubeconfig", new { kubeconfig = Samples.Kubeconfig() }),
            [Unauthorized, Forbidden, Ok, Ok, Ok, Ok]),
        ["GET cloud account"] = new(Policy.Manage, "GET /api/v1/cloud-accounts/{id:long}", (f, _) => Get($"/api/v1/cloud-accounts/{f.World.Account.Account.Id}"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["PUT cloud account"] = new(Policy.Manage, "PUT /api/v1/cloud-accounts/{id:long}", async (f, _) =>
            {
                var name = $"c{f.Next()}";
                var id = await ThrowawayAccountAsync(f, name);
                return await Put($"/api/v1/cloud-accounts/{id}", Samples.KubeconfigAccount(name));
            },
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),
        ["DELETE cloud account"] = new(Policy.Manage, "DELETE /api/v1/cloud-accounts/{id:long}", async (f, _) => await Delete($"/api/v1/cloud-accounts/{await ThrowawayAccountAsync(f, $"c{f.Next()}")}"),
            [Unauthorized, Forbidden, Forbidden, NoContent, NotFound, NoContent]),
        ["POST cloud account check"] = new(Policy.Manage, "POST /api/v1/cloud-accounts/{id:long}/check", (f, _) => Post($"/api/v1/cloud-accounts/{f.World.Account.Account.Id}/check", null),
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),
        ["GET namespaces"] = new(Policy.Manage, "GET /api/v1/cloud-accounts/{id:long}/namespaces", (f, _) => Get($"/api/v1/cloud-accounts/{f.World.Account.Account.Id}/namespaces"),
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),
        ["GET workloads"] = new(Policy.Manage, "GET /api/v1/cloud-accounts/{id:long}/namespaces/{ns}/workloads", (f, _) => Get($"/api/v1/cloud-accounts/{f.World.Account.Account.Id}/namespaces/default/workloads?kind=Deployment"),
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),
        ["GET containers"] = new(Policy.Manage, "GET /api/v1/cloud-accounts/{id:long}/namespaces/{ns}/workloads/{kind}/{name}/containers", (f, _) => Get($"/api/v1/cloud-accounts/{f.World.Account.Account.Id}/namespaces/default/workloads/Deployment/web/containers"),
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),

        ["GET credentials"] = new(Policy.Manage, "GET /api/v1/projects/{projectId:long}/credentials/", (f, _) => Get($"/api/v1/projects/{f.World.Project.Id}/credentials"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["POST credentials"] = new(Policy.Manage, "POST /api/v1/projects/{projectId:long}/credentials/", (f, _) => Post($"/api/v1/projects/{f.World.Project.Id}/credentials", new { buildPlanId = f.World.Plan.Id }),
            [Unauthorized, Forbidden, Forbidden, Created, NotFound, Created]),
        ["GET credential"] = new(Policy.Manage, "GET /api/v1/credentials/{credentialId}", (f, _) => Get($"/api/v1/credentials/{f.World.Credential.Id}"), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["POST credential revoke"] = new(Policy.Manage, "POST /api/v1/credentials/{credentialId}/revoke", async (f, _) =>
            {
                var c = await f.App.SeedAsync(s => s.CreateCredentialAsync(f.World.Project.Id, new CreateCredentialRequest { BuildPlanId = f.World.Plan.Id }));
                return await Post($"/api/v1/credentials/{c.Id}/revoke", null);
            },
            [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Ok]),
        ["POST credential reissue"] = new(Policy.Manage, "POST /api/v1/credentials/{credentialId}/reissue", (f, _) => Post($"/api/v1/credentials/{f.World.Credential.Id}/reissue", new { buildPlanId = f.World.CopiedPlan.Id }),
            [Unauthorized, Forbidden, Forbidden, Created, NotFound, Created]),

        ["POST deploys"] = new(Policy.Deploy, "POST /api/v1/deploys", (f, _) => Post(ApiRoutes.Deploys, f.World.Deploy(buildNumber: $"m{f.Next()}")),
            [Unauthorized, Forbidden, Accepted, Accepted, Forbidden, Accepted]),
        ["GET releases"] = new(Policy.Read, "GET /api/v1/releases/", (_, _) => Get(ApiRoutes.Releases), [Unauthorized, Forbidden, Ok, Ok, Ok, Ok]),
        ["GET release"] = new(Policy.Read, "GET /api/v1/releases/{id:long}", (f, _) => Get(ApiRoutes.Release(f.StableReleaseId)), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["GET release events"] = new(Policy.Read, "GET /api/v1/releases/{id:long}/events", (f, _) => Get(ApiRoutes.ReleaseEvents(f.StableReleaseId)), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["GET release runtime"] = new(Policy.Read, "GET /api/v1/releases/{id:long}/runtime", (f, _) => Get(ApiRoutes.ReleaseRuntime(f.StableReleaseId)), [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["GET release pod log"] = new(Policy.Read, "GET /api/v1/releases/{id:long}/runtime/pods/{pod}/log", (f, _) => Get(ApiRoutes.ReleasePodLog(f.StableReleaseId, f.PodName) + "?tail=5"),
            [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),
        ["POST release rollback"] = new(Policy.Deploy, "POST /api/v1/releases/{id:long}/rollback", (f, _) => Post(ApiRoutes.ReleaseRollback(f.ReleaseId), null),
            [Unauthorized, Forbidden, Accepted, Accepted, NotFound, Accepted]),
        ["POST release cancel"] = new(Policy.Deploy, "POST /api/v1/releases/{id:long}/cancel", async (f, _) => await Post(ApiRoutes.ReleaseCancel(await f.NewStuckReleaseAsync()), null),
            [Unauthorized, Forbidden, Ok, Ok, NotFound, Ok]),

        ["GET audit"] = new(Policy.Manage, "GET /api/v1/audit/", (_, _) => Get("/api/v1/audit"), [Unauthorized, Forbidden, Forbidden, Ok, Ok, Ok]),
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints.Keys)
            foreach (var column in Columns)
                data.Add(endpoint, column);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_Caller_GetsExpectedStatus(string endpoint, string column)
    {
        var e = Endpoints[endpoint];
        var expected = e.Expected[Array.IndexOf(Columns, column)];
        using var request = await e.Build(fixture, column);
        if (TokenFor(e.Policy, column) is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var client = fixture.App.Anonymous();

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // Creating a team makes its creator the owner, and an owner may read the audit log: undo that, or the
        // member column's later rows would test a team owner, depending on the order the rows run in.
        if (endpoint == "POST teams" && response.StatusCode == System.Net.HttpStatusCode.Created)
        {
            var teamId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
            await fixture.App.DbAsync(db => db.TeamMembers.Where(m => m.TeamId == teamId).ExecuteDeleteAsync());
        }
        ((int)response.StatusCode).ShouldBe(expected, $"{endpoint} as {column}: {body}");
        if (expected >= 400)
        {
            var code = await response.CodeAsync();
            if (column == "none") code.ShouldBe(ProblemCodes.TokenMissing);
            if (column == "wrong-scope" && e.Policy != Policy.Session) code.ShouldBe(ProblemCodes.ScopeMissing);
        }
    }

    [Fact]
    public void Matrix_CoversEveryMappedApiRoute()
    {
        var sources = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<Microsoft.AspNetCore.Routing.EndpointDataSource>(fixture.App.Services);
        var routes = sources.SelectMany(s => s.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(r => r.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Select(r => (r.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "?") + " " + r.RoutePattern.RawText)
            .Distinct()
            .ToList();

        // A new route without a matrix row fails here.
        routes.Order().ShouldBe(Endpoints.Values.Select(e => e.Route).Distinct().Order(), ignoreOrder: false);
    }

    string? TokenFor(Policy policy, string column)
    {
        var w = fixture.World;
        var right = policy switch { Policy.Manage => "admin", Policy.Read => "read", Policy.Deploy => "deploy", _ => "read" };
        var wrong = policy switch { Policy.Manage => "deploy", Policy.Read => "admin", Policy.Deploy => "read", _ => "read" };
        return column switch
        {
            "none" => null,
            "wrong-scope" => w.Token("owner", wrong),
            "member" => w.Token("member", right),
            "owner" => w.Token("owner", right),
            "outsider" => w.Token("outsider", right),
            _ => w.Token("admin", right),
        };
    }

    static async Task<string> ThrowawayUserAsync(AuthorizationMatrixFixture f, long? teamId = null, long? projectId = null)
    {
        var name = $"tmp{f.Next()}";
        await f.App.SeedAsync(async s =>
        {
            var user = await s.EnsureUserAsync(name, World.Password);
            if (teamId is { } t) await s.SetTeamMemberAsync(t, name, TeamRole.Member);
            if (projectId is { } p) await s.EnsureProjectAsync(f.World.Team.Id, f.World.Project.Name, [name]);
            return user;
        });
        var id = await f.App.DbAsync(db => db.Users.Where(u => u.UserName == name).Select(u => u.Id).SingleAsync());
        return teamId is null ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : name;
    }

    static async Task<long> ThrowawayAccountAsync(AuthorizationMatrixFixture f, string name) =>
        (await f.App.SeedAsync(s => s.EnsureCloudAccountAsync(f.World.Team.Id, Samples.KubeconfigAccount(name)))).Account.Id;

    static Task<HttpRequestMessage> Get(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, path));
    static Task<HttpRequestMessage> Delete(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Delete, path));
    static Task<HttpRequestMessage> Post(string path, object? body) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) });
    static Task<HttpRequestMessage> Put(string path, object? body) => Task.FromResult(new HttpRequestMessage(HttpMethod.Put, path) { Content = body is null ? null : JsonContent.Create(body) });
}
