using System.Diagnostics;

namespace Hoist.Sandbox.Bench;

/// <summary>
/// (c) The real kubectl on the same sandbox (HTTP on loopback, no start delay): wall time of
/// <c>kubectl set image</c> and of the <c>kubectl rollout status</c> that follows, per release, so Hoist's own
/// deploy can be compared with what a pipeline step using kubectl costs. kubectl keeps one discovery cache,
/// as on a CI runner that runs several commands.
/// </summary>
internal static class KubectlRollout
{
    const string KubectlPath = "/usr/bin/kubectl";

    public static async Task RunAsync(BenchOptions options, ResultTable table)
    {
        if (!File.Exists(KubectlPath))
        {
            Console.Error.WriteLine("(c) skipped: kubectl is not installed");
            return;
        }
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { KubeVersion = options.KubeVersion });
        var dir = Directory.CreateTempSubdirectory("hoist-bench-kubectl-").FullName;
        try
        {
            var kubectl = new KubectlRunner(dir, cluster);
            cluster.Writer.Create(Store.ResourceKinds.Deployments, "default", Deployments.Manifest("web", options.Replicas));
            // Warms kubectl's discovery cache and waits for the first rollout.
            await kubectl.OkAsync("rollout", "status", "deployment/web", "--timeout=60s");

            var get = new List<double>();
            var set = new List<double>();
            var status = new List<double>();
            var total = new List<double>();
            for (var i = 0; i < options.KubectlRuns; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await kubectl.OkAsync("get", "deployment", "web");
                get.Add(Deployments.Ms(start));

                start = Stopwatch.GetTimestamp();
                await kubectl.OkAsync("set", "image", "deployment/web", $"app=nginx:1.{26 + i}");
                var afterSet = Stopwatch.GetTimestamp();
                var output = await kubectl.OkAsync("rollout", "status", "deployment/web", "--timeout=60s");
                set.Add(Stopwatch.GetElapsedTime(start, afterSet).TotalMilliseconds);
                status.Add(Deployments.Ms(afterSet));
                total.Add(Deployments.Ms(start));
                if (!output.Contains("successfully rolled out", StringComparison.Ordinal))
                    throw new InvalidOperationException($"rollout status did not report success: {output}");
            }
            Console.Error.WriteLine($"(c) {total.Count} releases through kubectl {options.KubeVersion}");
            table.Add("(c)", $"kubectl {options.KubeVersion} get deployment (one process, for scale)", get, "ms");
            table.Add("(c)", $"kubectl set image ({options.Replicas} replicas)", set, "ms");
            table.Add("(c)", "kubectl rollout status (until successfully rolled out)", status, "ms");
            table.Add("(c)", "kubectl set image + rollout status", total, "ms");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    sealed class KubectlRunner
    {
        readonly string _dir;
        readonly string _kubeconfig;

        public KubectlRunner(string dir, SandboxCluster cluster)
        {
            _dir = dir;
            _kubeconfig = Path.Combine(dir, "kubeconfig");
            cluster.WriteKubeconfig(_kubeconfig);
        }

        public async Task<string> OkAsync(params string[] args)
        {
            var info = new ProcessStartInfo(KubectlPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "--kubeconfig", _kubeconfig, "--cache-dir", Path.Combine(_dir, "cache") }.Concat(args)) info.ArgumentList.Add(a);
            info.Environment.Remove("KUBECONFIG");
            info.Environment["HOME"] = _dir;
            using var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"kubectl {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}");
            return await stdout;
        }
    }
}
