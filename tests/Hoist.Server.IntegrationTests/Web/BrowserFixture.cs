using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Hoist.Server.IntegrationTests.Web.BrowserFixture))]

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>
/// One headless Debian Chromium for the whole test run (launching it is the expensive part); each test opens its
/// own context, so cookies and storage never leak between tests. No browser download: /usr/bin/chromium.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    IPlaywright? _playwright;
    IBrowser? _browser;
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<IPage>> _pages = new();

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not started");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh context at a laptop's size (1366×768) in the given language.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = locale,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = locale },
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        if (TestContext.Current.Test?.UniqueID is { } test) _pages.GetOrAdd(test, _ => []).Add(page);
        return page;
    }

    /// <summary>Called from a test class's DisposeAsync: when the test failed, keeps a screenshot of each page it opened.</summary>
    public async Task ScreenshotIfFailedAsync()
    {
        if (TestContext.Current.Test is not { } test || !_pages.TryRemove(test.UniqueID, out var pages)) return;
        if (TestContext.Current.TestState?.Result != TestResult.Failed) return;
        var name = string.Concat(test.TestDisplayName.Split('.')[^1].Where(c => char.IsLetterOrDigit(c) || c == '_'));
        for (var i = 0; i < pages.Count; i++)
        {
            try { await pages[i].ScreenshotAsync(new() { Path = Artifacts.ScreenshotPath($"FAILED-{name}-{i}"), FullPage = true }); }
            catch (PlaywrightException) { /* the page is gone */ }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>Where screenshots go: $TEST_OUTPUT/screenshots, else test-output/screenshots at the repository root (test.sh keeps it).</summary>
public static class Artifacts
{
    public static string ScreenshotPath(string name)
    {
        var root = Environment.GetEnvironmentVariable("TEST_OUTPUT") is { Length: > 0 } env ? env : Path.Combine(RepoRoot(), "test-output");
        var dir = Path.Combine(root, "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hoist.slnx"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
