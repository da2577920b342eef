using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Hoist.Contracts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>
/// DESIGN.md §1 in Chromium against the real server, the real release engine and the sandbox cluster: register
/// the cluster, run the template wizard through its cascading lists, trigger, watch the release succeed live, see
/// the pods, fail a deploy sent by "CI" with the token the page handed out, read the cause, roll back.
/// </summary>
public sealed partial class JourneyTests(BrowserFixture browser) : IAsyncLifetime
{
    WebApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await WebApp.StartAsync(withCloudAccount: false);

    public async ValueTask DisposeAsync()
    {
        await browser.ScreenshotIfFailedAsync();
        await _app.DisposeAsync();
    }

    static readonly LocatorAssertionsToHaveAttributeOptions Rollout = new() { Timeout = 60_000 };

    [GeneratedRegex("credentialId: '([0-9a-f]{32})'")]
    private static partial Regex CredentialIdIn();

    [GeneratedRegex("--pipeline-name '([^']+)'")]
    private static partial Regex PipelineIn();

    [Fact]
    public async Task Journey_ClusterWizardTriggerRuntimeFailureRollback_AllOnThePages()
    {
        var page = await browser.NewPageAsync();
        await _app.LoginAsync(page);

        // 1. The admin registers the cluster by pasting a kubeconfig and choosing its context.
        await page.GotoAsync(_app.Url("/cloud-accounts"));
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("sandbox");
        await page.Locator("#acc-kubeconfig").FillAsync(_app.Sandbox.KubeconfigYaml());
        await page.GetByRole(AriaRole.Button, new() { Name = "Read contexts" }).ClickAsync();
        await page.Locator("select#acc-context").SelectOptionAsync("sandbox");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and test" }).ClickAsync();
        await Expect(page.Locator("tr[data-account='sandbox']")).ToContainTextAsync("Connected");

        // 2. The template wizard, every list read from the cluster.
        await page.GotoAsync(_app.Url("/projects/shop/build-plans/new?template=deploy-k8s"));
        await WebApp.ReadyAsync(page);
        await page.GetByLabel("Build plan name").FillAsync("deploy-web");
        await page.Locator("#w-account").SelectOptionAsync(new SelectOptionValue { Label = "sandbox (Connected)" });
        await Expect(page.Locator("#w-ns option", new() { HasText = "shop" })).ToHaveCountAsync(1);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-ns").SelectOptionAsync("shop");
        await Expect(page.Locator("#w-workload option")).ToHaveTextAsync(["— choose —", "api", "web"]);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-kind").SelectOptionAsync("StatefulSet");
        await Expect(page.Locator("#w-workload option")).ToHaveTextAsync(["— choose —", "db"]);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-kind").SelectOptionAsync("Deployment");
        await Expect(page.Locator("#w-workload option")).ToHaveTextAsync(["— choose —", "api", "web"]);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-workload").SelectOptionAsync("web");
        await Expect(page.Locator("#w-container option")).ToHaveCountAsync(3);
        await WebApp.ReadyAsync(page);
        await page.Locator("#w-container").SelectOptionAsync("app");
        await Expect(page.Locator("#w-repo")).ToHaveValueAsync("registry.example.com/shop/web");
        await page.GetByLabel("Image to deploy now").FillAsync("registry.example.com/shop/web:2.0.0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create and trigger" }).ClickAsync();

