using System.Diagnostics;
using Hoist.Server.Demo;

namespace Hoist.Server.IntegrationTests.Demo;

/// <summary>
/// The one-command demo as a newcomer runs it: the built server in a child process with its embedded sandbox, then
/// <c>hoist deploy</c> and <c>kubectl</c> driven only by the files it wrote.
/// </summary>
public sealed class DemoTests : IDisposable
{
    readonly string dataDir = Path.Combine(Path.GetTempPath(), "hoist-demo-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Demo_FirstRun_DeploysAndWritesAnEnvironmentTheCliAndKubectlUse()
    {
        await using var demo = await DemoProcess.StartAsync(dataDir);

        demo.SucceededReleaseId().ShouldNotBeNull(demo.Output);
        var env = DemoEnvFile.Read(Path.Combine(dataDir, DemoEnvFile.FileName));
        env.Keys.ShouldBe(DemoEnvFile.Variables, ignoreOrder: true);
        env.Values.ShouldAllBe(v => v.Length > 0);
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(Path.Combine(dataDir, DemoEnvFile.FileName)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var (exit, output) = await RunAsync(DemoProcess.DotnetHost(), env, Path.Combine(AppContext.BaseDirectory, "hoist.dll"), "deploy", "--image", "nginx:1.28");
        exit.ShouldBe(0, output);
        output.ShouldContain("Succeeded");

        var cache = Path.Combine(dataDir, "kube-cache");
        var (kubectlExit, image) = await RunAsync("kubectl", null, "--kubeconfig", env["KUBECONFIG"], "--cache-dir", cache,
            "get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.spec.template.spec.containers[0].image}");
        kubectlExit.ShouldBe(0, image);
        image.Trim().ShouldBe("nginx:1.28");
    }

    [Fact]
    public async Task Demo_SecondRun_ReusesItsDataAndDeploysAgain()
    {
        Dictionary<string, string> first;
        await using (var demo = await DemoProcess.StartAsync(dataDir, "--no-first-deploy"))
        {
            demo.SucceededReleaseId().ShouldBeNull();
            first = DemoEnvFile.Read(Path.Combine(dataDir, DemoEnvFile.FileName));
        }

        await using var again = await DemoProcess.StartAsync(dataDir);

        again.SucceededReleaseId().ShouldNotBeNull(again.Output);
        var second = DemoEnvFile.Read(Path.Combine(dataDir, DemoEnvFile.FileName));
        second["CD_CREDENTIAL_ID"].ShouldBe(first["CD_CREDENTIAL_ID"]);
        second["HOIST_ADMIN_PASSWORD"].ShouldBe(first["HOIST_ADMIN_PASSWORD"]);
        second["CD_PERSONAL_ACCESS_TOKEN"].ShouldBe(first["CD_PERSONAL_ACCESS_TOKEN"]);
        using var http = new HttpClient { BaseAddress = new Uri(second["HOIST_SERVER"]) };
        using var login = await http.PostAsJsonAsync("/api/v1/session", new { userName = second["HOIST_ADMIN_USER"], password = second["HOIST_ADMIN_PASSWORD"] }, TestContext.Current.CancellationToken);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/session");
        request.Headers.Authorization = new("Bearer", second["HOIST_READONLY_TOKEN"]);
        using var session = await http.SendAsync(request, TestContext.Current.CancellationToken);
        session.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>
    /// Runs a program with only <paramref name="env"/> on top of what any program needs to start (PATH, HOME, the
    /// dotnet location): nothing of the test's own environment reaches the CLI.
    /// </summary>
    static async Task<(int Exit, string Output)> RunAsync(string file, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        var keep = new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" };
        foreach (var name in start.Environment.Keys.ToList())
            if (!keep.Contains(name)) start.Environment.Remove(name);
        foreach (var (name, value) in env ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
