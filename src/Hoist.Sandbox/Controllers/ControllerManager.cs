using System.Text.Json.Nodes;
using System.Threading.Channels;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// The sandbox's kube-controller-manager, scheduler and kubelets in one: watches the store and reconciles
/// Deployments → ReplicaSets → Pods, StatefulSets, DaemonSets, CronJobs, garbage collection, and simulates pod
/// start-up by image rules. The HTTP layer (Api/) only stores objects; everything that "happens" is here.
/// </summary>
/// <remarks>
/// One worker runs every reconcile, in FIFO order from a de-duplicated, level-triggered queue (a key is queued
/// once however many events arrive; the reconcile re-reads the latest state). Before each reconcile the worker
/// drains the store watch into its cache, and the store publishes a write to the watch before the write returns,
/// so a controller always sees its own earlier writes: the informer staleness that real controllers guard with
/// "expectations" cannot happen here. Every delay is a timer on <see cref="SandboxOptions.Time"/>, so tests drive
/// them with a FakeTimeProvider.
/// </remarks>
public sealed class ControllerManager : IAsyncDisposable
{
    const int MaxErrors = 50;

    readonly ObjectCache _cache = new();
    readonly ControllerContext _ctx;
    readonly Channel<object> _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    readonly Queue<WorkItem> _queue = new();
    readonly HashSet<WorkItem> _queued = [];
    readonly Dictionary<WorkItem, ScheduledTimer> _timers = [];
    readonly Dictionary<WorkItem, int> _failures = [];
    readonly List<string> _errors = [];
    readonly CancellationTokenSource _stop = new();
    readonly SemaphoreSlim _turn = new(1, 1);
    readonly DeploymentController _deployments;
    readonly ReplicaSetController _replicaSets;
    readonly StatefulSetController _statefulSets;
    readonly DaemonSetController _daemonSets;
    readonly Scheduler _scheduler;
    readonly Kubelet _kubelet;
    readonly GarbageCollector _gc;
    WatchSubscription? _watch;
    long _lastResourceVersion;
    long _timerSequence;
    Task? _loop;

    sealed record ScheduledTimer(DateTimeOffset Due, long Id, ITimer Timer);

    sealed record TimerFired(WorkItem Item, long Id);

    public ControllerManager(ObjectStore store, SandboxOptions options)
    {
        Store = store;
        Options = options;
        var events = new EventRecorder(store, options.Time);
        _ctx = new ControllerContext(store, _cache, options, events, EnqueueAfter);
        _deployments = new DeploymentController(_ctx);
        _replicaSets = new ReplicaSetController(_ctx);
        _statefulSets = new StatefulSetController(_ctx);
        _daemonSets = new DaemonSetController(_ctx);
        _scheduler = new Scheduler(_ctx);
        _kubelet = new Kubelet(_ctx);
        _gc = new GarbageCollector(_ctx);
    }

    public ObjectStore Store { get; }
    public SandboxOptions Options { get; }

    /// <summary>Reconcile failures seen so far (most recent last, bounded); a healthy run has none.</summary>
    internal IReadOnlyList<string> Errors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    /// <summary>Seeds nodes and the default namespaces, then starts reconciling in the background.</summary>
    public void Start()
    {
        if (_loop is not null) return;
        ClusterSeed.Seed(Store, Options);
        _watch = Store.Watch(null, null, 0);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>
    /// Completes once the controllers have processed every change made before the call and have nothing queued
    /// (timers due later do not count); at once when they were never started. Tests use it before advancing a
    /// fake clock.
    /// </summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        if (_loop is null) return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        if (!_inbox.Writer.TryWrite(done)) done.TrySetCanceled(CancellationToken.None);
        return done.Task;
    }

