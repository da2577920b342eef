using Hoist.Contracts;
using Hoist.Server.CloudAccounts;

namespace Hoist.Server.IntegrationTests;

/// <summary>
/// A cluster that needs no credentials (anonymous auth, or an authenticating proxy in front of it), reached through
/// a kubeconfig whose user is <c>{}</c>, as kubectl accepts it: the sandbox started without a bearer token.
/// </summary>
public sealed class AnonymousClusterTests : IAsyncLifetime
{
    readonly HoistApplication _app = new();
    World _world = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _app.UseSandboxAsync(o => o.BearerToken = null);
        _world = await World.CreateAsync(_app);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task KubeconfigUserWithoutCredentials_ConnectionCheckSucceedsAndADeployCompletes()
    {
        var kubeconfig = _app.Sandbox!.KubeconfigYaml();
        kubeconfig.ShouldContain("user: {}");
        KubeconfigInspector.Inspect(kubeconfig, null).Value!.UserAuth.ShouldBe("none");
        _world.Account.Account.Kind.ShouldBe(CloudAccountKind.Kubeconfig);
        _world.Account.Account.Status.ShouldBe(ConnectionStatus.Ok, _world.Account.Account.StatusReason);

        var owner = await _app.LoginAsync("owner", World.Password);
        var check = await owner.PostAsync($"/api/v1/cloud-accounts/{_world.Account.Account.Id}/check", null, Ct);
        check.StatusCode.ShouldBe(HttpStatusCode.OK);
        var checkedAccount = (await check.Content.ReadFromJsonAsync<CloudAccountCheckedDto>(Ct))!;
        checkedAccount.Account.Status.ShouldBe(ConnectionStatus.Ok, checkedAccount.Account.StatusReason);
        checkedAccount.Account.ServerVersion!.ShouldStartWith("v1.33");
        checkedAccount.Permissions.ShouldAllBe(p => p.Allowed);

        var response = await _app.WithToken(_world.Token("member", "deploy")).PostAsJsonAsync(ApiRoutes.Deploys, _world.Deploy("registry.example.com/shop/web:2.0.0"), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var accepted = (await response.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!;
        await _app.Verdicts.WaitForAsync(accepted.ReleaseId, ReleaseStatus.Succeeded);
        (await _app.DeploymentImageAsync("web", "app")).ShouldBe("registry.example.com/shop/web:2.0.0");
        _app.Sandbox.Stats.Count("patch", "deployments").ShouldBe(1);
    }
}
