using Hoist.Contracts;
using Hoist.Server.Auth;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Web;

/// <summary>What the runtime page shows; <see cref="Error"/> is set (and the rest may be null) when the cluster could not be read.</summary>
public sealed record RuntimeView(
    ReleaseView Release,
    RuntimeDto? Runtime,
    string? Error,
    RuntimePodDto? SelectedPod,
    string? SelectedContainer,
    LogTailDto? Log,
    DateTimeOffset ReadAt);

/// <summary>
/// Reads the container runtime of a release's workload through the same gateway the engine and the API use
/// (one client per cloud account, <see cref="IClusterGatewayFactory"/>). Reading is on demand: the page polls it.
/// </summary>
public sealed class RuntimePageQueries(ReleasePageQueries releases, IClusterConnectionSource connections, IClusterGatewayFactory gateways, TimeProvider time)
{
    public const int LogLines = 100;

    /// <summary>
    /// How long one page render may wait for the cluster. The gateway retries transient failures for longer than a
    /// person (or the page's 2 s refresh) should wait; past this the page says so and the refresh tries again.
    /// </summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(6);

    public async Task<RuntimeView?> GetAsync(Actor actor, long releaseId, string? pod, string? container, CancellationToken ct)
    {
        var view = await releases.GetAsync(actor, releaseId, ct);
        if (view is null) return null;
        var release = view.Release;
        var now = time.GetUtcNow();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(ReadTimeout);
        var outer = ct;
        ct = bounded.Token;

        try
        {
            var account = await connections.GetAsync(release.CloudAccountId, ct);
            if (account is null)
                return new RuntimeView(view, null, $"cloud account '{release.CloudAccountName}' no longer exists", null, null, null, now);
            var gateway = gateways.Get(release.CloudAccountId, account.Value.Connection);
            var runtime = await gateway.GetRuntimeAsync(release.Workload, release.Container, ct);
            if (runtime is null || !runtime.Exists)
                return new RuntimeView(view, runtime, null, null, null, null, now);

            var selected = Pick(runtime, pod);
            string? chosenContainer = null;
            LogTailDto? log = null;
            if (selected is not null)
            {
                chosenContainer = selected.Containers.Any(c => c.Name == container) ? container
                    : selected.Containers.Any(c => c.Name == release.Container) ? release.Container
                    : selected.Containers.FirstOrDefault(c => !c.IsInit)?.Name ?? selected.Containers.FirstOrDefault()?.Name;
                if (chosenContainer is not null)
                    log = await gateway.GetLogTailAsync(release.Namespace, selected.Name, chosenContainer, LogLines, ct);
            }
            return new RuntimeView(view, runtime, null, selected, chosenContainer, log, now);
        }
        catch (Exception e) when (e is ClusterUnreachableException or ClusterRequestException)
        {
            // Both say what failed (status and reason), never the cluster's response body.
            return new RuntimeView(view, null, Fmt.Clip(e.Message, 500), null, null, null, now);
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            return new RuntimeView(view, null, $"no answer within {ReadTimeout.TotalSeconds:0} s", null, null, null, now);
        }
    }

    /// <summary>The asked-for pod, else the first new pod that is not ready (where the trouble shows), else the first new pod.</summary>
    static RuntimePodDto? Pick(RuntimeDto runtime, string? pod) =>
        runtime.Pods.FirstOrDefault(p => p.Name == pod)
        ?? runtime.Pods.FirstOrDefault(p => p.IsNew && !p.Ready)
        ?? runtime.Pods.FirstOrDefault(p => p.IsNew)
        ?? runtime.Pods.FirstOrDefault();
}
