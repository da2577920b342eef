using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests;

public class CommandLineTests
{
    [Fact]
    public void Parse_AllOptions_MapOntoSandboxOptions()
    {
        var cl = CommandLine.Parse(["--port", "8443", "--kubeconfig", "/tmp/kc", "--manifests", "a.yaml", "--manifests=dir",
            "--pod-start-delay", "300ms", "--pod-stop-delay=2s", "--kube-version", "1.27", "--nodes", "5", "--token", "t0k"]);

        cl.Options.Port.ShouldBe(8443);
        cl.Kubeconfig.ShouldBe("/tmp/kc");
        cl.Options.Manifests.ShouldBe(["a.yaml", "dir"]);
        cl.Options.PodStartDelay.ShouldBe(TimeSpan.FromMilliseconds(300));
        cl.Options.PodStopDelay.ShouldBe(TimeSpan.FromSeconds(2));
        cl.Options.KubeVersion.ShouldBe("1.27");
        cl.Options.Nodes.ShouldBe(5);
        cl.Options.BearerToken.ShouldBe("t0k");
    }

    [Theory]
    [InlineData("300ms", 300)]
    [InlineData("2s", 2000)]
    [InlineData("1m", 60_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("250", 250)]
    public void Duration_AcceptsUnitsAndPlainMilliseconds(string text, int ms) =>
        CommandLine.Duration("--pod-start-delay", text).ShouldBe(TimeSpan.FromMilliseconds(ms));

    [Theory]
    [InlineData("--port", "http")]
    [InlineData("--port", "70000")]
    [InlineData("--pod-start-delay", "soon")]
    [InlineData("--pod-stop-delay", "later")]
    [InlineData("--kube-version", "latest")]
    [InlineData("--nodes", "-1")]
    public void Parse_BadValue_IsAUsageError(string flag, string value) =>
        Should.Throw<UsageException>(() => CommandLine.Parse([flag, value])).Message.ShouldStartWith(flag);

    [Fact]
    public void Parse_UnknownFlagOrMissingValue_IsAUsageError()
    {
        Should.Throw<UsageException>(() => CommandLine.Parse(["--frobnicate"])).Message.ShouldBe("unknown argument: --frobnicate");
        Should.Throw<UsageException>(() => CommandLine.Parse(["--port"])).Message.ShouldBe("--port needs a value");
    }

    static string Executable => Path.Combine(AppContext.BaseDirectory, "hoist-sandbox");

    static Process Run(params string[] args)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [Fact]
    public async Task Executable_BadArgument_ExitsOneWithUsage()
    {
        using var process = Run("--bogus");
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        process.ExitCode.ShouldBe(1);
        stderr.ShouldContain("hoist-sandbox: unknown argument: --bogus");
        stderr.ShouldContain("usage: hoist-sandbox");
    }

    [Fact]
    public async Task Executable_Starts_WritesKubeconfigAppliesManifestsAndStopsOnSigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("hoist-sandbox-cli-").FullName;
        try
        {
            var manifest = Path.Combine(dir, "web.yaml");
            await File.WriteAllTextAsync(manifest, Api.Manifests.Deployment(), ct);
            var kubeconfig = Path.Combine(dir, "kubeconfig");
            using var process = Run("--port", "0", "--kubeconfig", kubeconfig, "--manifests", manifest, "--token", "t0k", "--kube-version", "1.30");

            var line = await process.StandardOutput.ReadLineAsync(ct);
            line.ShouldNotBeNull();
            line.ShouldStartWith("listening on http://127.0.0.1:");
            var url = line["listening on ".Length..];
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t0k");
            var deployment = JsonNode.Parse(await http.GetStringAsync("/apis/apps/v1/namespaces/default/deployments/web", ct))!;
            var version = JsonNode.Parse(await http.GetStringAsync("/version", ct))!;
            var config = await File.ReadAllTextAsync(kubeconfig, ct);

            deployment["spec"]!["replicas"]!.GetValue<int>().ShouldBe(2);
            version["minor"]!.GetValue<string>().ShouldBe("30");
            config.ShouldContain($"server: {url}");
            config.ShouldContain("token: t0k");
            config.ShouldContain("current-context: sandbox");

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
            await process.WaitForExitAsync(ct);
            process.ExitCode.ShouldBe(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
