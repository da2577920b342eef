using System.Globalization;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

internal enum Work { Deployment, ReplicaSet, StatefulSet, DaemonSet, Pod, OwnerDeleted, OrphanCheck, NamespaceDeleted }

/// <summary>One unit of reconcile work; for <see cref="Work.OwnerDeleted"/> the name is the deleted owner's uid.</summary>
internal readonly record struct WorkItem(Work Type, string Ns, string Name);

/// <summary>What every controller shares: the store to write to, the cache to read from, the clock and the queue.</summary>
internal sealed class ControllerContext(ObjectStore store, ObjectCache cache, SandboxOptions options, EventRecorder events, Action<WorkItem, TimeSpan> enqueueAfter)
{
    public ObjectStore Store { get; } = store;
    public ObjectCache Cache { get; } = cache;
    public SandboxOptions Options { get; } = options;
    public EventRecorder Events { get; } = events;
    public DateTimeOffset Now => Options.Time.GetUtcNow();

    /// <summary>The simulated Kubernetes minor version; a few messages changed between 1.27 and 1.33.</summary>
    public int KubeMinor { get; } = ParseMinor(options.KubeVersion);

    public void EnqueueAfter(WorkItem item, TimeSpan delay) => enqueueAfter(item, delay);

    static int ParseMinor(string version)
    {
        var parts = version.TrimStart('v').Split('.');
        return parts.Length > 1 && int.TryParse(parts[1].TrimEnd('+'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var minor) ? minor : 33;
    }
}
