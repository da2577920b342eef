using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Hoist.Server.IntegrationTests.Demo;

/// <summary>
/// <c>dotnet Hoist.Server.dll demo …</c> as a child process, as a user runs it: its console is collected, and
/// <see cref="ReadyAsync"/> waits (bounded) for the "Serving until Ctrl-C." line. Disposing kills it.
/// </summary>
public sealed partial class DemoProcess : IAsyncDisposable
{
    public const string ReadyLine = "Serving until Ctrl-C.";
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    readonly Process process;
    readonly StringBuilder output = new();
    readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    DemoProcess(Process process) => this.process = process;

    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>The running demo, after its ready line; throws with the whole output when it exits or stalls first.</summary>
    public static async Task<DemoProcess> StartAsync(string dataDir, params string[] extra)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "Hoist.Server.dll");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in (string[])[server, "demo", "--urls", "http://127.0.0.1:0", "--data-dir", dataDir, "--pod-start-delay", "100ms", .. extra])
            start.ArgumentList.Add(a);
        // The demo must not pick up a password from the environment of whoever runs the tests.
        start.Environment.Remove("HOIST_ADMIN_PASSWORD");
        var demo = new DemoProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        demo.process.OutputDataReceived += (_, e) => demo.Append(e.Data);
        demo.process.ErrorDataReceived += (_, e) => demo.Append(e.Data);
        demo.process.Exited += (_, _) => demo.ready.TrySetException(new InvalidOperationException("the demo exited before it was ready"));
        demo.process.Start();
        demo.process.BeginOutputReadLine();
        demo.process.BeginErrorReadLine();
        try
        {
            await demo.ready.Task.WaitAsync(StartTimeout);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await demo.DisposeAsync();
            throw new InvalidOperationException($"{e.Message}; its output:\n{demo.Output}", e);
        }
        return demo;
    }

    /// <summary>The release id of the last "release N Succeeded … /releases/N" verdict line, or null.</summary>
    public long? SucceededReleaseId()
    {
        var matches = VerdictLine().Matches(Output);
        return matches.Count == 0 ? null : long.Parse(matches[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
        if (line.Trim() == ReadyLine) ready.TrySetResult();
    }

    /// <summary>The dotnet host that runs these tests, so the child uses the same runtime.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    [GeneratedRegex(@"release (\d+) Succeeded\b.*/releases/\1\b")]
    private static partial Regex VerdictLine();
}
