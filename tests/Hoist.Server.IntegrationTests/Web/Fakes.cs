using Xunit;
using System.Collections.Concurrent;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>
/// A release event feed the test drives: stored events replay to every reader, then readers wait for
/// <see cref="Publish"/>; <see cref="Complete"/> ends every stream, as the engine does after a terminal event.
/// </summary>
public sealed class FakeReleaseEventFeed : IReleaseEventFeed
{
    sealed class Stream
    {
        public readonly List<ReleaseEventDto> Events = [];
        public bool Done;
        public TaskCompletionSource Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    readonly ConcurrentDictionary<long, Stream> _streams = new();
    readonly ConcurrentDictionary<long, TaskCompletionSource> _followed = new();

    Stream For(long id) => _streams.GetOrAdd(id, _ => new Stream());

    public void Publish(long releaseId, string type, ReleaseStatus status, string message, RolloutProgressDto? progress = null)
    {
        var s = For(releaseId);
        TaskCompletionSource changed;
        lock (s)
        {
            s.Events.Add(new ReleaseEventDto
            {
                Sequence = s.Events.Count + 1,
                At = DateTimeOffset.UtcNow,
                Type = type,
                Status = status,
                Message = message,
                Progress = progress,
            });
            changed = s.Changed;
            s.Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    public void Complete(long releaseId)
    {
        var s = For(releaseId);
        TaskCompletionSource changed;
        lock (s)
        {
            s.Done = true;
            changed = s.Changed;
        }
        changed.TrySetResult();
    }

    /// <summary>Completes when a reader has started following the release (the page's EventSource connected).</summary>
    public Task Followed(long releaseId) => _followed.GetOrAdd(releaseId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public async IAsyncEnumerable<ReleaseEventDto> FollowAsync(long releaseId, long afterSequence,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        _followed.GetOrAdd(releaseId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        var s = For(releaseId);
        var seen = afterSequence;
        while (true)
        {
            List<ReleaseEventDto> batch;
            bool done;
            Task changed;
            lock (s)
            {
                batch = s.Events.Where(e => e.Sequence > seen).ToList();
                done = s.Done;
                changed = s.Changed.Task;
            }
            foreach (var e in batch)
            {
                seen = e.Sequence;
                yield return e;
            }
            if (done) yield break;
            await changed.WaitAsync(ct);
        }
    }
}

/// <summary>A cluster as the runtime page sees it: one runtime per workload name, log lines per pod, and a switch to become unreachable.</summary>
public sealed class FakeClusterGateway : IClusterGateway
{
    public ConcurrentDictionary<string, RuntimeDto> Runtimes { get; } = new();
    public ConcurrentDictionary<string, IReadOnlyList<string>> Logs { get; } = new();
    public ConcurrentDictionary<string, IReadOnlyList<string>> Namespaces { get; } = new();
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
        return Task.FromResult<IReadOnlyList<string>>(Runtimes.Values.Select(r => r.Workload.Namespace).Distinct().Order().ToList());
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

/// <summary>Every cloud account id exists and is called "sandbox" unless removed.</summary>
public sealed class FakeClusterConnectionSource : IClusterConnectionSource
{
    public ConcurrentDictionary<long, bool> Missing { get; } = new();

    public Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct) =>
        Task.FromResult<(string, ClusterConnection)?>(Missing.ContainsKey(cloudAccountId)
            ? null
            : ("sandbox", new ClusterConnection { Server = "http://127.0.0.1:1", Token = "fake" }));
}

/// <summary>Rollback as the engine does it, minus the cluster: a new queued release restoring ImageBefore, linked both ways.</summary>
public sealed class FakeReleaseCommands(IServiceScopeFactory scopes) : IReleaseCommands
{
    public async Task<Release> RollbackAsync(long releaseId, long? requestedByUserId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        var original = await db.Releases.FirstAsync(r => r.Id == releaseId, ct);
        var rollback = Release.Create(new ReleaseSpec
        {
            ProjectId = original.ProjectId,
            BuildPlanId = original.BuildPlanId,
            TriggeredByUserId = requestedByUserId,
            Application = original.Application,
            Pipeline = original.Pipeline,
            CloudAccountId = original.CloudAccountId,
            CloudAccountName = original.CloudAccountName,
            Workload = original.Workload,
            Container = original.Container,
            Image = original.ImageBefore ?? throw new InvalidOperationException("nothing to restore"),
            RollbackOfId = original.Id,
        }, DateTimeOffset.UtcNow);
        rollback.ImageBefore = original.ImageAfter;
        db.Releases.Add(rollback);
        await db.SaveChangesAsync(ct);
        original.RolledBackById = rollback.Id;
        await db.SaveChangesAsync(ct);
        return rollback;
    }

    public Task<Release> CancelAsync(long releaseId, string requestedBy, CancellationToken ct) =>
        throw new NotSupportedException("not used by the page tests");
}
