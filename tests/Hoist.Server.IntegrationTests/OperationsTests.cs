using System.Text.Json;
using Hoist.Contracts;
using Hoist.Server.Audit;

namespace Hoist.Server.IntegrationTests;

/// <summary>Health, metrics, audit, docs and the framework's own error responses.</summary>
public sealed class OperationsTests : IAsyncLifetime
{
    readonly HoistApplication _app = new();
    World _world = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _world = await World.CreateAsync(_app);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Health_LiveAndReady()
    {
        var client = _app.Anonymous();

        (await client.GetStringAsync("/healthz", Ct)).ShouldBe("ok");
        (await client.GetStringAsync("/readyz", Ct)).ShouldBe("ready");
    }

    [Fact]
    public async Task Metrics_CountDeploysVerdictsAndApiLatency()
    {
        var deployer = _app.WithToken(_world.Token("member", "deploy"));
        var accepted = await (await deployer.PostAsJsonAsync(ApiRoutes.Deploys, _world.Deploy("registry.example.com/shop/web:unready"), Ct))
            .Content.ReadFromJsonAsync<DeployAccepted>(Ct);
        await deployer.PostAsJsonAsync(ApiRoutes.Deploys, _world.Deploy() with { CredentialId = new string('0', 32) }, Ct);
        (await deployer.PostAsync(ApiRoutes.ReleaseCancel(accepted!.ReleaseId), null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await _app.Verdicts.WaitForAsync(accepted.ReleaseId, ReleaseStatus.Cancelled);

        var response = await _app.Anonymous().GetAsync("/metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        text.ShouldContain("hoist_deploy_requests_total{result=\"accepted\"} 1\n");
        text.ShouldContain("hoist_deploy_requests_total{result=\"credential_not_found\"} 1\n");
        text.ShouldContain("hoist_release_verdicts_total{outcome=\"Cancelled\"} 1\n");
        text.ShouldContain("hoist_release_verdict_seconds_count{outcome=\"Cancelled\"} 1\n");
        text.ShouldContain("hoist_release_verdict_seconds_bucket{outcome=\"Cancelled\",le=\"+Inf\"} 1\n");
        text.ShouldContain("hoist_releases{status=\"Cancelled\"} 1\n");
        text.ShouldContain("hoist_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/deploys\",status=\"202\"} 1\n");
        text.ShouldContain("# TYPE hoist_release_verdict_seconds histogram");
    }

    [Fact]
    public async Task Audit_ServerAdminSeesAllTeamOwnerOnlyHisTeamMemberNothing()
    {
        await _app.WithToken(_world.Token("member", "deploy")).PostAsJsonAsync(ApiRoutes.Deploys, _world.Deploy() with { PipelineName = "copied" }, Ct);

        var admin = await (await _app.LoginAsAdminAsync()).GetFromJsonAsync<AuditPageDto>("/api/v1/audit?pageSize=200", Ct);
        var owner = await (await _app.LoginAsync("owner", World.Password)).GetFromJsonAsync<AuditPageDto>("/api/v1/audit?pageSize=200", Ct);
        var refused = await (await _app.LoginAsync("owner", World.Password)).GetFromJsonAsync<AuditPageDto>("/api/v1/audit?action=deploy.refused", Ct);
        var member = await (await _app.LoginAsync("member", World.Password)).GetAsync("/api/v1/audit", Ct);

        admin!.Items.Select(a => a.Action).ShouldContain(AuditActions.TokenCreate);
        admin.Items.Select(a => a.TeamId).ShouldContain(_world.OtherTeam.Id);
        owner!.Items.ShouldAllBe(a => a.TeamId == _world.Team.Id);
        owner.Items.Select(a => a.Action).ShouldContain(AuditActions.CredentialCreate);
        owner.Items.Select(a => a.Action).ShouldContain(AuditActions.CloudAccountCreate);
        var entry = refused!.Items.ShouldHaveSingleItem();
        entry.Code.ShouldBe(ProblemCodes.CredentialBuildPlanMismatch);
        entry.Allowed.ShouldBeFalse();
        entry.Actor.ShouldBe("member");
        entry.Detail!.ShouldContain("403");
        await member.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.PermissionDenied);
    }

    [Fact]
    public async Task Errors_UnknownRouteAndWrongMethod_ProblemDetailsWithCode()
    {
        var client = _app.Anonymous();

        await (await client.GetAsync("/api/v1/nothing-here", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.NotFound);
        await (await client.PutAsync("/healthz", null, Ct)).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, ProblemCodes.MethodNotAllowed);
    }

    [Fact]
    public async Task Docs_OpenApiAndBrowser()
    {
        var client = _app.Anonymous();

        var openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var docs = await client.GetAsync("/docs/", Ct);

        openApi.GetProperty("paths").TryGetProperty("/api/v1/deploys", out _).ShouldBeTrue();
        openApi.GetProperty("paths").TryGetProperty("/api/v1/releases/{id}/events", out _).ShouldBeTrue();
        docs.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await docs.Content.ReadAsStringAsync(Ct)).ShouldContain("Hoist API");
    }
}
