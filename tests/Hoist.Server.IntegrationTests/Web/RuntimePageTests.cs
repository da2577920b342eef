using System.Text.RegularExpressions;
using Hoist.Sandbox.Api;
using Hoist.Server.CloudAccounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>The container runtime page (容器运行详情) in Chromium, read live from the sandbox cluster.</summary>
public sealed class RuntimePageTests(BrowserFixture browser) : IAsyncLifetime
{
    WebApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await WebApp.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await browser.ScreenshotIfFailedAsync();
        await _app.DisposeAsync();
    }

    async Task<IPage> SignedInAsync()
    {
        var page = await browser.NewPageAsync();
        await _app.LoginAsync(page);
        return page;
    }

    [Fact]
    public async Task RuntimePage_HealthyWorkload_ShowsOneSquarePerPodOfTheNewRevision()
    {
        var release = await _app.AddReleaseAsync(s => s.Image = WebApp.WebImage, progress: ReleaseProgress.Succeeded);
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));

        await Expect(page.Locator("[data-revision=new] .pod[data-tone=ok]")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-revision=old]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-replicas=ready]")).ToHaveTextAsync("3");
        await Expect(page.Locator("#pod-detail tr[data-container]")).ToHaveCountAsync(2);
        await Expect(page.Locator("pre.logtail")).ToContainTextAsync("[app]");
        await Expect(page.Locator("#stale-banner")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("runtime-healthy-en"), FullPage = true });
    }

    [Fact]
    public async Task RuntimePage_ImageThatCannotBePulled_ShowsTheWaitingReasonAndEvents()
    {
        await _app.SetWebImageAsync("registry.example.com/shop/web:nonexistent");
        var release = await _app.AddReleaseAsync(s => s.Image = "registry.example.com/shop/web:nonexistent", progress: ReleaseProgress.ImagePullFailed);
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));

        await Expect(page.Locator("[data-revision=new] .pod[data-tone=bad]").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-revision=old] .pod[data-tone=ok]")).ToHaveCountAsync(3);
        await Expect(page.Locator("#pod-detail tr[data-container='app'] [data-container-reason]")).ToHaveTextAsync(new Regex("^(ImagePullBackOff|ErrImagePull)$"));
        await Expect(page.Locator("#pod-detail")).ToContainTextAsync("nonexistent");
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("runtime-imagepullbackoff-en"), FullPage = true });
    }

    [Fact]
    public async Task RuntimePage_ClusterFailsWhileOpen_ShowsStaleBannerKeepsLastPictureThenRecovers()
    {
        var release = await _app.AddReleaseAsync(s => s.Image = WebApp.WebImage, progress: ReleaseProgress.Succeeded);
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));
        await Expect(page.Locator("[data-revision=new] .pod[data-tone=ok]")).ToHaveCountAsync(3);

        _app.Sandbox.Faults = FaultSettings.None with { Denied = ["* *"] };

        await Expect(page.Locator("#stale-banner")).ToBeVisibleAsync();
        await Expect(page.Locator("#stale-banner")).ToContainTextAsync("403");
        await Expect(page.Locator("[data-revision=new] .pod[data-tone=ok]")).ToHaveCountAsync(3);

        _app.Sandbox.Faults = FaultSettings.None;

        await Expect(page.Locator("#stale-banner")).ToBeHiddenAsync();
        await Expect(page.Locator("[data-revision=new] .pod")).ToHaveCountAsync(3);
    }

    [Fact]
    public async Task RuntimePage_ClusterUnreachableOnLoad_SaysWhy()
    {
        var dead = await _app.Hoist.SeedAsync(s => s.EnsureCloudAccountAsync(_app.Team.Id,
            new CloudAccountRequest { Name = "gone", Kubeconfig = Samples.Kubeconfig(server: "http://127.0.0.1:1"), Context = "sandbox" }));
        var release = await _app.AddReleaseAsync(s => { s.CloudAccountId = dead.Account.Id; s.CloudAccount = "gone"; }, ReleaseProgress.Succeeded);
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));

        await Expect(page.Locator("#stale-banner")).ToBeVisibleAsync();
        await Expect(page.Locator("#stale-banner")).ToContainTextAsync("The cluster cannot be reached");
    }
}
