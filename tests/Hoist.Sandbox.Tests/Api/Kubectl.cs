using System.Diagnostics;
using System.Text;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>Drives a sandbox on a fake clock between kubectl commands.</summary>
public static class SandboxClock
{
    /// <summary>Lets the controllers settle, moves the fake clock, and lets them settle again.</summary>
    public static async Task AdvanceAsync(SandboxCluster cluster, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan by)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Xunit.TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        await cluster.Controllers.WaitForIdleAsync(cts.Token);
        await cluster.Controllers.HoldWhileAsync(() => time.Advance(by), cts.Token);
        await cluster.Controllers.WaitForIdleAsync(cts.Token);
    }
}

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the real kubectl (<c>/usr/bin/kubectl</c>, the dispatcher that picks kubectl.1.27 … 1.33 from the
/// server's /version) against a sandbox, with its own kubeconfig and a fresh discovery cache.
/// </summary>
public sealed class Kubectl : IDisposable
{
    public const string Path = "/usr/bin/kubectl";
    readonly string _dir;

    public Kubectl(SandboxCluster cluster)
    {
        _dir = Directory.CreateTempSubdirectory("hoist-kubectl-").FullName;
        Kubeconfig = System.IO.Path.Combine(_dir, "kubeconfig");
        cluster.WriteKubeconfig(Kubeconfig);
        CacheDir = System.IO.Path.Combine(_dir, "cache");
    }

    public static bool Installed => File.Exists(Path);

    public string Kubeconfig { get; }
    public string CacheDir { get; }

    /// <summary>Writes <paramref name="content"/> to a file in this kubectl's folder and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = System.IO.Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<KubectlResult> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromSeconds(60), args);

    public async Task<KubectlResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {timeout}: {await stdout}{await stderr}");
        }
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts a long-running command (<c>get -w</c>) and returns once its stdout contains every one of
    /// <paramref name="expected"/> in order, then stops it. <paramref name="afterStart"/> runs once the first
    /// line has been printed.
    /// </summary>
    public async Task<string> WatchUntilAsync(string[] args, Func<Task> afterStart, TimeSpan timeout, params string[] expected)
    {
        using var process = Start(args);
        var output = new StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        var started = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                output.AppendLine(line);
                if (!started)
                {
                    started = true;
                    await afterStart();
                }
                if (InOrder(output.ToString(), expected)) return output.ToString();
            }
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} ended early:\n{output}{await stderr}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"kubectl {string.Join(' ', args)} never printed all of [{string.Join(", ", expected)}]:\n{output}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    static bool InOrder(string text, string[] expected)
    {
        var at = 0;
        foreach (var e in expected)
        {
            var i = text.IndexOf(e, at, StringComparison.Ordinal);
            if (i < 0) return false;
            at = i + e.Length;
        }
        return true;
    }

    Process Start(string[] args)
    {
        var info = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(Kubeconfig);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(CacheDir);
        foreach (var a in args) info.ArgumentList.Add(a);
        // Nothing from the developer's environment may redirect kubectl elsewhere.
        info.Environment.Remove("KUBECONFIG");
        info.Environment["HOME"] = _dir;
        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
