using System.Collections.Concurrent;
using Hoist.Contracts;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.IntegrationTests.Fakes;

/// <summary>
/// An in-memory cluster behind <see cref="IClusterGatewayFactory"/>, failing the way the real gateway does
/// (missing workload → null, unreachable → <see cref="ClusterUnreachableException"/>). Stands in until the engine's
/// gateway and the sandbox are in main. Counts every call, so a test can prove the cluster was not touched.
/// </summary>
public sealed class FakeCluster : IClusterGatewayFactory
{
    readonly ConcurrentDictionary<(string Ns, WorkloadKind Kind, string Name), IReadOnlyList<ContainerInfo>> _workloads = new();
    int _calls;

    public ConcurrentDictionary<string, byte> Namespaces { get; } = new(new Dictionary<string, byte> { ["default"] = 0 });
    public ConcurrentQueue<(long CloudAccountId, ClusterConnection Connection)> Connections { get; } = new();
    public ConcurrentQueue<long> Evicted { get; } = new();
    public bool Reachable { get; set; } = true;
    public IReadOnlyList<PermissionCheck> Permissions { get; set; } = [new("patch", "deployments", true), new("watch", "pods", true)];
    /// <summary>When set, every gateway call throws this (an unexpected failure).</summary>
    public Func<Exception>? Failure { get; set; }
    public int Calls => Volatile.Read(ref _calls);

    public FakeCluster AddWorkload(string ns, WorkloadKind kind, string name, params string[] containers)
    {
        Namespaces.TryAdd(ns, 0);
        _workloads[(ns, kind, name)] = containers.Select(c => new ContainerInfo(c, $"registry.example.com/{name}:v1", false)).ToList();
        return this;
    }

    public void RemoveWorkload(string ns, WorkloadKind kind, string name) => _workloads.TryRemove((ns, kind, name), out _);

    public IClusterGateway Get(long cloudAccountId, ClusterConnection connection)
    {
        Connections.Enqueue((cloudAccountId, connection));
        return new Gateway(this);
    }

    public void Evict(long cloudAccountId) => Evicted.Enqueue(cloudAccountId);

    sealed class Gateway(FakeCluster cluster) : IClusterGateway
    {
        void Enter()
        {
            Interlocked.Increment(ref cluster._calls);
            if (cluster.Failure is { } failure) throw failure();
            if (!cluster.Reachable) throw new ClusterUnreachableException("connection refused (127.0.0.1:6443)");
        }

        public Task<ConnectionCheck> CheckAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref cluster._calls);
            if (cluster.Failure is { } failure) throw failure();
            return Task.FromResult(cluster.Reachable
                ? new ConnectionCheck(true, "v1.33.0", null, cluster.Permissions)
                : new ConnectionCheck(false, null, "connection refused (127.0.0.1:6443)", []));
        }

        public Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken ct)
        {
            Enter();
            return Task.FromResult<IReadOnlyList<string>>(cluster.Namespaces.Keys.Order().ToList());
        }

        public Task<IReadOnlyList<string>> ListWorkloadsAsync(string ns, WorkloadKind kind, CancellationToken ct)
        {
            Enter();
            return Task.FromResult<IReadOnlyList<string>>(cluster._workloads.Keys.Where(k => k.Ns == ns && k.Kind == kind).Select(k => k.Name).Order().ToList());
        }

        public Task<IReadOnlyList<ContainerInfo>?> GetContainersAsync(WorkloadRef workload, CancellationToken ct)
        {
            Enter();
            return Task.FromResult(cluster._workloads.GetValueOrDefault((workload.Namespace, workload.Kind, workload.Name)));
        }

        public Task<RuntimeDto?> GetRuntimeAsync(WorkloadRef workload, string? container, CancellationToken ct)
        {
            Enter();
            if (!cluster._workloads.TryGetValue((workload.Namespace, workload.Kind, workload.Name), out var containers))
                return Task.FromResult<RuntimeDto?>(null);
            var pod = new RuntimePodDto
            {
                Name = $"{workload.Name}-7d9f8-abcde",
                Phase = "Running",
                Ready = true,
                Revision = "7d9f8",
                IsNew = true,
                Containers = containers.Select(c => new RuntimeContainerDto { Name = c.Name, Image = c.Image, State = "running", Ready = true }).ToList(),
            };
            return Task.FromResult<RuntimeDto?>(new RuntimeDto
            {
                ReleaseId = 0,
                Workload = new WorkloadRefDto("", workload.Namespace, workload.Kind.ToString(), workload.Name, container ?? ""),
                Desired = 1, Updated = 1, Ready = 1, Available = 1, NewRevision = "7d9f8",
                Pods = [pod],
            });
        }

        public Task<LogTailDto?> GetLogTailAsync(string ns, string pod, string container, int lines, CancellationToken ct)
        {
            Enter();
            var all = Enumerable.Range(1, 500).Select(i => $"{container} line {i}").ToList();
            return Task.FromResult<LogTailDto?>(new LogTailDto(pod, container, all.TakeLast(lines).ToList(), lines < all.Count));
        }
    }
}
