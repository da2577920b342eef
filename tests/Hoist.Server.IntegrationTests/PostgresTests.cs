using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.IntegrationTests;

/// <summary>
/// The core flows on PostgreSQL, each on a database of its own. Runs only when <c>HOIST_TEST_POSTGRES</c> holds a
/// connection string (test.sh sets it when it could start a server); reported as skipped otherwise.
/// </summary>
public sealed class PostgresTests
{
    static readonly string? ConnectionString = Environment.GetEnvironmentVariable("HOIST_TEST_POSTGRES");
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<(HoistApplication App, World World)> StartAsync()
    {
        Assert.SkipWhen(string.IsNullOrWhiteSpace(ConnectionString), "HOIST_TEST_POSTGRES is not set; no PostgreSQL to test against.");
        var app = new HoistApplication(ConnectionString);
        return (app, await World.CreateAsync(app));
    }

    [Fact]
    public async Task Postgres_DeployChecksAndIdempotency_SameAsSqlite()
    {
        var (app, world) = await StartAsync();
        await using var _ = app;
        app.Services.GetRequiredService<Hoist.Server.Data.HoistDb>().Database.ProviderName.ShouldBe("Npgsql.EntityFrameworkCore.PostgreSQL");
        var client = app.WithToken(world.Token("member", "deploy"));

        var accepted = await client.PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy(buildNumber: "1"), Ct);
        var retried = await client.PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy(buildNumber: "1"), Ct);
        var copied = await client.PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy() with { PipelineName = "shop-build-web-copy-1" }, Ct);

        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        retried.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await copied.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.CredentialBuildPlanMismatch)).Str("title").ShouldBe("凭据错误：构建计划越权");
        (await app.ReleaseCountAsync()).ShouldBe(1);
        await app.Verdicts.WaitForAsync((await accepted.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!.ReleaseId, ReleaseStatus.Succeeded);
    }

    [Fact]
    public async Task Postgres_TwentyParallelIdenticalDeploys_OneRelease()
    {
        var (app, world) = await StartAsync();
        await using var _ = app;
        var token = world.Token("member", "deploy");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Deploys) { Content = JsonContent.Create(world.Deploy(buildNumber: "7")) };
            message.Headers.Add(ApiRoutes.IdempotencyKeyHeader, "same");
            return app.WithToken(token).SendAsync(message, Ct);
        }));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Accepted || r.StatusCode == HttpStatusCode.OK);
        (await app.ReleaseCountAsync()).ShouldBe(1);
        var id = (await responses[0].Content.ReadFromJsonAsync<DeployAccepted>(Ct))!.ReleaseId;
        await app.Verdicts.WaitForAsync(id, ReleaseStatus.Succeeded);
        app.Sandbox!.Stats.Count("patch", "deployments").ShouldBe(1);
    }

    [Fact]
    public async Task Postgres_CloudAccountSecretsReleasesAuditAndMetrics_Work()
    {
        var (app, world) = await StartAsync();
        await using var _ = app;
        var owner = await app.LoginAsync("owner", World.Password);
        var deployer = app.WithToken(world.Token("member", "deploy"));
        var done = await (await deployer.PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy(buildNumber: "1"), Ct)).Content.ReadFromJsonAsync<DeployAccepted>(Ct);
        await app.Verdicts.WaitForAsync(done!.ReleaseId, ReleaseStatus.Succeeded);
        (await app.DeploymentImageAsync("web", "app")).ShouldBe("registry.example.com/shop/web:1.2.3");
        var stuck = await (await deployer.PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy("registry.example.com/shop/web:unready"), Ct)).Content.ReadFromJsonAsync<DeployAccepted>(Ct);
        (await deployer.PostAsync(ApiRoutes.ReleaseCancel(stuck!.ReleaseId), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var connection = await app.Services.GetRequiredService<IClusterConnectionSource>().GetAsync(world.Account.Account.Id, Ct);
        var list = await deployer.GetFromJsonAsync<ReleaseListDto>($"{ApiRoutes.Releases}?status=Cancelled&project=shop", Ct);
        var audit = await owner.GetStringAsync("/api/v1/audit?action=deploy.accepted", Ct);
        var metrics = await app.Anonymous().GetStringAsync("/metrics", Ct);
        var stored = await app.DbAsync(db => db.CloudAccounts.AsNoTracking().SingleAsync(c => c.Id == world.Account.Account.Id, Ct));

        connection!.Value.Connection.Kubeconfig!.ShouldContain(Samples.KubeconfigToken);
        stored.ProtectedConnection.ShouldNotContain(Samples.KubeconfigToken);
        list!.Items.ShouldHaveSingleItem().Status.ShouldBe(ReleaseStatus.Cancelled);
        audit.ShouldContain("deploy.accepted");
        metrics.ShouldContain("hoist_releases{status=\"Cancelled\"} 1");
        metrics.ShouldContain("hoist_releases{status=\"Succeeded\"} 1");
        (await owner.GetAsync($"/api/v1/cloud-accounts/{world.Account.Account.Id}/namespaces/default/workloads/Deployment/web/containers", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
