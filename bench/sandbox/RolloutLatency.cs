using System.Diagnostics;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Bench;

/// <summary>
/// (a) One Deployment of N replicas, no pod start delay, in-process: from the create call (through admission,
/// as a POST goes) until its status meets kubectl's "successfully rolled out" rule. A fresh sandbox per run.
/// </summary>
internal static class RolloutLatency
{
    public static async Task RunAsync(BenchOptions options, ResultTable table)
    {
        var samples = new List<double>();
        for (var i = 0; i < options.Warmup + options.Runs; i++)
        {
            await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { KubeVersion = options.KubeVersion });
            using var watch = cluster.Store.Watch(ResourceKinds.Deployments, "default", cluster.Store.ResourceVersion);
            var start = Stopwatch.GetTimestamp();
            cluster.Writer.Create(ResourceKinds.Deployments, "default", Deployments.Manifest("web", options.Replicas));
            await Deployments.WaitRolledOutAsync(watch, ["web"], TimeSpan.FromSeconds(30));
            var ms = Deployments.Ms(start);
            if (i >= options.Warmup) samples.Add(ms);
        }
        Console.Error.WriteLine($"(a) {samples.Count} rollouts measured");
        table.Add("(a)", $"{options.Replicas}-replica Deployment: create → rolled out (in-process, no start delay)", samples, "ms");
    }
}
