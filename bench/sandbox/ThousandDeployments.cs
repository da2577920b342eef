using System.Diagnostics;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Bench;

/// <summary>
/// (b) Memory: N Deployments of R replicas created in one sandbox and all rolled out, then a full, compacting
/// GC; reports the managed heap and the process working set, next to an empty sandbox's.
/// </summary>
internal static class ThousandDeployments
{
    public static async Task RunAsync(BenchOptions options, ResultTable table)
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { KubeVersion = options.KubeVersion });
        var (baseHeap, baseWorkingSet) = Measure(GCCollectionMode.Forced);

        double allocated;
        var names = Enumerable.Range(0, options.Deployments).Select(i => $"app-{i:D4}").ToList();
        using (var watch = cluster.Store.Watch(ResourceKinds.Deployments, "default", cluster.Store.ResourceVersion))
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var start = Stopwatch.GetTimestamp();
            foreach (var name in names) cluster.Writer.Create(ResourceKinds.Deployments, "default", Deployments.Manifest(name, options.Replicas));
            var created = Deployments.Ms(start);
            await Deployments.WaitRolledOutAsync(watch, names, TimeSpan.FromMinutes(10));
            var total = Deployments.Ms(start);
            allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0;
            Console.Error.WriteLine($"(b) {names.Count} Deployments created in {created:F0} ms, all rolled out after {total:F0} ms");
            table.Add("(b)", $"{names.Count} × {options.Replicas}-replica Deployments: create all → all rolled out", [total], "ms", $"{allocated:F0} MB allocated meanwhile");
        }
        // The controllers finish their last status writes and events after the last rollout is observed.
        await cluster.Controllers.WaitForIdleAsync();

        var (heap, workingSet) = Measure(GCCollectionMode.Forced);
        // A normal full GC keeps free regions committed for reuse; an aggressive one returns them, leaving what
        // the sandbox really holds (live objects, code, runtime).
        var (_, trimmed) = Measure(GCCollectionMode.Aggressive);
        var pods = cluster.Store.Count(ResourceKinds.Pods);
        var replicaSets = cluster.Store.Count(ResourceKinds.ReplicaSets);
        var events = cluster.Store.Count(ResourceKinds.Events);
        var objects = $"{pods} pods, {replicaSets} ReplicaSets, {events} events stored";
        table.AddValue("(b)", "managed heap after full GC (goal < 300 MB)", heap, "MB", $"{objects}; empty sandbox {baseHeap:F1} MB");
        table.AddValue("(b)", "working set after full GC (goal < 300 MB)", workingSet, "MB", $"{GcMode()}; empty sandbox {baseWorkingSet:F0} MB");
        table.AddValue("(b)", "working set after an aggressive GC", trimmed, "MB", "free memory returned to the OS at once");
        using (var self = Process.GetCurrentProcess()) table.AddValue("(b)", "peak working set", self.PeakWorkingSet64 / 1048576.0, "MB");
        GC.KeepAlive(cluster);
    }

    static (double HeapMb, double WorkingSetMb) Measure(GCCollectionMode mode)
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, mode, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return (heap / 1048576.0, self.WorkingSet64 / 1048576.0);
    }

    static string GcMode() => System.Runtime.GCSettings.IsServerGC ? $"server GC, {Environment.ProcessorCount} cores" : "workstation GC";
}
