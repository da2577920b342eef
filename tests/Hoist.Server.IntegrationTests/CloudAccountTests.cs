using Hoist.Contracts;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Credentials;
using Hoist.Server.Kubernetes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hoist.Server.IntegrationTests;

public sealed class CloudAccountTests : IAsyncLifetime
{
    readonly HoistApplication _app = new();
    World _world = null!;
    HttpClient _owner = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _world = await World.CreateAsync(_app);
        _owner = await _app.LoginAsync("owner", World.Password);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    string Accounts => $"/api/v1/teams/{_world.Team.Id}/cloud-accounts";

    [Theory]
    [InlineData("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh", "users[ci].user.exec")]
    [InlineData("    auth-provider:\n      name: gcp", "users[ci].user.auth-provider")]
    [InlineData("    client-certificate: /etc/hoist/cert.pem\n    client-key-data: abc", "users[ci].user.client-certificate")]
    [InlineData("    client-key: /root/.ssh/id_rsa", "users[ci].user.client-key")]
    [InlineData("    tokenFile: /var/run/secrets/token", "users[ci].user.tokenFile")]
    public async Task Create_KubeconfigRunningCommandsOrReadingFiles_Refused422NamingField(string userBlock, string field)
    {
        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "evil", kubeconfig = Samples.Kubeconfig(userBlock) }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.KubeconfigRefused);
        problem.Str("field").ShouldBe(field);
        (await _app.DbAsync(db => db.CloudAccounts.CountAsync(c => c.Name == "evil", Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Create_ClusterCertificateAuthorityFile_Refused422()
    {
        var kubeconfig = Samples.Kubeconfig(clusterExtra: "    certificate-authority: /etc/kubernetes/ca.crt");

        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "evil", kubeconfig }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.KubeconfigRefused);
        problem.Str("field").ShouldBe("clusters[sandbox].cluster.certificate-authority");
        problem.Str("detail")!.ShouldContain("certificate-authority-data");
    }

    [Fact]
    public async Task Create_ExecInAnUnusedUser_StillRefused()
    {
        var kubeconfig = Samples.Kubeconfig() + "\n- name: other-user\n  user:\n    exec:\n      command: curl\n";

        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "evil", kubeconfig }, Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.KubeconfigRefused)).Str("field").ShouldBe("users[other-user].user.exec");
    }

    [Theory]
    [InlineData("a: &x [1]\nb: *x", ProblemCodes.KubeconfigRefused)]
    [InlineData("not: [valid", ProblemCodes.InvalidKubeconfig)]
    [InlineData("- just\n- a list", ProblemCodes.InvalidKubeconfig)]
    [InlineData("apiVersion: v1\nkind: Config\n", ProblemCodes.InvalidKubeconfig)]
    public async Task Create_MalformedKubeconfig_Refused422(string kubeconfig, string code)
    {
        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "bad", kubeconfig }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);
    }

    [Fact]
    public async Task Create_DeeplyNestedYaml_Refused422NotCrash()
    {
        var kubeconfig = "a: " + new string('[', 5000) + new string(']', 5000);

        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "deep", kubeconfig }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.InvalidKubeconfig);
    }

    [Fact]
    public async Task Create_UnknownContext_Refused400ListingContexts()
    {
        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "x", kubeconfig = Samples.Kubeconfig(), context = "nope" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ProblemCodes.InvalidField);
        problem.GetProperty("expected").EnumerateArray().Select(e => e.GetString()).ShouldBe(["sandbox", "other"]);
    }

    [Fact]
    public async Task Create_ValidKubeconfig_SavedEncryptedCheckedAndReadableByEngine()
    {
        var server = _app.Sandbox!.Url.ToString().TrimEnd('/');
        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "staging", kubeconfig = Samples.Kubeconfig(server: server), context = "other" }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var saved = (await response.Content.ReadFromJsonAsync<CloudAccountCheckedDto>(Ct))!;
        saved.Account.Status.ShouldBe(ConnectionStatus.Ok, saved.Account.StatusReason);
        saved.Account.Server.ShouldBe(server);
        saved.Account.Context.ShouldBe("other");
        saved.Account.ServerVersion!.ShouldStartWith("v1.33");
        saved.Permissions.ShouldNotBeEmpty();
        saved.Permissions.ShouldAllBe(p => p.Allowed);
        var body = await response.Content.ReadAsStringAsync(Ct);
        body.ShouldNotContain(Samples.KubeconfigToken);

        var stored = await _app.DbAsync(db => db.CloudAccounts.SingleAsync(c => c.Id == saved.Account.Id, Ct));
        stored.ProtectedConnection.ShouldNotContain(Samples.KubeconfigToken);
        var source = _app.Services.GetRequiredService<IClusterConnectionSource>();
        var connection = await source.GetAsync(saved.Account.Id, Ct);
        connection!.Value.Name.ShouldBe("staging");
        connection.Value.Connection.Kubeconfig!.ShouldContain(Samples.KubeconfigToken);
        connection.Value.Connection.Context.ShouldBe("other");
    }

    [Fact]
    public async Task Create_ServerAndToken_Saved()
    {
        var response = await _owner.PostAsJsonAsync(Accounts, new
        {
            name = "direct", server = "https://127.0.0.1:1", token = "sa-token-123", caData = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
        }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var saved = (await response.Content.ReadFromJsonAsync<CloudAccountCheckedDto>(Ct))!;
        saved.Account.Kind.ShouldBe(CloudAccountKind.Token);
        var connection = await _app.Services.GetRequiredService<IClusterConnectionSource>().GetAsync(saved.Account.Id, Ct);
        connection!.Value.Connection.Token.ShouldBe("sa-token-123");
        connection.Value.Connection.Server.ShouldBe("https://127.0.0.1:1");
        saved.Account.Status.ShouldBe(ConnectionStatus.Unreachable);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:pass@k8s.example.com")]
    [InlineData("not a url")]
    public async Task Create_BadServerUrl_Refused400(string server)
    {
        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "direct", server, token = "t" }, Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ProblemCodes.InvalidField)).Str("field").ShouldBe("server");
    }

    [Fact]
    public async Task Create_Unreachable_SavedWithStatusAndReason()
    {
        var response = await _owner.PostAsJsonAsync(Accounts, Samples.KubeconfigAccount("down"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var saved = (await response.Content.ReadFromJsonAsync<CloudAccountCheckedDto>(Ct))!;
        saved.Account.Status.ShouldBe(ConnectionStatus.Unreachable);
        saved.Account.StatusReason.ShouldNotBeNullOrWhiteSpace();
        saved.Account.CheckedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Create_MissingPermissions_ReportsWhichOnes()
    {
        _app.Sandbox!.Faults = _app.Sandbox.Faults with { Denied = ["patch deployments"] };

        var response = await _owner.PostAsJsonAsync(Accounts, new { name = "weak", kubeconfig = _app.Sandbox.KubeconfigYaml() }, Ct);

        var saved = (await response.Content.ReadFromJsonAsync<CloudAccountCheckedDto>(Ct))!;
        saved.Account.Status.ShouldBe(ConnectionStatus.MissingPermissions);
        saved.Account.StatusReason!.ShouldContain("patch deployments");
        saved.Permissions.Single(p => !p.Allowed).Verb.ShouldBe("patch");
    }

    [Fact]
    public async Task Create_NameTakenInTeam_Refused409ButFreeInAnotherTeam()
    {
        var taken = await _owner.PostAsJsonAsync(Accounts, Samples.KubeconfigAccount("prod"), Ct);
        var outsider = await _app.LoginAsync("outsider", World.Password);
        var otherTeam = await outsider.PostAsJsonAsync($"/api/v1/teams/{_world.OtherTeam.Id}/cloud-accounts", Samples.KubeconfigAccount("fresh"), Ct);

        (await taken.ShouldBeProblemAsync(HttpStatusCode.Conflict, ProblemCodes.Conflict)).Str("field").ShouldBe("name");
        otherTeam.StatusCode.ShouldBe(HttpStatusCode.Created);
        _world.OtherAccount.Account.Name.ShouldBe("prod");
    }

    [Fact]
    public async Task Delete_WhileCredentialUsesIt_Refused409ThenAllowedAfterRevoke()
    {
        var credential = await _app.SeedAsync(s => s.CreateCredentialAsync(_world.Project.Id,
            new CreateCredentialRequest { BuildPlanId = _world.Plan.Id, CloudAccountId = _world.Account.Account.Id }));
        var url = $"/api/v1/cloud-accounts/{_world.Account.Account.Id}";

        var refused = await _owner.DeleteAsync(url, Ct);
        await _owner.PostAsync($"/api/v1/credentials/{credential.Id}/revoke", null, Ct);
        var deleted = await _owner.DeleteAsync(url, Ct);

        (await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict, ProblemCodes.Conflict)).Str("detail")!.ShouldContain(credential.Id);
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _owner.GetAsync(url, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rename_WhileCredentialBound_Refused409()
    {
        await _app.SeedAsync(s => s.CreateCredentialAsync(_world.Project.Id,
            new CreateCredentialRequest { BuildPlanId = _world.Plan.Id, CloudAccountId = _world.Account.Account.Id }));

        var response = await _owner.PutAsJsonAsync($"/api/v1/cloud-accounts/{_world.Account.Account.Id}", Samples.KubeconfigAccount("renamed"), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, ProblemCodes.Conflict);
    }

    [Fact]
    public async Task Update_NewSecret_TakesEffectAtOnce()
    {
        var url = $"/api/v1/cloud-accounts/{_world.Account.Account.Id}";
        var server = _app.Sandbox!.Url.ToString();

        var wrong = await (await _owner.PutAsJsonAsync(url, new { name = "prod", server, token = "rotated-but-wrong" }, Ct)).Content.ReadFromJsonAsync<CloudAccountCheckedDto>(Ct);
        var browseWrong = await _owner.GetAsync($"{url}/namespaces", Ct);
        var right = await (await _owner.PutAsJsonAsync(url, new { name = "prod", server, token = Samples.KubeconfigToken }, Ct)).Content.ReadFromJsonAsync<CloudAccountCheckedDto>(Ct);
        var browseRight = await _owner.GetAsync($"{url}/namespaces", Ct);

        wrong!.Account.Status.ShouldBe(ConnectionStatus.Unreachable);
        wrong.Account.Kind.ShouldBe(CloudAccountKind.Token);
        await browseWrong.ShouldBeProblemAsync(HttpStatusCode.BadGateway, ProblemCodes.ClusterUnreachable);
        right!.Account.Status.ShouldBe(ConnectionStatus.Ok, right.Account.StatusReason);
        browseRight.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Browse_NamespacesWorkloadsContainers_ReadFromCluster()
    {
        var id = _world.Account.Account.Id;

        var namespaces = await _owner.GetFromJsonAsync<string[]>($"/api/v1/cloud-accounts/{id}/namespaces", Ct);
        var deployments = await _owner.GetFromJsonAsync<string[]>($"/api/v1/cloud-accounts/{id}/namespaces/default/workloads?kind=Deployment", Ct);
        var statefulSets = await _owner.GetFromJsonAsync<string[]>($"/api/v1/cloud-accounts/{id}/namespaces/default/workloads?kind=statefulsets", Ct);
        var containers = await _owner.GetFromJsonAsync<ContainerDto[]>($"/api/v1/cloud-accounts/{id}/namespaces/default/workloads/Deployment/web/containers", Ct);
        var missing = await _owner.GetAsync($"/api/v1/cloud-accounts/{id}/namespaces/default/workloads/Deployment/nope/containers", Ct);
        var job = await _owner.GetAsync($"/api/v1/cloud-accounts/{id}/namespaces/default/workloads?kind=Job", Ct);

        namespaces!.ShouldContain("default");
        namespaces!.ShouldContain("kube-system");
        deployments.ShouldBe(["web"]);
        statefulSets.ShouldBe(["db"]);
        containers!.Select(c => c.Name).ShouldBe(["app", "sidecar"]);
        await missing.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.WorkloadNotFound);
        await job.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.UnsupportedWorkloadKind);
    }

    [Fact]
    public async Task Browse_ClusterUnreachable_502WithReason()
    {
        await _app.Sandbox!.DisposeAsync();

        var response = await _owner.GetAsync($"/api/v1/cloud-accounts/{_world.Account.Account.Id}/namespaces", Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, ProblemCodes.ClusterUnreachable)).Str("detail")!.ShouldContain("'prod'");
    }

    [Fact]
    public async Task Browse_GatewayThrowsUnexpectedly_500WithoutDetails()
    {
        await using var app = new HoistApplication();
        app.ConfigureServices(s =>
        {
            s.RemoveAll<IClusterGatewayFactory>();
            s.AddSingleton<IClusterGatewayFactory, ThrowingGateways>();
        });
        var world = await World.CreateAsync(app);
        var owner = await app.LoginAsync("owner", World.Password);

        var response = await owner.GetAsync($"/api/v1/cloud-accounts/{world.Account.Account.Id}/namespaces", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, ProblemCodes.InternalError);
        problem.ToString().ShouldNotContain("secret internal detail");
        problem.Str("traceId").ShouldNotBeNullOrEmpty();
        world.Account.Account.Status.ShouldBe(ConnectionStatus.Unreachable);
        world.Account.Account.StatusReason.ShouldBe("The connection check failed.");
    }

    /// <summary>A gateway that fails in a way nobody planned for.</summary>
    sealed class ThrowingGateways : IClusterGatewayFactory
    {
        public IClusterGateway Get(long cloudAccountId, ClusterConnection connection) => throw new InvalidOperationException("secret internal detail");

        public void Evict(long cloudAccountId) { }
    }

    [Fact]
    public async Task Inspect_Kubeconfig_ListsContextsWithoutSaving()
    {
        var summary = await (await _owner.PostAsJsonAsync("/api/v1/cloud-accounts/inspect-kubeconfig", new { kubeconfig = Samples.Kubeconfig() }, Ct))
            .Content.ReadFromJsonAsync<KubeconfigSummary>(Ct);

        summary!.Contexts.ShouldBe(["sandbox", "other"]);
        summary.Context.ShouldBe("sandbox");
        summary.Namespace.ShouldBe("default");
        summary.UserAuth.ShouldBe("token");
        (await _app.DbAsync(db => db.CloudAccounts.CountAsync(Ct))).ShouldBe(2);
    }
}
