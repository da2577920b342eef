using Hoist.Contracts;
using Hoist.Server.Releases;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>The "Deploy to Kubernetes" template: cascading lists read from the cluster, what it creates, who may use it.</summary>
public sealed class WizardPageTests(BrowserFixture browser) : IAsyncLifetime
{
    WebApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await WebApp.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await browser.ScreenshotIfFailedAsync();
        await _app.DisposeAsync();
    }

    const string Wizard = "/projects/shop/build-plans/new?template=deploy-k8s";

    async Task<IPage> FillUpToContainerAsync(string user = "owner")
    {
        var page = await browser.NewPageAsync();
        await _app.LoginAsync(page, user);
        await page.GotoAsync(_app.Url(Wizard));
        await WebApp.ReadyAsync(page);
        await page.GetByLabel("Build plan name").FillAsync("deploy-web");
        await Expect(page.Locator("#w-ns")).ToBeDisabledAsync();
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-account").SelectOptionAsync(new SelectOptionValue { Label = "sandbox (Connected)" });
        await Expect(page.Locator("#w-ns option", new() { HasText = "shop" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#w-ns option", new() { HasText = "kube-system" })).ToHaveCountAsync(1);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-ns").SelectOptionAsync("shop");
        await Expect(page.Locator("#w-workload option")).ToHaveTextAsync(["— choose —", "api", "web"]);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-workload").SelectOptionAsync("web");
        await Expect(page.Locator("#w-container option")).ToHaveCountAsync(3);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-container").SelectOptionAsync("app");
        await Expect(page.Locator("#w-container")).ToHaveValueAsync("app");
        await Expect(page.Locator("#w-repo")).ToHaveValueAsync("registry.example.com/shop/web");
        await Expect(page.GetByLabel("Build plan name")).ToHaveValueAsync("deploy-web");
        return page;
    }

    [Fact]
    public async Task Wizard_CascadingListsThenCreate_ShowsStepsAndTokenOnce()
    {
        var page = await FillUpToContainerAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();

        await Expect(page.Locator("[data-created]")).ToContainTextAsync("shop-deploy-web-");
        var jenkins = page.Locator("[data-snippet=jenkinsfile]");
        await Expect(jenkins).ToContainTextAsync("cdDeploy(deployType: 'PATCH_IMAGE', application: '${CCI_CURRENT_TEAM}', pipelineName: '${PROJECT_NAME}-${CCI_JOB_NAME}-");
        await Expect(jenkins).ToContainTextAsync("cloudAccountName: 'sandbox', namespace: 'shop', manifestType: 'Deployment', manifestName: 'web', containerName: 'app'");
        await Expect(page.Locator("[data-snippet=github]")).ToContainTextAsync("hoist deploy");
        await Expect(page.Locator("[data-snippet=gitlab]")).ToContainTextAsync("--manifest-name 'web'");
        await Expect(page.Locator("[data-ci-setup] [data-secret]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^hoist_pat_"));

        var credential = await _app.WithDbAsync(db => Task.FromResult(db.DeployCredentials.Single(c => c.WorkloadName == "web")));
        credential.Container.ShouldBe("app");
        credential.Namespace.ShouldBe("shop");
        await Expect(jenkins).ToContainTextAsync($"credentialId: '{credential.PublicId}'");
        (await _app.WithDbAsync(db => Task.FromResult(db.BuildPlans.Any(p => p.Name == "deploy-web")))).ShouldBeTrue();
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("wizard-created-en"), FullPage = true });
    }

    [Fact]
    public async Task Wizard_CreateAndTrigger_LandsOnTheNewReleaseWithTheSetup()
    {
        var page = await FillUpToContainerAsync();
        await page.GetByLabel("Image to deploy now").FillAsync("registry.example.com/shop/web:2.1.0");
        await Expect(page.Locator("#w-repo")).ToHaveValueAsync("registry.example.com/shop/web");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create and trigger" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/releases/\\d+$"));
        var id = long.Parse(new Uri(page.Url).Segments[^1]);
        var release = await _app.WithDbAsync(db => Task.FromResult(db.Releases.Single(r => r.Id == id)));
        release.ImageAfter.ShouldBe("registry.example.com/shop/web:2.1.0");
        release.WorkloadName.ShouldBe("web");
        await Expect(page.Locator("[data-image-after]")).ToHaveTextAsync("registry.example.com/shop/web:2.1.0");
        await Expect(page.Locator("[data-ci-setup] [data-secret]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^hoist_pat_"));

        await page.ReloadAsync();
        await Expect(page.Locator("[data-ci-setup]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Wizard_MemberWithoutDeploySettings_IsRefusedWithWhoCanGrant()
    {
        var page = await browser.NewPageAsync();
        await _app.LoginAsync(page, "member");

        var response = await page.GotoAsync(_app.Url(Wizard));

        response!.Status.ShouldBe(403);
        await Expect(page.Locator("[data-refusal='deploy-settings']")).ToContainTextAsync("deployment-settings permission (部署设置权限)");
        await Expect(page.Locator("[data-grantors]")).ToHaveTextAsync("owner");
        await Expect(page.Locator("form[data-cascade]")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("wizard-refused-en"), FullPage = true });
    }

    [Fact]
    public async Task Wizard_ChineseMemberWithoutDeploySettings_IsRefusedInChinese()
    {
        var page = await browser.NewPageAsync("zh-CN");
        await _app.LoginAsync(page, "member");

        await page.GotoAsync(_app.Url(Wizard));

        await Expect(page.Locator("[data-refusal='deploy-settings']")).ToContainTextAsync("需要部署设置权限");
        await Expect(page.Locator("[data-refusal='deploy-settings']")).ToContainTextAsync("向管理员申请");
    }
}
