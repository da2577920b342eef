using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>The container runtime page (容器运行详情) in Chromium, against a fake gateway.</summary>
public sealed class RuntimePageTests(BrowserFixture browser) : IAsyncLifetime
{
    WebApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await WebApp.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await browser.ScreenshotIfFailedAsync();
        await _app.DisposeAsync();
    }

    async Task<Microsoft.Playwright.IPage> SignedInAsync(string locale = "en-US", string user = "owner")
    {
        var page = await browser.NewPageAsync(locale);
        await _app.LoginAsync(page, user);
        return page;
    }

    [Fact]
    public async Task RuntimePage_HealthyRollout_ShowsOneSquarePerPodOfTheNewRevision()
    {
        var release = await _app.AddReleaseAsync(progress: ReleaseProgress.Succeeded);
        _app.Gateway.Runtimes["web"] = RuntimeSamples.Healthy(release.Id, newPods: 3, oldPods: 0);
        _app.Gateway.Logs["web-7d9f6c5b8-n0"] = ["listening on :8080", "GET /healthz 200"];
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));

        await Expect(page.Locator("[data-revision=new] .pod")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-revision=new] .pod[data-tone=ok]")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-revision=old]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-replicas=ready]")).ToHaveTextAsync("3");
        await Expect(page.Locator("pre.logtail")).ToContainTextAsync("GET /healthz 200");
        await Expect(page.Locator("#stale-banner")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("runtime-healthy-en"), FullPage = true });
    }

    [Fact]
    public async Task RuntimePage_ImagePullBackOff_ShowsTheWaitingReasonAndEvents()
    {
        var release = await _app.AddReleaseAsync(s => s.Image = "registry.example.com/shop/web:nonexistent", progress: ReleaseProgress.ImagePullFailed);
        _app.Gateway.Runtimes["web"] = RuntimeSamples.ImagePullBackOff(release.Id);
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));

        await Expect(page.Locator("[data-revision=new] .pod")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-revision=new] .pod[data-tone=bad]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-revision=old] .pod")).ToHaveCountAsync(3);
        await Expect(page.Locator("#pod-detail [data-container-reason]")).ToHaveTextAsync("ImagePullBackOff");
        await Expect(page.Locator("#pod-detail")).ToContainTextAsync("Failed to pull image");
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("runtime-imagepullbackoff-en"), FullPage = true });
    }

    [Fact]
    public async Task RuntimePage_ClusterLostWhileOpen_ShowsStaleBannerAndKeepsLastPicture()
    {
        var release = await _app.AddReleaseAsync(progress: ReleaseProgress.Succeeded);
        _app.Gateway.Runtimes["web"] = RuntimeSamples.Healthy(release.Id);
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));
        await Expect(page.Locator("[data-revision=new] .pod")).ToHaveCountAsync(3);

        _app.Gateway.UnreachableBecause = "connection refused (127.0.0.1:6443)";

        await Expect(page.Locator("#stale-banner")).ToBeVisibleAsync();
        await Expect(page.Locator("#stale-banner")).ToContainTextAsync("connection refused");
        await Expect(page.Locator("[data-revision=new] .pod")).ToHaveCountAsync(3);

        _app.Gateway.UnreachableBecause = null;
        _app.Gateway.Runtimes["web"] = RuntimeSamples.Healthy(release.Id, newPods: 4);

        await Expect(page.Locator("#stale-banner")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-revision=new] .pod")).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task RuntimePage_ClusterUnreachableOnLoad_SaysWhy()
    {
        var release = await _app.AddReleaseAsync(progress: ReleaseProgress.Succeeded);
        _app.Gateway.UnreachableBecause = "TLS handshake failed";
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));

        await Expect(page.Locator("#stale-banner")).ToBeVisibleAsync();
        await Expect(page.Locator("#stale-banner")).ToContainTextAsync("TLS handshake failed");
    }
}
