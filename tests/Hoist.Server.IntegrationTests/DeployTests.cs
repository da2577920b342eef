using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Credentials;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.IntegrationTests;

public sealed class DeployTests : IAsyncLifetime
{
    readonly HoistApplication _app = new();
    World _world = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _world = await World.CreateAsync(_app);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    Task<HttpResponseMessage> DeployAsync(DeployRequest request, string? token = null, string? idempotencyKey = null)
    {
        var client = _app.WithToken(token ?? _world.Token("member", "deploy"));
        var message = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Deploys) { Content = JsonContent.Create(request) };
        if (idempotencyKey is not null) message.Headers.Add(ApiRoutes.IdempotencyKeyHeader, idempotencyKey);
        return client.SendAsync(message, Ct);
    }

    [Fact]
    public async Task Deploy_ValidRequest_StoresReleaseAndEngineRollsItOut()
    {
        var response = await DeployAsync(_world.Deploy());

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var accepted = (await response.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!;
        accepted.Existing.ShouldBeFalse();
        accepted.Status.ShouldBe(ReleaseStatus.Queued);
        accepted.ApiUrl.ShouldEndWith(ApiRoutes.Release(accepted.ReleaseId));
        accepted.EventsUrl.ShouldEndWith(ApiRoutes.ReleaseEvents(accepted.ReleaseId));
        response.Headers.Location!.ToString().ShouldBe(accepted.ApiUrl);

        await _app.Verdicts.WaitForAsync(accepted.ReleaseId, ReleaseStatus.Succeeded);
        (await _app.DeploymentImageAsync("web", "app")).ShouldBe("registry.example.com/shop/web:1.2.3");
        (await _app.DeploymentImageAsync("web", "sidecar")).ShouldBe("registry.example.com/shop/proxy:1.0.0");
        var release = await _app.DbAsync(db => db.Set<Release>().SingleAsync(r => r.Id == accepted.ReleaseId, Ct));
        release.ImageBefore.ShouldBe(SandboxManifests.InitialImage);
        release.ImageAfter.ShouldBe("registry.example.com/shop/web:1.2.3");
        release.Workload.ShouldBe(new WorkloadRef("default", WorkloadKind.Deployment, "web"));
        release.Container.ShouldBe("app");
        release.Pipeline.ShouldBe(_world.Credential.PipelineName);
        release.Application.ShouldBe("acme");
        release.GitCommit.ShouldBe("abc123");
        var audit = await _app.DbAsync(db => db.AuditEntries.Where(a => a.Action == AuditActions.DeployAccepted).ToListAsync(Ct));
        audit.ShouldHaveSingleItem().ProjectId.ShouldBe(_world.Project.Id);
    }

    [Fact]
    public async Task Deploy_CredentialOfCopiedBuildPlan_Refused403BuildPlanOverreach()
    {
        // The copied plan's Jenkinsfile still carries build-web's credential, but its own name and pipeline.
        var request = _world.Deploy() with
        {
            PipelineName = $"shop-build-web-copy-{_world.Credential.Index}",
            Build = new BuildProvenance { ProjectName = "shop", JobId = "job-2", JobName = "build-web-copy", BuildNumber = "7" },
        };
        var before = _app.Sandbox!.Stats.Snapshot();

        var response = await DeployAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.CredentialBuildPlanMismatch);
        problem.Str("title").ShouldBe("凭据错误：构建计划越权");
        problem.Str("detail")!.ShouldContain("build plan 'build-web'");
        problem.Str("detail")!.ShouldContain("reissue");
        problem.Str("buildPlan").ShouldBe("build-web");
        problem.Str("field").ShouldBe("pipelineName");
        (await _app.ReleaseCountAsync()).ShouldBe(0);
        _app.Sandbox.Stats.Snapshot().ShouldBe(before);
        (await _app.DeploymentImageAsync("web", "app")).ShouldBe(SandboxManifests.InitialImage);
        var refused = await _app.DbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.DeployRefused, Ct));
        refused.Code.ShouldBe(ProblemCodes.CredentialBuildPlanMismatch);
        refused.Allowed.ShouldBeFalse();
        refused.TargetId.ShouldBe(_world.Credential.Id);
    }

    [Theory]
    [InlineData("jobName")]
    [InlineData("jobId")]
    [InlineData("projectName")]
    public async Task Deploy_BuildIdentityOfAnotherPlan_Refused403BuildPlanOverreach(string which)
    {
        var build = which switch
        {
            "jobName" => new BuildProvenance { JobName = "build-web-copy" },
            "jobId" => new BuildProvenance { JobId = "job-2" },
            _ => new BuildProvenance { ProjectName = "elsewhere" },
        };

        var response = await DeployAsync(_world.Deploy() with { Build = build });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.CredentialBuildPlanMismatch);
        problem.Str("field").ShouldBe($"build.{which}");
        (await _app.ReleaseCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Deploy_ReissuedCredentialForCopiedPlan_Accepted()
    {
        var admin = await _app.LoginAsync("owner", World.Password);
        var reissue = await admin.PostAsJsonAsync($"/api/v1/credentials/{_world.Credential.Id}/reissue", new { buildPlanId = _world.CopiedPlan.Id }, Ct);
        reissue.StatusCode.ShouldBe(HttpStatusCode.Created);
        var copy = (await reissue.Content.ReadFromJsonAsync<CredentialDto>(Ct))!;
        copy.BuildPlan.ShouldBe("build-web-copy");
        copy.ReissuedFrom.ShouldBe(_world.Credential.Id);
        copy.PipelineName.ShouldBe($"shop-build-web-copy-{copy.Index}");

        var response = await DeployAsync(_world.Deploy() with
        {
            CredentialId = copy.Id,
            PipelineName = copy.PipelineName,
            Build = new BuildProvenance { ProjectName = "shop", JobId = "job-2", JobName = "build-web-copy" },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Deploy_SameIdempotencyKey_ReturnsExistingRelease()
    {
        var first = await (await DeployAsync(_world.Deploy(), idempotencyKey: "key-1")).Content.ReadFromJsonAsync<DeployAccepted>(Ct);

        var again = await DeployAsync(_world.Deploy(), idempotencyKey: "key-1");

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = (await again.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!;
        second.ReleaseId.ShouldBe(first!.ReleaseId);
        second.Existing.ShouldBeTrue();
        (await _app.ReleaseCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Deploy_SameKeyOtherParameters_Refused409()
    {
        await DeployAsync(_world.Deploy(), idempotencyKey: "key-1");

        var response = await DeployAsync(_world.Deploy("registry.example.com/shop/web:9.9.9"), idempotencyKey: "key-1");

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, ProblemCodes.IdempotencyKeyReused);
        (await _app.ReleaseCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Deploy_SameBuildNumberAndParameters_ReturnsExistingRelease()
    {
        var first = await (await DeployAsync(_world.Deploy(buildNumber: "41"))).Content.ReadFromJsonAsync<DeployAccepted>(Ct);

        var retried = await DeployAsync(_world.Deploy(buildNumber: "41"));
        var otherImage = await DeployAsync(_world.Deploy("registry.example.com/shop/web:2.0.0", buildNumber: "41"));

        var second = (await retried.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!;
        second.ReleaseId.ShouldBe(first!.ReleaseId);
        second.Existing.ShouldBeTrue();
        otherImage.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await _app.ReleaseCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Deploy_TwentyParallelIdenticalCalls_CreateExactlyOneRelease()
    {
        var request = _world.Deploy(buildNumber: "100");
        var token = _world.Token("member", "deploy");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => DeployAsync(request, token, idempotencyKey: "parallel")));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Accepted || r.StatusCode == HttpStatusCode.OK);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!));
        ids.Select(a => a.ReleaseId).Distinct().ShouldHaveSingleItem();
        ids.Count(a => !a.Existing).ShouldBe(1);
        (await _app.ReleaseCountAsync()).ShouldBe(1);
        await _app.Verdicts.WaitForAsync(ids[0].ReleaseId, ReleaseStatus.Succeeded);
        _app.Sandbox!.Stats.Count("patch", "deployments").ShouldBe(1);
    }

    [Fact]
    public async Task Deploy_UserRemovedFromProject_Refused403ProjectAccess()
    {
        var owner = await _app.LoginAsync("owner", World.Password);
        (await owner.DeleteAsync($"/api/v1/projects/{_world.Project.Id}/members/member", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var response = await DeployAsync(_world.Deploy());

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.ProjectAccessDenied);
        (await _app.ReleaseCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Deploy_UnknownCredential_Refused404()
    {
        var response = await DeployAsync(_world.Deploy() with { CredentialId = new string('a', 32) });

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.CredentialNotFound);
    }

    [Fact]
    public async Task Deploy_RevokedCredential_Refused403()
    {
        var owner = await _app.LoginAsync("owner", World.Password);
        (await owner.PostAsync($"/api/v1/credentials/{_world.Credential.Id}/revoke", null, Ct)).EnsureSuccessStatusCode();

        var response = await DeployAsync(_world.Deploy());

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.CredentialRevoked);
    }

    [Theory]
    [InlineData("namespace", "default", "staging")]
    [InlineData("manifestName", "web", "db")]
    [InlineData("containerName", "app", "sidecar")]
    [InlineData("image", "registry.example.com/shop/", "registry.example.com/shop-evil/web:1")]
    [InlineData("application", null, "someone-else")]
    public async Task Deploy_OutsideCredentialNarrowing_Refused403NamingField(string field, string? narrowedTo, string sent)
    {
        var credential = await _app.SeedAsync(s => s.CreateCredentialAsync(_world.Project.Id, new CreateCredentialRequest
        {
            BuildPlanId = _world.Plan.Id,
            PipelineName = "narrowed",
            CloudAccountId = _world.Account.Account.Id,
            Namespace = field == "namespace" ? narrowedTo : null,
            WorkloadName = field == "manifestName" ? narrowedTo : null,
            Container = field == "containerName" ? narrowedTo : null,
            AllowedImagePrefixes = field == "image" ? [narrowedTo!] : null,
        }));
        var request = _world.Deploy() with { CredentialId = credential.Id, PipelineName = "narrowed" };
        request = field switch
        {
            "namespace" => request with { Namespace = sent },
            "manifestName" => request with { ManifestName = sent },
            "containerName" => request with { ContainerName = sent },
            "image" => request with { Image = sent },
            _ => request with { Application = sent },
        };

        var response = await DeployAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.CredentialScopeViolation);
        problem.Str("field").ShouldBe(field);
        (await _app.ReleaseCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Deploy_ImageUnderAllowedPrefix_Accepted()
    {
        var credential = await _app.SeedAsync(s => s.CreateCredentialAsync(_world.Project.Id, new CreateCredentialRequest
        {
            BuildPlanId = _world.Plan.Id, PipelineName = "narrowed", AllowedImagePrefixes = ["registry.example.com/shop"], RollbackOnFailure = true,
        }));

        var response = await DeployAsync(_world.Deploy() with { CredentialId = credential.Id, PipelineName = "narrowed" });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var id = (await response.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!.ReleaseId;
        (await _app.DbAsync(db => db.Set<Release>().SingleAsync(r => r.Id == id, Ct))).RollbackOnFailure.ShouldBeTrue();
    }

    [Fact]
    public async Task Deploy_WorkloadMissing_Refused404WithoutRelease()
    {
        var response = await DeployAsync(_world.Deploy() with { ManifestName = "nope" });

        (await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.WorkloadNotFound)).Str("field").ShouldBe("manifestName");
        (await _app.ReleaseCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Deploy_NamespaceMissing_Refused404()
    {
        var response = await DeployAsync(_world.Deploy() with { Namespace = "nowhere" });

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ProblemCodes.NamespaceNotFound);
    }

    [Fact]
    public async Task Deploy_ContainerMissing_Refused422ListingContainers()
    {
        var response = await DeployAsync(_world.Deploy() with { ContainerName = "nginx" });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.ContainerNotFound);
        problem.GetProperty("expected").EnumerateArray().Select(e => e.GetString()).ShouldBe(["app", "sidecar"]);
        problem.Str("detail")!.ShouldContain("app, sidecar");
        (await _app.ReleaseCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Deploy_UnknownCloudAccount_Refused422()
    {
        var response = await DeployAsync(_world.Deploy() with { CloudAccountName = "staging" });

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.CloudAccountNotFound);
    }

    [Fact]
    public async Task Deploy_ClusterUnreachable_Refused502WithoutRelease()
    {
        await _app.Sandbox!.DisposeAsync();

        var response = await DeployAsync(_world.Deploy());

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, ProblemCodes.ClusterUnreachable);
        (await _app.ReleaseCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Deploy_JobKind_Refused422Unsupported()
    {
        var response = await DeployAsync(_world.Deploy() with { ManifestType = "Job" });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemCodes.UnsupportedWorkloadKind);
        problem.Str("detail")!.ShouldContain("immutable");
    }

    [Fact]
    public async Task Deploy_ReadScopeToken_Refused403ScopeMissing()
    {
        var response = await DeployAsync(_world.Deploy(), _world.Token("member", "read"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.ScopeMissing);
        problem.Str("detail")!.ShouldContain("project:deployment");
        var refused = await _app.DbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.DeployRefused, Ct));
        refused.Code.ShouldBe(ProblemCodes.ScopeMissing);
        refused.ActorName.ShouldBe("member");
    }
}
