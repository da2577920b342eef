using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Tests.Fakes;

/// <summary>
/// A hand-written cluster for engine tests. It fails the way a cluster does: an unknown workload reads as null,
/// a patch with a stale resourceVersion is a conflict, a watch first reports the current state and then every
/// change the test makes. Tests drive a rollout by changing status and pods; they never see the engine's internals.
/// </summary>
public sealed class FakeClusterGateway : IRolloutGateway, IRolloutGatewayFactory
{
    readonly Lock _gate = new();
    readonly Dictionary<WorkloadRef, Entry> _workloads = [];
    readonly HashSet<string> _namespaces = ["default"];
    readonly List<(WorkloadRef Workload, Channel<RolloutSnapshot> Channel)> _watches = [];
    readonly List<TaskCompletionSource<WorkloadRef>> _watchWaiters = [];
    long _resourceVersion = 100;

    sealed class Entry
    {
        public required WorkloadState State;
        public string? NewRevision;
        public List<PodState> Pods = [];
        public List<ClusterEvent> Events = [];
    }

    /// <summary>Every patch the engine sent that the cluster applied, in order.</summary>
    public List<(WorkloadRef Workload, string Body)> Patches { get; } = [];

    /// <summary>Patch requests that were answered with a conflict.</summary>
    public int ConflictsAnswered { get; private set; }

    /// <summary>The next N patches answer 409 (as if someone else wrote first).</summary>
    public int ConflictsToInject { get; set; }

    /// <summary>The next patch is applied but its answer is lost (a dropped connection): the caller sees a conflict.</summary>
    public bool LoseNextPatchAnswer { get; set; }

    public List<string> DeletedPods { get; } = [];
    public Dictionary<string, IReadOnlyList<string>> Logs { get; } = [];
    public int WatchesOpened { get; private set; }

    public IRolloutGateway GetRollouts(long cloudAccountId, ClusterConnection connection) => this;

    public void AddNamespace(string ns) { lock (_gate) _namespaces.Add(ns); }

    public void Add(WorkloadState state, string? newRevision = null, IEnumerable<PodState>? pods = null)
    {
        lock (_gate)
        {
            _namespaces.Add(state.Ref.Namespace);
            _workloads[state.Ref] = new Entry { State = state with { ResourceVersion = Next() }, NewRevision = newRevision, Pods = pods?.ToList() ?? [] };
        }
    }

    public WorkloadState State(WorkloadRef w) { lock (_gate) return _workloads[w].State; }

    /// <summary>Changes the workload (status, annotations…) and tells every open watch.</summary>
    public void Update(WorkloadRef w, Func<WorkloadState, WorkloadState> change, string? newRevision = null, IEnumerable<PodState>? pods = null, IEnumerable<ClusterEvent>? events = null)
    {
        lock (_gate)
        {
            var e = _workloads[w];
            e.State = change(e.State) with { ResourceVersion = Next() };
            if (newRevision is not null) e.NewRevision = newRevision;
            if (pods is not null) e.Pods = pods.ToList();
            if (events is not null) e.Events = events.ToList();
            Broadcast(w, e);
        }
    }

    public void SetPods(WorkloadRef w, params PodState[] pods) => Update(w, s => s, pods: pods);

    public void Delete(WorkloadRef w)
    {
        lock (_gate)
        {
            _workloads.Remove(w);
            foreach (var (ref_, ch) in _watches.Where(x => x.Workload == w)) ch.Writer.TryWrite(new RolloutSnapshot(null, null, [], []));
        }
    }

    /// <summary>Completes when the engine has opened a rollout watch on <paramref name="w"/> (now or later).</summary>
    public Task WatchOpened(WorkloadRef w)
    {
        lock (_gate)
        {
            if (_watches.Any(x => x.Workload == w)) return Task.CompletedTask;
            var tcs = new TaskCompletionSource<WorkloadRef>(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchWaiters.Add(tcs);
            return WaitFor(tcs, w);
        }
    }

    async Task WaitFor(TaskCompletionSource<WorkloadRef> tcs, WorkloadRef w)
    {
        while (await tcs.Task != w)
        {
            lock (_gate)
            {
                if (_watches.Any(x => x.Workload == w)) return;
                tcs = new TaskCompletionSource<WorkloadRef>(TaskCreationOptions.RunContinuationsAsynchronously);
                _watchWaiters.Add(tcs);
            }
        }
    }

    public Task<bool> NamespaceExistsAsync(string ns, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_namespaces.Contains(ns));
    }

