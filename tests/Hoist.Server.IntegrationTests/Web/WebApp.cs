using Hoist.Contracts;
using Hoist.Sandbox;
using Hoist.Server.BuildPlans;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Hoist.Server.Projects;
using Hoist.Server.Releases;
using Hoist.Server.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>
/// The whole server (<see cref="HoistApplication"/>: real auth, services, release engine and gateway, SQLite) on a
/// real loopback port so that Chromium can reach it, against a sandbox cluster holding namespace "shop" with
/// Deployments "web" (3 replicas, containers app + log-shipper) and "api", and StatefulSet "db". Seeded with team
/// "acme" (owner "owner"), project "shop" (member "member", who has no DeploySettings), build plan "build-web",
/// and, unless asked not to, cloud account "sandbox" pointing at the cluster.
/// </summary>
public sealed class WebApp : IAsyncDisposable
{
    public const string Password = "password-for-web-tests";

    public HoistApplication Hoist { get; } = new();
    public SandboxCluster Sandbox => Hoist.Sandbox!;
    public TeamDto Team { get; private set; } = null!;
    public ProjectDto Project { get; private set; } = null!;
    public BuildPlanDto Plan { get; private set; } = null!;
    /// <summary>Null when started without a cloud account.</summary>
    public CloudAccountCheckedDto? Account { get; private set; }
    public Uri BaseAddress => Hoist.ClientOptions.BaseAddress;

    public static async Task<WebApp> StartAsync(bool withCloudAccount = true)
    {
        var app = new WebApp();
        await app.Hoist.UseSandboxAsync(o => o.PodStartDelay = TimeSpan.FromMilliseconds(300));
        await app.Sandbox.ApplyAsync(SandboxWorkloads, TestContext.Current.CancellationToken);
        app.Hoist.Settings["Engine:FailureGracePeriod"] = "00:00:02";
        // Tests also write releases straight into the database to show a page in a given state; the engine must
        // not adopt those (it would otherwise take over unleased active releases every 15 s).
        app.Hoist.Settings["Engine:TakeoverInterval"] = "01:00:00";
        app.Hoist.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.Hoist.StartServer();
        await app.Hoist.SeedAsync(async s =>
        {
            await s.EnsureUserAsync("owner", Password);
            await s.EnsureUserAsync("member", Password);
            await s.EnsureUserAsync("outsider", Password);
            app.Team = await s.EnsureTeamAsync("acme", "owner");
            await s.SetTeamMemberAsync(app.Team.Id, "member", TeamRole.Member);
            app.Project = await s.EnsureProjectAsync(app.Team.Id, "shop", ["member"]);
            app.Plan = await s.EnsureBuildPlanAsync(app.Project.Id, "build-web", "job-1");
            if (withCloudAccount)
                app.Account = await s.EnsureCloudAccountAsync(app.Team.Id, new CloudAccountRequest { Name = "sandbox", Kubeconfig = app.Sandbox.KubeconfigYaml() });
            return 0;
        });
        return app;
    }

    public const string WebImage = "registry.example.com/shop/web:1.0.0";

    const string SandboxWorkloads = """
        apiVersion: v1
        kind: Namespace
        metadata: { name: shop }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, namespace: shop }
        spec:
          replicas: 3
          selector: { matchLabels: { app: web } }
          template:
            metadata: { labels: { app: web } }
            spec:
              containers:
              - { name: app, image: "registry.example.com/shop/web:1.0.0" }
              - { name: log-shipper, image: "registry.example.com/infra/shipper:3.2" }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: api, namespace: shop }
        spec:
          replicas: 1
          selector: { matchLabels: { app: api } }
          template:
            metadata: { labels: { app: api } }
            spec:
              containers:
              - { name: api, image: "registry.example.com/shop/api:4.0.0" }
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: { name: db, namespace: shop }
        spec:
          replicas: 1
          serviceName: db
          selector: { matchLabels: { app: db } }
          template:
            metadata: { labels: { app: db } }
            spec:
              containers:
              - { name: postgres, image: "postgres:16" }
        """;

    /// <summary>Changes the image of web's app container behind Hoist's back (as kubectl set image would).</summary>
    public Task SetWebImageAsync(string image) =>
        Sandbox.ApplyAsync(SandboxWorkloads.Split("---")[1].Replace("registry.example.com/shop/web:1.0.0", image, StringComparison.Ordinal),
            TestContext.Current.CancellationToken);

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>Signs in through the login page, as a person would.</summary>
    public async Task LoginAsync(IPage page, string user = "owner", string password = Password)
    {
        await page.GotoAsync(Url("/login"));
        await page.Locator("input[name=username]").FillAsync(user);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await Expect(page.Locator("[data-user]")).ToHaveTextAsync(user);
    }

    /// <summary>A plain HTTP client on the Kestrel port, as a browser without script would talk to it.</summary>
    public HttpClient Client(bool cookies = true, bool redirects = true) =>
        new(new HttpClientHandler { UseCookies = cookies, AllowAutoRedirect = redirects }) { BaseAddress = BaseAddress };

