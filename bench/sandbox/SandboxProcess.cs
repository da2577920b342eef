using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Bench;

/// <summary>
/// (d) The memory goal as a user meets it: the hoist-sandbox executable in its own process, 1,000 Deployments
/// created over HTTP as kubectl apply would, all rolled out; the process's resident memory is read from
/// /proc (VmRSS now, VmHWM the peak since start) without forcing a GC, since nothing outside can.
/// </summary>
internal static class SandboxProcess
{
    public static async Task RunAsync(BenchOptions options, ResultTable table)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "hoist-sandbox.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[exe, "--port", "0", "--kube-version", options.KubeVersion]) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("hoist-sandbox did not start");
        try
        {
            var url = await ListeningUrlAsync(process);
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(1) };
            var (emptyRss, _) = Resident(process.Id);

            var names = Enumerable.Range(0, options.Deployments).Select(i => $"app-{i:D4}").ToList();
            var start = Stopwatch.GetTimestamp();
            // Eight writers at a time, as a few pipelines applying at once would.
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, ct) =>
            {
                using var response = await http.PostAsJsonAsync("/apis/apps/v1/namespaces/default/deployments", Deployments.Manifest(name, options.Replicas), ct);
                response.EnsureSuccessStatusCode();
            });
            while (true)
            {
                var list = await http.GetFromJsonAsync<JsonObject>("/apis/apps/v1/namespaces/default/deployments") ?? [];
                var done = (list["items"] as JsonArray ?? []).OfType<JsonObject>().Count(Deployments.IsRolledOut);
                if (done == names.Count) break;
                if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromMinutes(10)) throw new TimeoutException($"{done} of {names.Count} rolled out after 10 minutes");
                await Task.Delay(500);
            }
            var total = Deployments.Ms(start);
            // Let the controllers write their last statuses and events before reading.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (rss, peak) = Resident(process.Id);
            Console.Error.WriteLine($"(d) {names.Count} Deployments over HTTP, all rolled out after {total:F0} ms");
            table.Add("(d)", $"hoist-sandbox process: {names.Count} × {options.Replicas}-replica Deployments over HTTP → all rolled out", [total], "ms", "8 writers, list polled every 500 ms");
            table.AddValue("(d)", "resident memory (VmRSS) after the rollout (goal < 300 MB)", rss, "MB", $"no forced GC; empty sandbox {emptyRss:F0} MB");
            table.AddValue("(d)", "peak resident memory (VmHWM) (goal < 300 MB)", peak, "MB", "whole run, creation and rollout included");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    static async Task<string> ListeningUrlAsync(Process process)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            if (line.StartsWith("listening on ", StringComparison.Ordinal)) return line["listening on ".Length..].Trim();
        throw new InvalidOperationException("hoist-sandbox exited before listening: " + await process.StandardError.ReadToEndAsync(cts.Token));
    }

    /// <summary>VmRSS and VmHWM of a process, in MB.</summary>
    static (double Rss, double Peak) Resident(int pid)
    {
        double Field(string[] lines, string name) =>
            lines.Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
                .Select(l => double.Parse(l[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).First();
        var status = File.ReadAllLines($"/proc/{pid}/status");
        return (Field(status, "VmRSS"), Field(status, "VmHWM"));
    }
}