    public Task<WorkloadState?> ReadWorkloadAsync(WorkloadRef workload, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_workloads.TryGetValue(workload, out var e) ? e.State : null);
    }

    public Task<PatchResult> PatchAsync(WorkloadRef workload, string patch, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_workloads.TryGetValue(workload, out var e)) return Task.FromResult(new PatchResult(PatchOutcome.NotFound, null));
            var body = JsonNode.Parse(patch)!.AsObject();
            var precondition = body["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (ConflictsToInject > 0 || (precondition is not null && precondition != e.State.ResourceVersion))
            {
                if (ConflictsToInject > 0) ConflictsToInject--;
                ConflictsAnswered++;
                // Someone else's write: the resourceVersion moves on.
                e.State = e.State with { ResourceVersion = Next() };
                return Task.FromResult(new PatchResult(PatchOutcome.Conflict, null));
            }
            e.State = Apply(e.State, body) with { ResourceVersion = Next() };
            Patches.Add((workload, patch));
            Broadcast(workload, e);
            if (LoseNextPatchAnswer)
            {
                // What the real gateway sees when the answer to an applied patch is lost: its retry carries the
                // old resourceVersion and meets a conflict.
                LoseNextPatchAnswer = false;
                ConflictsAnswered++;
                return Task.FromResult(new PatchResult(PatchOutcome.Conflict, null));
            }
            return Task.FromResult(new PatchResult(PatchOutcome.Applied, e.State));
        }
    }

    static WorkloadState Apply(WorkloadState s, JsonObject body)
    {
        var annotations = new Dictionary<string, string>(s.Annotations);
        if (body["metadata"]?["annotations"] is JsonObject a)
            foreach (var (k, v) in a) annotations[k] = v!.GetValue<string>();
        var spec = body["spec"]!.AsObject();
        var podSpec = s.Ref.Kind switch
        {
            WorkloadKind.Pod => spec,
            WorkloadKind.CronJob => spec["jobTemplate"]!["spec"]!["template"]!["spec"]!.AsObject(),
            _ => spec["template"]!["spec"]!.AsObject(),
        };
        var template = new Dictionary<string, string>(s.TemplateAnnotations);
        if (s.Ref.Kind is not WorkloadKind.Pod && (s.Ref.Kind == WorkloadKind.CronJob ? spec["jobTemplate"]!["spec"]!["template"] : spec["template"])?["metadata"]?["annotations"] is JsonObject ta)
            foreach (var (k, v) in ta) template[k] = v!.GetValue<string>();
        var containers = s.Containers.ToList();
        foreach (var (list, init) in new[] { ("containers", false), ("initContainers", true) })
        {
            if (podSpec[list] is not JsonArray items) continue;
            foreach (var item in items)
            {
                var name = item!["name"]!.GetValue<string>();
                var i = containers.FindIndex(c => c.Name == name && c.IsInit == init);
                if (i >= 0) containers[i] = containers[i] with { Image = item["image"]!.GetValue<string>() };
            }
        }
        return s with { Annotations = annotations, TemplateAnnotations = template, Containers = containers, Generation = s.Generation + 1 };
    }

    public async IAsyncEnumerable<RolloutSnapshot> WatchRolloutAsync(WorkloadRef workload, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<RolloutSnapshot>();
        lock (_gate)
        {
            WatchesOpened++;
            channel.Writer.TryWrite(_workloads.TryGetValue(workload, out var e) ? Snapshot(e) : new RolloutSnapshot(null, null, [], []));
            _watches.Add((workload, channel));
            foreach (var waiter in _watchWaiters) waiter.TrySetResult(workload);
            _watchWaiters.Clear();
        }
        try
        {
            await foreach (var s in channel.Reader.ReadAllAsync(ct)) yield return s;
        }
        finally
        {
            lock (_gate) _watches.RemoveAll(x => x.Channel == channel);
        }
    }

    public Task<IReadOnlyList<string>> ReadLogLinesAsync(string ns, string pod, string container, bool previous, int lines, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(Logs.TryGetValue($"{pod}/{container}", out var l) ? (IReadOnlyList<string>)l.TakeLast(lines).ToList() : []);
    }

    public Task DeletePodAsync(string ns, string pod, CancellationToken ct)
    {
        lock (_gate) DeletedPods.Add(pod);
        return Task.CompletedTask;
    }

    void Broadcast(WorkloadRef w, Entry e)
    {
        var s = Snapshot(e);
        foreach (var (_, ch) in _watches.Where(x => x.Workload == w)) ch.Writer.TryWrite(s);
    }

    static RolloutSnapshot Snapshot(Entry e) => new(e.State, e.NewRevision, e.Pods.ToList(), e.Events.ToList());

    string Next() => (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Every cloud account exists and points nowhere in particular; accounts listed in <see cref="Missing"/> do not exist.
/// While <see cref="Fault"/> is set every lookup throws it, as the real source does when the database does not answer.
/// </summary>
public sealed class FakeConnectionSource : IClusterConnectionSource
{
    int _lookups;

    public HashSet<long> Missing { get; } = [];

    public Exception? Fault { get; set; }

    /// <summary>Lookups so far: a runner makes one each time it starts on a release.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    public Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct)
    {
        Interlocked.Increment(ref _lookups);
        if (Fault is { } fault) return Task.FromException<(string, ClusterConnection)?>(fault);
        return Task.FromResult<(string, ClusterConnection)?>(Missing.Contains(cloudAccountId)
            ? null
            : ($"cluster-{cloudAccountId}", new ClusterConnection { Server = "https://fake.invalid", Token = "not-a-real-token" }));
    }
}
