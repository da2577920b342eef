using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// The sandbox's kube-controller-manager, scheduler and kubelets in one: watches the store and reconciles
/// Deployments → ReplicaSets → Pods, StatefulSets, DaemonSets, CronJobs, garbage collection, and simulates pod
/// start-up by image rules. The HTTP layer (Api/) only stores objects; everything that "happens" is here.
/// </summary>
public sealed class ControllerManager(ObjectStore store, SandboxOptions options) : IAsyncDisposable
{
    public ObjectStore Store { get; } = store;
    public SandboxOptions Options { get; } = options;

    /// <summary>Seeds nodes and the default namespaces, then starts reconciling in the background.</summary>
    public void Start()
    {
    }

    /// <summary>
    /// What <c>GET pods/{name}/log</c> returns: a few deterministic lines per container. Throws ApiException
    /// (404 for an unknown pod, 400 when <paramref name="container"/> is needed or unknown, as the apiserver does).
    /// </summary>
    public string ReadLog(string ns, string pod, string? container, bool previous, int? tailLines) =>
        throw ApiException.NotFound(ResourceKinds.Pods, pod);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