        // 3. The release page turns Succeeded by itself.
        await Expect(page).ToHaveURLAsync(new Regex("/releases/\\d+$"));
        var first = long.Parse(new Uri(page.Url).Segments[^1]);
        await page.EvaluateAsync("() => window.__sameDocument = true");
        var token = await page.Locator("[data-ci-setup] [data-secret]").TextContentAsync();
        var credentialId = CredentialIdIn().Match(await page.Locator("[data-snippet=jenkinsfile]").TextContentAsync() ?? "").Groups[1].Value;
        var pipeline = PipelineIn().Match(await page.Locator("[data-snippet=github]").TextContentAsync() ?? "").Groups[1].Value;
        await Expect(page.Locator("#release-status [data-status]")).ToHaveAttributeAsync("data-status", "Succeeded", Rollout);
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).ShouldBeTrue();
        await Expect(page.Locator("[data-running-digest]")).ToContainTextAsync("sha256:");
        await Expect(page.Locator("#progress-log li").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("journey-1-release-succeeded"), FullPage = true });

        // 4. The runtime page: the 3 pods of the new revision.
        await page.GetByRole(AriaRole.Link, new() { Name = "Container runtime →" }).ClickAsync();
        await Expect(page.Locator("[data-revision=new] .pod[data-tone=ok]")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-replicas=ready]")).ToHaveTextAsync("3");
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("journey-2-runtime-3-pods"), FullPage = true });

        // 5. CI deploys an image that does not exist, with the token and credential the page handed out.
        token.ShouldStartWith("hoist_pat_");
        using var ci = _app.Client(cookies: false);
        ci.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var sent = await ci.PostAsJsonAsync(ApiRoutes.Deploys, new DeployRequest
        {
            DeployType = "PATCH_IMAGE", Application = "acme", PipelineName = pipeline, CredentialId = credentialId,
            Image = "registry.example.com/shop/web:nonexistent", CloudAccountName = "sandbox", Namespace = "shop",
            ManifestType = "Deployment", ManifestName = "web", ContainerName = "app",
            Build = new BuildProvenance { ProjectName = "shop", JobName = "deploy-web", BuildNumber = "7", GitCommit = "0badc0de" },
        }, TestContext.Current.CancellationToken);
        sent.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var failing = (await sent.Content.ReadFromJsonAsync<DeployAccepted>(TestContext.Current.CancellationToken))!.ReleaseId;

        await page.GotoAsync(_app.Url($"/releases/{failing}"));
        await Expect(page.Locator("#release-status [data-status]")).ToHaveAttributeAsync("data-status", "Failed", Rollout);
        var verdict = page.Locator("#release-verdict");
        await Expect(verdict).ToContainTextAsync("Image cannot be pulled");
        await Expect(verdict).ToContainTextAsync("ImagePullFailed");
        await Expect(verdict).ToContainTextAsync("nonexistent");
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("journey-3-release-failed"), FullPage = true });

        await page.GotoAsync(_app.Url($"/releases/{failing}/runtime"));
        await Expect(page.Locator("[data-revision=new] .pod[data-tone=bad]").First).ToBeVisibleAsync();
        await Expect(page.Locator("#pod-detail tr[data-container='app'] [data-container-reason]")).ToHaveTextAsync(new Regex("^(ImagePullBackOff|ErrImagePull)$"));
        await Expect(page.Locator("[data-revision=old] .pod[data-tone=ok]")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("journey-4-runtime-imagepull"), FullPage = true });

        var chinese = await browser.NewPageAsync("zh-CN");
        await _app.LoginAsync(chinese);
        await chinese.GotoAsync(_app.Url($"/releases/{failing}"));
        await Expect(chinese.Locator("#release-verdict")).ToContainTextAsync("镜像拉取失败");
        await chinese.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("journey-5-release-failed-zh"), FullPage = true });

        // 6. Roll back from the release page and follow the rollback release to Succeeded.
        await page.GotoAsync(_app.Url($"/releases/{failing}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/releases/(?!{failing}$)\\d+$"));
        await Expect(page.Locator("#release-status [data-status]")).ToHaveAttributeAsync("data-status", "Succeeded", Rollout);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = $"This release rolls back release #{failing}" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-image-after]")).ToHaveTextAsync("registry.example.com/shop/web:2.0.0");
        await page.ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath("journey-6-rollback-succeeded"), FullPage = true });
        first.ShouldBeLessThan(failing);
    }
}
