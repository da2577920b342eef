using Hoist.Contracts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>
/// The release page (发布单详情) in Chromium: the cause first, live updates without reload, rollback. Releases are
/// written in a given state as the engine would store them; the page reads them through the real event feed.
/// </summary>
public sealed class ReleasePageTests(BrowserFixture browser) : IAsyncLifetime
{
    WebApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await WebApp.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await browser.ScreenshotIfFailedAsync();
        await _app.DisposeAsync();
    }

    async Task<IPage> SignedInAsync(string locale = "en-US", string user = "owner")
    {
        var page = await browser.NewPageAsync(locale);
        await _app.LoginAsync(page, user);
        return page;
    }

    [Fact]
    public async Task ReleasePage_FailedRelease_ShowsTypedReasonAndMessageInTheVerdict()
    {
        var release = await _app.AddReleaseAsync(s => s.Image = "registry.example.com/shop/web:nonexistent", progress: ReleaseProgress.ImagePullFailed);
        await _app.AddEventAsync(release.Id, "status", ReleaseStatus.Failed, "Failed: ImagePullBackOff");
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{release.Id}"));

        var verdict = page.Locator("#release-verdict");
        await Expect(verdict).ToContainTextAsync("Failed");
        await Expect(verdict).ToContainTextAsync("Image cannot be pulled");
        await Expect(verdict).ToContainTextAsync("ImagePullFailed");
        await Expect(verdict).ToContainTextAsync("ImagePullBackOff: Back-off pulling image");
        await Expect(page.Locator("#release-status [data-status]")).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(page.Locator("[data-image-before]")).ToHaveTextAsync(WebApp.WebImage);
        await Expect(page.Locator("[data-image-after]")).ToHaveTextAsync("registry.example.com/shop/web:nonexistent");
        await Expect(page.Locator(".timeline .step")).ToHaveCountAsync(5);
        await Expect(page.Locator("[data-patch]")).ToContainTextAsync("\"image\": \"registry.example.com/shop/web:2.0.0\"");
        await Expect(page.Locator("#progress-log li")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Failed: ImagePullBackOff")]);
        await Expect(page.Locator("#live-state")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("release-failed-en"), FullPage = true });
    }

    [Fact]
    public async Task ReleasePage_ReleaseFinishesWhileOpen_TurnsSucceededWithoutReload()
    {
        var release = await _app.AddReleaseAsync(progress: ReleaseProgress.RollingOut);
        await _app.AddEventAsync(release.Id, "status", ReleaseStatus.RollingOut, "Rolling out web");
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url($"/releases/{release.Id}"));
        await Expect(page.Locator("#release-status [data-status]")).ToHaveAttributeAsync("data-status", "RollingOut");
        await Expect(page.Locator("#progress-log li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#live-state")).ToHaveTextAsync("Live");
        await page.EvaluateAsync("() => window.__sameDocument = true");

        await _app.AddEventAsync(release.Id, "progress", ReleaseStatus.RollingOut, "2/3 updated, 2 ready");
        await Expect(page.Locator("#progress-log li")).ToHaveCountAsync(2);
        await _app.UpdateReleaseAsync(release.Id, r =>
        {
            r.RunningDigest = "registry.example.com/shop/web@sha256:" + new string('c', 64);
            r.Succeed(DateTimeOffset.UtcNow, "3/3 pods of the new revision are ready");
        });
        await _app.AddEventAsync(release.Id, "status", ReleaseStatus.Succeeded, "Succeeded: 3/3 pods of the new revision are ready");

        await Expect(page.Locator("#release-status [data-status]")).ToHaveAttributeAsync("data-status", "Succeeded");
        await Expect(page.Locator("#release-verdict")).ToContainTextAsync("3/3 pods of the new revision are ready");
        await Expect(page.Locator("[data-running-digest]")).ToContainTextAsync("sha256:cccc");
        await Expect(page.Locator("#progress-log li")).ToHaveCountAsync(3);
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue();
        await Expect(page.Locator("#live-state")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("release-succeeded-en"), FullPage = true });
    }

    [Fact]
    public async Task ReleasePage_RollBack_StartsTheRollbackReleaseAndLinksBothWays()
    {
        var failed = await _app.AddReleaseAsync(s => s.Image = "registry.example.com/shop/web:nonexistent", progress: ReleaseProgress.ImagePullFailed);
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url($"/releases/{failed.Id}"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/releases/(?!{failed.Id}$)\\d+$"));
        var rollbackId = long.Parse(new Uri(page.Url).Segments[^1]);
        var rollback = await _app.WithDbAsync(db => Task.FromResult(db.Releases.Single(r => r.Id == rollbackId)));
        rollback.RollbackOfId.ShouldBe(failed.Id);
        rollback.ImageAfter.ShouldBe(WebApp.WebImage);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"This release rolls back release #{failed.Id}" })).ToBeVisibleAsync();
        await Expect(page.Locator("#release-status [data-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = 60_000 });

        await page.GotoAsync(_app.Url($"/releases/{failed.Id}"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"Rolled back by release #{rollbackId}" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Roll back" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ReleasePage_RunningRelease_OffersCancelNotRollback()
    {
        var running = await _app.AddReleaseAsync(progress: ReleaseProgress.RollingOut);
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url($"/releases/{running.Id}"));

        await Expect(page.Locator("#release-verdict")).ToContainTextAsync("Rolling out");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Roll back" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "⊘ Cancel" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Container runtime →" })).ToHaveAttributeAsync("href", $"/releases/{running.Id}/runtime");
    }
}
