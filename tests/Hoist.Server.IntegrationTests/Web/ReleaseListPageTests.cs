using System.Text.RegularExpressions;
using Hoist.Contracts;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>The release list and overview as plain HTTP with a session cookie: server-rendered, so filters and paging need no browser.</summary>
public sealed partial class ReleaseListPageTests : IAsyncLifetime
{
    WebApp _app = null!;
    HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _http = await _app.SessionAsync("owner");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [GeneratedRegex("data-release-id=\"(\\d+)\"")]
    private static partial Regex RowId();

    async Task<List<long>> RowsAsync(string url, HttpClient? http = null)
    {
        var html = await (http ?? _http).GetStringAsync(url, TestContext.Current.CancellationToken);
        return RowId().Matches(html).Select(m => long.Parse(m.Groups[1].Value)).ToList();
    }

    [Fact]
    public async Task ReleaseList_FilterByStatus_ShowsOnlyThatStatus()
    {
        var ok = await _app.AddReleaseAsync(progress: ReleaseProgress.Succeeded);
        var failed = await _app.AddReleaseAsync(progress: ReleaseProgress.ImagePullFailed);
        var running = await _app.AddReleaseAsync(progress: ReleaseProgress.RollingOut);

        (await RowsAsync("/releases")).ShouldBe([running.Id, failed.Id, ok.Id]);
        (await RowsAsync("/releases?status=Failed")).ShouldBe([failed.Id]);
        (await RowsAsync("/releases?status=Succeeded")).ShouldBe([ok.Id]);
    }

    [Fact]
    public async Task ReleaseList_FilterByApplicationPipelineProjectWorkload_NarrowsRows()
    {
        var other = await _app.Hoist.SeedAsync(s => s.EnsureProjectAsync(_app.Team.Id, "billing"));
        var shop = await _app.AddReleaseAsync(s => { s.Application = "shop"; s.Workload = "web"; s.Pipeline = "shop-web-1"; });
        var billing = await _app.AddReleaseAsync(s => { s.Application = "billing"; s.Workload = "api"; s.Pipeline = "billing-api-2"; s.ProjectId = other.Id; s.BuildPlanId = null; });

        (await RowsAsync("/releases?application=shop")).ShouldBe([shop.Id]);
        (await RowsAsync("/releases?workload=api")).ShouldBe([billing.Id]);
        (await RowsAsync("/releases?pipeline=billing-api")).ShouldBe([billing.Id]);
        (await RowsAsync("/releases?project=billing")).ShouldBe([billing.Id]);
        (await RowsAsync("/releases?application=nobody")).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReleaseList_FilterByDate_KeepsReleasesCreatedInTheRange()
    {
        var old = await _app.AddReleaseAsync(s => s.CreatedAt = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var mid = await _app.AddReleaseAsync(s => s.CreatedAt = new DateTimeOffset(2025, 3, 5, 23, 59, 0, TimeSpan.Zero));
        var recent = await _app.AddReleaseAsync(s => s.CreatedAt = new DateTimeOffset(2025, 3, 9, 0, 0, 0, TimeSpan.Zero));

        (await RowsAsync("/releases?from=2025-03-02&to=2025-03-05")).ShouldBe([mid.Id]);
        (await RowsAsync("/releases?from=2025-03-05")).ShouldBe([recent.Id, mid.Id]);
        (await RowsAsync("/releases?to=2025-03-01")).ShouldBe([old.Id]);
    }

    [Fact]
    public async Task ReleaseList_MoreThanOnePage_PagesNewestFirst()
    {
        var ids = new List<long>();
        for (var i = 0; i < 30; i++) ids.Add((await _app.AddReleaseAsync()).Id);
        ids.Reverse();

        (await RowsAsync("/releases")).ShouldBe(ids.Take(25));
        (await RowsAsync("/releases?page=2")).ShouldBe(ids.Skip(25));
        var html = await _http.GetStringAsync("/releases?page=2", TestContext.Current.CancellationToken);
        html.ShouldContain("Page 2 of 2");
        html.ShouldContain("rel=\"prev\"");
    }

    [Fact]
    public async Task ReleaseList_UserOutsideTheProject_SeesNoneOfItsReleases()
    {
        var release = await _app.AddReleaseAsync();
        using var outsider = await _app.SessionAsync("outsider");

        (await RowsAsync("/releases", outsider)).ShouldBeEmpty();
        (await outsider.GetAsync($"/releases/{release.Id}", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await RowsAsync("/releases")).ShouldBe([release.Id]);
    }

    [Fact]
    public async Task Pages_WithoutSession_RedirectToLogin()
    {
        using var anonymous = _app.Client(cookies: false, redirects: false);

        var response = await anonymous.GetAsync("/releases?status=Failed", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/login?ReturnUrl=%2Freleases%3Fstatus%3DFailed");
    }

    [Fact]
    public async Task ReleaseDetail_UnknownId_IsNotFound()
    {
        var response = await _http.GetAsync("/releases/987654", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Overview_WithReleases_ListsRecentOnesAndClusterActivity()
    {
        await _app.AddReleaseAsync(s => s.CloudAccount = "sandbox", progress: ReleaseProgress.ImagePullFailed);
        var last = await _app.AddReleaseAsync(s => s.CloudAccount = "sandbox", progress: ReleaseProgress.Succeeded);

        var html = await _http.GetStringAsync("/", TestContext.Current.CancellationToken);

        RowId().Matches(html).Count.ShouldBe(2);
        html.ShouldContain("sandbox");
        html.ShouldContain($"href=\"/releases/{last.Id}\"");
    }

    [Fact]
    public async Task Overview_Projects_LinkToTheTemplateOnlyForDeploySettings()
    {
        using var member = await _app.SessionAsync("member");

        var owners = await _http.GetStringAsync("/", TestContext.Current.CancellationToken);
        var members = await member.GetStringAsync("/", TestContext.Current.CancellationToken);

        owners.ShouldContain("href=\"/projects/shop/build-plans/new?template=deploy-k8s\"");
        owners.ShouldContain("data-cluster=\"sandbox\"");
        members.ShouldContain("href=\"/releases?project=shop\"");
        members.ShouldNotContain("/projects/shop/build-plans/new");
    }

    [Fact]
    public async Task Pages_UntrustedText_IsEncoded()
    {
        var evil = await _app.AddReleaseAsync(s => s.Image = "registry.example.com/x:<script>alert(1)</script>",
            progress: r => { ReleaseProgress.RollingOut(r); r.Fail(r.CreatedAt.AddSeconds(5), FailureReason.CrashLoop, "<img src=x onerror=alert(1)>"); });

        var list = await _http.GetStringAsync("/releases", TestContext.Current.CancellationToken);
        var detail = await _http.GetStringAsync($"/releases/{evil.Id}", TestContext.Current.CancellationToken);

        list.ShouldNotContain("<script>alert(1)</script>");
        list.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;");
        detail.ShouldNotContain("<img src=x");
        detail.ShouldContain("&lt;img src=x onerror=alert(1)&gt;");
    }
}
