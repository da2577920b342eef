namespace Hoist.Server.Kubernetes;

/// <summary>How to reach one cluster, decrypted from a cloud account. Never log or return it.</summary>
public sealed record ClusterConnection
{
    /// <summary>A whole kubeconfig (inline data only; see CloudAccounts for what is refused) and the context to use.</summary>
    public string? Kubeconfig { get; init; }
    public string? Context { get; init; }

    /// <summary>Or: API server URL + bearer token + CA certificate (PEM or base64 PEM).</summary>
    public string? Server { get; init; }
    public string? Token { get; init; }
    public string? CaData { get; init; }
    public bool InsecureSkipTlsVerify { get; init; }

    public override string ToString() => $"ClusterConnection({Server ?? Context ?? "kubeconfig"})"; // no secrets
}

/// <summary>The workload kinds a release can target. Job is deliberately absent: its pod template is immutable.</summary>
public enum WorkloadKind { Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, CronJob }

public sealed record WorkloadRef(string Namespace, WorkloadKind Kind, string Name)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}/{Name} in {Namespace}";
}

public sealed record ContainerInfo(string Name, string Image, bool IsInit);

public sealed record PermissionCheck(string Verb, string Resource, bool Allowed);

/// <summary>Result of checking a cloud account: reachability, version, and what the identity may do.</summary>
public sealed record ConnectionCheck(bool Reachable, string? ServerVersion, string? Error, IReadOnlyList<PermissionCheck> Permissions)
{
    public bool AllAllowed => Reachable && Permissions.All(p => p.Allowed);
}

/// <summary>
/// Everything Hoist asks of a cluster, in its own words. Only this folder imports the <c>k8s</c> namespace;
/// the engine, the API and the pages see this interface (keel's Implementer, Aspire's IKubernetesService).
/// Implementations never leak HttpOperationException: a missing object is null/Missing, a failure to reach
/// the cluster is <see cref="ClusterUnreachableException"/>.
/// </summary>
public interface IClusterGateway
{
    Task<ConnectionCheck> CheckAsync(CancellationToken ct);
    Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken ct);
    Task<IReadOnlyList<string>> ListWorkloadsAsync(string ns, WorkloadKind kind, CancellationToken ct);

    /// <summary>The containers and init containers of a workload's pod template, or null when the workload does not exist.</summary>
    Task<IReadOnlyList<ContainerInfo>?> GetContainersAsync(WorkloadRef workload, CancellationToken ct);

    /// <summary>Pods (grouped by revision), containers, events of a workload, for the runtime page; null when it does not exist.</summary>
    Task<Hoist.Contracts.RuntimeDto?> GetRuntimeAsync(WorkloadRef workload, string? container, CancellationToken ct);

    /// <summary>The last <paramref name="lines"/> lines of a pod container's log, length-limited; null when the pod does not exist.</summary>
    Task<Hoist.Contracts.LogTailDto?> GetLogTailAsync(string ns, string pod, string container, int lines, CancellationToken ct);

    // The release engine's part of this interface (patching, watching the rollout) is added in
    // Kubernetes/ by the engine work (issue #3).
}

/// <summary>One gateway (one client) per cloud account, reused; evicted when the account changes.</summary>
public interface IClusterGatewayFactory
{
    IClusterGateway Get(long cloudAccountId, ClusterConnection connection);
    void Evict(long cloudAccountId);
}

public sealed class ClusterUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Where the engine gets a cloud account's connection (decrypted). Implemented by CloudAccounts/ (the server
/// work); the engine and the gateway factory only call it.
/// </summary>
public interface IClusterConnectionSource
{
    /// <summary>The connection and the account's name, or null when the account does not exist (any more).</summary>
    Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct);
}
