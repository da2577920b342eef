using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>Chinese and English: chosen from Accept-Language, overridden by the switch, which sticks.</summary>
public sealed class LocalizationTests(BrowserFixture browser) : IAsyncLifetime
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
    public async Task Pages_ChineseBrowser_RenderInChinese()
    {
        var release = await _app.AddReleaseAsync(progress: ReleaseProgress.ImagePullFailed);
        var page = await SignedInAsync("zh-CN");

        await page.GotoAsync(_app.Url("/releases"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator("h1")).ToHaveTextAsync("发布单");

        await page.GotoAsync(_app.Url($"/releases/{release.Id}"));
        await Expect(page.Locator("#release-verdict")).ToContainTextAsync("发布失败");
        await Expect(page.Locator("#release-verdict")).ToContainTextAsync("镜像拉取失败");
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("release-failed-zh"), FullPage = true });

        await page.GotoAsync(_app.Url($"/releases/{release.Id}/runtime"));
        await Expect(page.Locator("h1")).ToContainTextAsync("容器运行详情");
        await Expect(page.Locator("[data-revision=new] h3")).ToContainTextAsync("新版本");
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("runtime-imagepullbackoff-zh"), FullPage = true });
    }

    [Fact]
    public async Task LanguageSwitch_ChoosingEnglishInAChineseBrowser_Sticks()
    {
        var page = await SignedInAsync("zh-CN");
        await page.GotoAsync(_app.Url("/releases?status=Failed"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("发布单");

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Releases");
        new Uri(page.Url).PathAndQuery.ShouldBe("/releases?status=Failed");
        await page.GotoAsync(_app.Url("/"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task LanguageSwitch_ForeignReturnUrl_RedirectsHome(string returnUrl)
    {
        using var http = _app.Client(cookies: false, redirects: false);

        var response = await http.GetAsync($"/ui/language/zh-CN?returnUrl={Uri.EscapeDataString(returnUrl)}", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe("/");
    }
}