    /// <summary>
    /// Runs <paramref name="step"/> (a test moving its fake clock) while the worker starts no reconcile, so that all
    /// the timers it fires are queued before any of them runs, as if they fired in the same instant. Without it the
    /// worker may reconcile the first timer's work, cascade and all, before the clock's thread fires the second.
    /// </summary>
    internal async Task HoldWhileAsync(Action step, CancellationToken cancellationToken = default)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            step();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// What <c>GET pods/{name}/log</c> returns: a few deterministic lines per container. Throws ApiException
    /// (404 for an unknown pod, 400 when <paramref name="container"/> is needed or unknown, as the apiserver does).
    /// </summary>
    public string ReadLog(string ns, string pod, string? container, bool previous, int? tailLines) =>
        PodLogs.Read(Store.GetRequired(ResourceKinds.Pods, ns, pod), container, previous, tailLines);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _inbox.Writer.TryComplete();
        while (_inbox.Reader.TryRead(out var item))
            if (item is TaskCompletionSource waiter) waiter.TrySetCanceled();
        foreach (var t in _timers.Values) t.Timer.Dispose();
        _timers.Clear();
        _watch?.Dispose();
        _stop.Dispose();
        _turn.Dispose();
    }

    async Task RunAsync(CancellationToken ct)
    {
        var idleWaiters = new List<TaskCompletionSource>();
        Task<bool>? watchWait = null;
        Task<bool>? inboxWait = null;
        while (!ct.IsCancellationRequested)
        {
            await _turn.WaitAsync(ct);
            try
            {
                if (DrainWatch()) watchWait = null;
                DrainInbox(idleWaiters);
                if (_queue.TryDequeue(out var item))
                {
                    _queued.Remove(item);
                    Process(item);
                    continue;
                }
                foreach (var waiter in idleWaiters) waiter.TrySetResult();
                idleWaiters.Clear();
            }
            finally
            {
                _turn.Release();
            }

            watchWait ??= _watch!.Events.WaitToReadAsync(ct).AsTask();
            inboxWait ??= _inbox.Reader.WaitToReadAsync(ct).AsTask();
            await Task.WhenAny(watchWait, inboxWait);
            if (watchWait.IsCompleted) watchWait = null;
            if (inboxWait.IsCompleted) inboxWait = null;
        }
        foreach (var waiter in idleWaiters) waiter.TrySetCanceled(ct);
    }

    /// <summary>Applies every pending watch event; returns true when the watch had to be re-established.</summary>
    bool DrainWatch()
    {
        while (_watch!.Events.TryRead(out var e)) Observe(e);
        if (!_watch.Events.Completion.IsCompleted) return false;
        // The watch was closed under us (CloseAllWatches, as a dropped connection): resume like a reflector.
        _watch.Dispose();
        try
        {
            _watch = Store.Watch(null, null, _lastResourceVersion);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            Relist();
        }
        return true;
    }

    /// <summary>The history no longer reaches back: rebuild the cache from a fresh snapshot, as a reflector relists.</summary>
    void Relist()
    {
        var before = _cache.Keys().Select(k => (Key: k, Json: _cache.GetJson(k)!)).ToList();
        _cache.Clear();
        _watch = Store.Watch(null, null, 0);
        long? snapshot = null;
        var live = new List<StoreEvent>();
        while (_watch.Events.TryRead(out var e))
        {
            snapshot ??= e.ResourceVersion;
            if (e.ResourceVersion == snapshot && e.Type == StoreEventType.Added) Observe(e);
            else live.Add(e);
        }
        foreach (var (key, json) in before)
            if (_cache.GetJson(key) is null)
                Observe(new StoreEvent(StoreEventType.Deleted, key.Kind, key.Kind.Namespaced ? key.Ns : null, key.Name, json, snapshot ?? _lastResourceVersion));
        foreach (var e in live) Observe(e);
    }

    void DrainInbox(List<TaskCompletionSource> idleWaiters)
    {
        while (_inbox.Reader.TryRead(out var message))
        {
            switch (message)
            {
                case TaskCompletionSource waiter:
                    idleWaiters.Add(waiter);
                    break;
                case TimerFired fired:
                    if (_timers.TryGetValue(fired.Item, out var t) && t.Id == fired.Id)
                    {
                        _timers.Remove(fired.Item);
                        t.Timer.Dispose();
                    }
                    Enqueue(fired.Item);
                    break;
            }
        }
    }

    void Enqueue(WorkItem item)
    {
        if (_queued.Add(item)) _queue.Enqueue(item);
    }

    // Called on the worker only (controllers run there), so the timer table needs no lock.
    void EnqueueAfter(WorkItem item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(item);
            return;
        }
        var due = Options.Time.GetUtcNow() + delay;
        if (_timers.TryGetValue(item, out var existing))
        {
            if (existing.Due <= due) return;
            existing.Timer.Dispose();
        }
        var id = ++_timerSequence;
        var fired = new TimerFired(item, id);
        var timer = Options.Time.CreateTimer(static s => ((Action)s!)(), (Action)(() => _inbox.Writer.TryWrite(fired)), delay, Timeout.InfiniteTimeSpan);
        _timers[item] = new ScheduledTimer(due, id, timer);
    }

    void Process(WorkItem item)
    {
        try
        {
            switch (item.Type)
            {
                case Work.Deployment: _deployments.Sync(item.Ns, item.Name); break;
                case Work.ReplicaSet: _replicaSets.Sync(item.Ns, item.Name); break;
                case Work.StatefulSet: _statefulSets.Sync(item.Ns, item.Name); break;
                case Work.DaemonSet: _daemonSets.Sync(item.Ns, item.Name); break;
                case Work.Pod: SyncPod(item.Ns, item.Name); break;
                case Work.OwnerDeleted: _gc.OwnerDeleted(item.Name); break;
                case Work.OrphanCheck: _gc.CheckOrphan(item.Ns, item.Name); break;
                case Work.NamespaceDeleted: _gc.NamespaceDeleted(item.Name); break;
            }
            _failures.Remove(item);
        }
        catch (SyncAbortedException)
        {
            _failures.Remove(item);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (_errors)
            {
                _errors.Add($"{item.Type} {item.Ns}/{item.Name}: {e.GetType().Name}: {e.Message}");
                if (_errors.Count > MaxErrors) _errors.RemoveAt(0);
            }
            // workqueue's default rate limiter: 5ms doubling, so a persistent failure never spins.
            var failures = _failures[item] = _failures.GetValueOrDefault(item) + 1;
            EnqueueAfter(item, TimeSpan.FromMilliseconds(Math.Min(5 * Math.Pow(2, failures - 1), 60_000)));
        }
    }

    void SyncPod(string ns, string name)
    {
        var pod = _cache.Get(ResourceKinds.Pods, ns, name);
        if (pod is null) return;
        if (pod.At("spec", "nodeName").AsString() is not { Length: > 0 }) _scheduler.Schedule(pod);
        else _kubelet.Sync(pod);
    }

    void Observe(StoreEvent e)
    {
        _lastResourceVersion = Math.Max(_lastResourceVersion, e.ResourceVersion);
        if (e.Kind == ResourceKinds.Events) return;
        var (existed, oldController) = _cache.Apply(e);
        var o = e.Object;
        var ns = o.Namespace() ?? "";
        var name = o.Name();

        if (e.Kind == ResourceKinds.Deployments) Enqueue(new WorkItem(Work.Deployment, ns, name));
        else if (e.Kind == ResourceKinds.ReplicaSets) Enqueue(new WorkItem(Work.ReplicaSet, ns, name));
        else if (e.Kind == ResourceKinds.StatefulSets) Enqueue(new WorkItem(Work.StatefulSet, ns, name));
        else if (e.Kind == ResourceKinds.DaemonSets) Enqueue(new WorkItem(Work.DaemonSet, ns, name));
        else if (e.Kind == ResourceKinds.Pods)
        {
            if (e.Type == StoreEventType.Deleted)
            {
                _kubelet.Forget(o);
                EnqueueRecreateDeployment(o);
            }
            else Enqueue(new WorkItem(Work.Pod, ns, name));
        }
        else if (e.Kind == ResourceKinds.Nodes)
        {
            foreach (var ds in _cache.List(ResourceKinds.DaemonSets)) Enqueue(new WorkItem(Work.DaemonSet, ds.Namespace() ?? "", ds.Name()));
            foreach (var pod in _cache.List(ResourceKinds.Pods))
                if (pod.At("spec", "nodeName").AsString() is not { Length: > 0 }) Enqueue(new WorkItem(Work.Pod, pod.Namespace() ?? "", pod.Name()));
        }
        else if (e.Kind == ResourceKinds.Namespaces && e.Type == StoreEventType.Deleted)
            Enqueue(new WorkItem(Work.NamespaceDeleted, "", name));

        var controller = o.ControllerRef();
        EnqueueOwner(ns, controller?["kind"].AsString(), controller?["name"].AsString());
        if (existed && oldController?.Uid != controller?["uid"].AsString()) EnqueueOwner(ns, oldController?.Kind, oldController?.Name);

        if (e.Type == StoreEventType.Deleted)
        {
            if (_cache.Dependents(o.Uid()).Count > 0) Enqueue(new WorkItem(Work.OwnerDeleted, "", o.Uid()));
        }
        else if (o.At("metadata", "ownerReferences").Objects().Any(r => r["uid"].AsString() is { } uid && !_cache.UidExists(uid)))
        {
            Enqueue(new WorkItem(Work.OrphanCheck, ns, $"{e.Kind.GroupResource}/{name}"));
        }
    }

    /// <summary>
    /// The deployment controller's deletePod handler: a Recreate rollout waits for the old pods to be gone, and a
    /// terminating pod's removal changes no ReplicaSet status (it stopped counting when it was marked), so the
    /// Deployment is woken directly.
    /// </summary>
    void EnqueueRecreateDeployment(JsonObject pod)
    {
        var ns = pod.Namespace() ?? "";
        if (pod.ControllerRef() is not { } rsRef || rsRef["kind"].AsString() != "ReplicaSet") return;
        if (_cache.Get(ResourceKinds.ReplicaSets, ns, rsRef["name"].AsString() ?? "")?.ControllerRef() is not { } dRef || dRef["kind"].AsString() != "Deployment") return;
        var deployment = _cache.Get(ResourceKinds.Deployments, ns, dRef["name"].AsString() ?? "");
        if (deployment.At("spec", "strategy", "type").AsString() == "Recreate") Enqueue(new WorkItem(Work.Deployment, ns, deployment!.Name()));
    }

    void EnqueueOwner(string ns, string? ownerKind, string? ownerName)
    {
        if (ownerName is null) return;
        var type = ownerKind switch
        {
            "Deployment" => Work.Deployment,
            "ReplicaSet" => Work.ReplicaSet,
            "StatefulSet" => Work.StatefulSet,
            "DaemonSet" => Work.DaemonSet,
            _ => (Work?)null,
        };
        if (type is { } t) Enqueue(new WorkItem(t, ns, ownerName));
    }
}
