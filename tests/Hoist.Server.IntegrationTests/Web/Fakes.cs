using System.Collections.Concurrent;
using Hoist.Contracts;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>A cluster as the runtime page sees it: one runtime per workload name, log lines per pod, and a switch to become unreachable.</summary>
public sealed class FakeClusterGateway : IClusterGateway
{
    public ConcurrentDictionary<string, byte> ExtraNamespaces { get; } = new();
    public ConcurrentDictionary<string, RuntimeDto> Runtimes { get; } = new();
    public ConcurrentDictionary<string, IReadOnlyList<string>> Logs { get; } = new();
    public volatile string? UnreachableBecause;

    void ThrowIfUnreachable()
    {
        if (UnreachableBecause is { } why) throw new ClusterUnreachableException(why);
    }

    public Task<ConnectionCheck> CheckAsync(CancellationToken ct) =>
        Task.FromResult(UnreachableBecause is null
            ? new ConnectionCheck(true, "v1.33.0", null, [])
            : new ConnectionCheck(false, null, UnreachableBecause, []));

    public Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken ct)
    {
        ThrowIfUnreachable();
        return Task.FromResult<IReadOnlyList<string>>(Runtimes.Values.Select(r => r.Workload.Namespace).Concat(ExtraNamespaces.Keys).Distinct().Order().ToList());
    }

    public Task<IReadOnlyList<string>> ListWorkloadsAsync(string ns, WorkloadKind kind, CancellationToken ct)
    {
        ThrowIfUnreachable();
        return Task.FromResult<IReadOnlyList<string>>(Runtimes.Values
            .Where(r => r.Workload.Namespace == ns && r.Workload.Kind == kind.ToString()).Select(r => r.Workload.Name).Order().ToList());
    }

    public Task<IReadOnlyList<ContainerInfo>?> GetContainersAsync(WorkloadRef workload, CancellationToken ct)
    {
        ThrowIfUnreachable();
        if (!Runtimes.TryGetValue(workload.Name, out var rt)) return Task.FromResult<IReadOnlyList<ContainerInfo>?>(null);
        var pod = rt.Pods.FirstOrDefault();
        IReadOnlyList<ContainerInfo> containers = pod?.Containers.Select(c => new ContainerInfo(c.Name, c.Image, c.IsInit)).ToList() ?? [];
        return Task.FromResult<IReadOnlyList<ContainerInfo>?>(containers);
    }

    public Task<RuntimeDto?> GetRuntimeAsync(WorkloadRef workload, string? container, CancellationToken ct)
    {
        ThrowIfUnreachable();
        return Task.FromResult(Runtimes.TryGetValue(workload.Name, out var rt) ? rt with { ReadAt = DateTimeOffset.UtcNow } : null);
    }

    public Task<LogTailDto?> GetLogTailAsync(string ns, string pod, string container, int lines, CancellationToken ct)
    {
        ThrowIfUnreachable();
        return Task.FromResult(Logs.TryGetValue(pod, out var l) ? new LogTailDto(pod, container, l.TakeLast(lines).ToList(), false) : null);
    }
}

public sealed class FakeClusterGatewayFactory(FakeClusterGateway gateway) : IClusterGatewayFactory
{
    public IClusterGateway Get(long cloudAccountId, ClusterConnection connection) => gateway;
    public void Evict(long cloudAccountId) { }
}