    /// <summary>A client holding a session cookie, signed in through the API (POST /api/v1/session).</summary>
    public async Task<HttpClient> SessionAsync(string user = "owner")
    {
        var client = Client();
        (await client.PostAsJsonAsync("/api/v1/session", new { userName = user, password = Password })).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>
    /// Waits until hoist.js has wired the current document. A test that sees new content can otherwise act before
    /// the script attached its handlers (a person cannot, but a test is faster than a deferred script).
    /// </summary>
    public static Task ReadyAsync(IPage page) => Expect(page.Locator("html[data-ready=true]")).ToHaveCountAsync(1);

    public Task<T> WithDbAsync<T>(Func<HoistDb, Task<T>> work) => Hoist.DbAsync(work);

    /// <summary>
    /// Writes a release in a given state straight into the database (the engine leaves it alone), so a page can be
    /// shown in that state; <paramref name="progress"/> moves it through the state machine as the engine would.
    /// </summary>
    public Task<Release> AddReleaseAsync(Action<ReleaseSpecBuilder>? configure = null, Action<Release>? progress = null) =>
        WithDbAsync(async db =>
        {
            var spec = new ReleaseSpecBuilder { ProjectId = Project.Id, BuildPlanId = Plan.Id, CloudAccountId = Account?.Account.Id ?? 0 };
            configure?.Invoke(spec);
            var release = Release.Create(spec.Build(), spec.CreatedAt);
            release.ImageBefore = spec.ImageBefore;
            progress?.Invoke(release);
            db.Releases.Add(release);
            await db.SaveChangesAsync();
            return release;
        });

    /// <summary>Loads a release, lets the test move it (as the engine would), and saves it.</summary>
    public Task<Release> UpdateReleaseAsync(long id, Action<Release> change) =>
        WithDbAsync(async db =>
        {
            var release = await db.Releases.Include(r => r.Transitions).FirstAsync(r => r.Id == id);
            change(release);
            await db.SaveChangesAsync();
            return release;
        });

    /// <summary>Stores a progress event as the engine does; the event feed finds it on its next database read.</summary>
    public Task AddEventAsync(long releaseId, string type, ReleaseStatus status, string message) =>
        WithDbAsync(async db =>
        {
            var next = (await db.ReleaseEvents.Where(e => e.ReleaseId == releaseId).MaxAsync(e => (long?)e.Sequence) ?? 0) + 1;
            db.ReleaseEvents.Add(new ReleaseEvent { ReleaseId = releaseId, Sequence = next, At = DateTimeOffset.UtcNow, Type = type, Status = status, Message = message });
            await db.SaveChangesAsync();
            return next;
        });

    public ValueTask DisposeAsync() => Hoist.DisposeAsync();
}

/// <summary>A release spec with sensible defaults; tests change only what they are about.</summary>
public sealed class ReleaseSpecBuilder
{
    public long ProjectId { get; set; }
    public long? BuildPlanId { get; set; }
    public long CloudAccountId { get; set; }
    public string Application { get; set; } = "acme";
    public string Pipeline { get; set; } = "shop-build-web-1";
    public string CloudAccount { get; set; } = "sandbox";
    public string Namespace { get; set; } = "shop";
    public WorkloadKind Kind { get; set; } = WorkloadKind.Deployment;
    public string Workload { get; set; } = "web";
    public string Container { get; set; } = "app";
    public string Image { get; set; } = "registry.example.com/shop/web:2.0.0";
    public string? ImageBefore { get; set; } = WebApp.WebImage;
    public string? BuildNumber { get; set; } = "42";
    public string? GitCommit { get; set; } = "3f2a9c1d5e7b8a0c1d2e3f4a5b6c7d8e9f0a1b2c";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow.AddMinutes(-3);

    public ReleaseSpec Build() => new()
    {
        ProjectId = ProjectId,
        BuildPlanId = BuildPlanId,
        Application = Application,
        Pipeline = Pipeline,
        CloudAccountId = CloudAccountId,
        CloudAccountName = CloudAccount,
        Workload = new WorkloadRef(Namespace, Kind, Workload),
        Container = Container,
        Image = Image,
        BuildNumber = BuildNumber,
        GitCommit = GitCommit,
        BuildUrl = "https://ci.example.com/job/shop-web/42",
    };
}

public static class ReleaseProgress
{
    /// <summary>Queued → Validating → Patching → RollingOut, a few seconds apart, as the engine records it.</summary>
    public static void RollingOut(Release r)
    {
        var t = r.CreatedAt;
        r.StartValidating(t.AddSeconds(1));
        r.StartPatching(t.AddSeconds(2));
        r.PatchedAt = t.AddSeconds(2);
        r.PatchSent = """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.example.com/shop/web:2.0.0"}]}}}}""";
        r.StartRollingOut(t.AddSeconds(3), "Waiting for 3 pods of the new revision");
    }

    public static void Succeeded(Release r)
    {
        RollingOut(r);
        r.RunningDigest = "registry.example.com/shop/web@sha256:" + new string('a', 64);
        r.Succeed(r.CreatedAt.AddSeconds(20), "3/3 pods of the new revision are ready");
    }

    public static void ImagePullFailed(Release r)
    {
        RollingOut(r);
        r.Fail(r.CreatedAt.AddSeconds(9), FailureReason.ImagePullFailed,
            "pod web-7d9f-abcde container app: ImagePullBackOff: Back-off pulling image \"registry.example.com/shop/web:nonexistent\"");
    }
}
