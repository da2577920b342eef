using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>Sign-in, tokens, cloud accounts, credentials and the audit log, in Chromium against the real services.</summary>
public sealed class AccountPagesTests(BrowserFixture browser) : IAsyncLifetime
{
    WebApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await WebApp.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await browser.ScreenshotIfFailedAsync();
        await _app.DisposeAsync();
    }

    async Task<IPage> SignedInAsync(string user = "owner", string locale = "en-US")
    {
        var page = await browser.NewPageAsync(locale);
        await _app.LoginAsync(page, user);
        return page;
    }

    [Fact]
    public async Task Login_WrongPassword_SaysSoAndStaysOnLogin()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_app.Url("/releases"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Freleases$"));

        await page.Locator("input[name=username]").FillAsync("owner");
        await page.Locator("input[name=password]").FillAsync("not-the-password");
        await page.Locator("form button[type=submit]").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong username or password.");
        await page.Locator("input[name=password]").FillAsync(WebApp.Password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(_app.Url("/releases"));
        await Expect(page.Locator("[data-user]")).ToHaveTextAsync("owner");
    }

    [Fact]
    public async Task Overview_Owner_SeesClustersProjectsAndRecentReleases()
    {
        await _app.AddReleaseAsync(progress: ReleaseProgress.Succeeded);
        await _app.AddReleaseAsync(s => s.Image = "registry.example.com/shop/web:nonexistent", progress: ReleaseProgress.ImagePullFailed);
        var page = await SignedInAsync();

        await page.GotoAsync(_app.Url("/"));

        await Expect(page.Locator("tr[data-cluster='sandbox']")).ToContainTextAsync("Connected");
        await Expect(page.Locator("li[data-project='shop']")).ToContainTextAsync("Deploy to Kubernetes template");
        await Expect(page.Locator("tr[data-release-id]")).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("overview-en"), FullPage = true });
    }

    [Fact]
    public async Task SignOut_FromTheHeader_EndsTheSession()
    {
        var page = await SignedInAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GotoAsync(_app.Url("/tokens"));
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Ftokens"));
    }

    [Fact]
    public async Task Tokens_Create_ShowsTheSecretOnceThenListsItAndRevokes()
    {
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url("/tokens"));

        await page.GetByLabel("Name").FillAsync("ci-shop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        var secret = page.Locator("[data-new-token] [data-secret]");
        await Expect(secret).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^hoist_pat_[a-z0-9]+$"));
        var value = await secret.TextContentAsync();
        await Expect(page.Locator("tr[data-token='ci-shop']")).ToContainTextAsync("project:deployment");
        (await page.ContentAsync()).Split(value!).Length.ShouldBe(2);

        await page.GotoAsync(_app.Url("/tokens"));
        (await page.ContentAsync()).ShouldNotContain(value!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke ci-shop" }).ClickAsync();
        await Expect(page.Locator("tr[data-token='ci-shop']")).ToContainTextAsync("Revoked");
    }

    [Fact]
    public async Task CloudAccounts_AddByKubeconfigAndContext_SavesCheckedAccount()
    {
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url("/cloud-accounts"));
        await Expect(page.Locator("tr[data-account='sandbox']")).ToContainTextAsync("Connected");

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("staging");
        await page.Locator("#acc-kubeconfig").FillAsync(Samples.Kubeconfig(server: _app.Sandbox.Url.ToString().TrimEnd('/')));
        await page.GetByRole(AriaRole.Button, new() { Name = "Read contexts" }).ClickAsync();
        await page.Locator("select#acc-context").SelectOptionAsync("other");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and test" }).ClickAsync();

        await Expect(page.Locator("[data-saved-account='staging']")).ToContainTextAsync("Connected", new() { Timeout = 30_000 });
        await Expect(page.Locator("tr[data-account='staging']")).ToContainTextAsync("other");
        (await page.ContentAsync()).ShouldNotContain(Samples.KubeconfigToken);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete staging" }).ClickAsync();
        await Expect(page.Locator("tr[data-account='staging']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CloudAccounts_AddByServerAndToken_NeverShowsTheTokenAgain()
    {
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url("/cloud-accounts"));

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("edge");
        await page.GetByLabel("API server URL + token + CA").CheckAsync();
        var server = _app.Sandbox.Url.ToString().TrimEnd('/');
        await page.GetByLabel("API server", new() { Exact = true }).FillAsync(server);
        await page.GetByLabel("Token", new() { Exact = true }).FillAsync(Samples.KubeconfigToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and test" }).ClickAsync();

        await Expect(page.Locator("tr[data-account='edge']")).ToContainTextAsync(server);
        await Expect(page.Locator("tr[data-account='edge']")).ToContainTextAsync("Connected");
        (await page.ContentAsync()).ShouldNotContain(Samples.KubeconfigToken);
    }

    [Fact]
    public async Task CloudAccounts_MemberWithoutDeploySettings_SeesAccountsButIsToldWhoCanGrant()
    {
        var page = await SignedInAsync("member");

        await page.GotoAsync(_app.Url("/cloud-accounts"));

        await Expect(page.Locator("tr[data-account='sandbox']")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete sandbox" })).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-refusal='deploy-settings'] [data-grantors]")).ToHaveTextAsync("owner");
    }

    [Fact]
    public async Task Credentials_OwnerCreatesAndRevokes_MemberIsRefusedWithTheHint()
    {
        var page = await SignedInAsync();
        await page.GotoAsync(_app.Url("/projects/shop/credentials"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        var row = page.Locator("tr[data-credential]").First;
        await Expect(row).ToContainTextAsync("build-web");
        await Expect(row).ToContainTextAsync("shop-build-web-1");
        var id = await row.GetAttributeAsync("data-credential");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {id}" }).ClickAsync();
        await Expect(page.Locator($"tr[data-credential='{id}']")).ToContainTextAsync("Revoked");

        var member = await SignedInAsync("member");
        var response = await member.GotoAsync(_app.Url("/projects/shop/credentials"));
        response!.Status.ShouldBe(403);
        await Expect(member.Locator("[data-refusal='deploy-settings']")).ToContainTextAsync("deployment-settings permission");
        await Expect(member.Locator("[data-grantors]")).ToHaveTextAsync("owner");
        await Expect(member.Locator("tr[data-credential]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Audit_Admin_SeesTheLog_MemberIsRefused()
    {
        var admin = await browser.NewPageAsync();
        await _app.LoginAsync(admin, "admin", HoistApplication.AdminPassword);
        await admin.GotoAsync(_app.Url("/audit"));
        await Expect(admin.Locator("tr[data-audit='cloudaccount.create']").First).ToBeVisibleAsync();
        await Expect(admin.Locator("tr[data-audit='session.login']").First).ToContainTextAsync("admin");

        var member = await SignedInAsync("member");
        await Expect(member.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        var response = await member.GotoAsync(_app.Url("/audit"));
        response!.Status.ShouldBe(403);
        await Expect(member.Locator("[data-refusal='audit']")).ToBeVisibleAsync();
    }
}
