using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Hoist.Server.Kubernetes;

public sealed partial class KubernetesClusterGateway
{
    public IAsyncEnumerable<RolloutSnapshot> WatchRolloutAsync(WorkloadRef workload, CancellationToken ct) =>
        new RolloutWatch(this, _client, workload).RunAsync(ct);

    RawWatch? _raw;

    internal RawWatch Raw => _raw ??= new RawWatch(_client as k8s.Kubernetes
        ?? throw new NotSupportedException("watching needs the KubernetesClient HTTP client"), _options.RequestTimeout);

    internal TimeProvider Time => _time;
    internal KubernetesOptions Options => _options;
    internal ILogger Log => _log;

    internal Task<T?> CallForWatchAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken ct) where T : class => CallAsync(what, call, ct);

    internal static bool IsTransientError(Exception e, CancellationToken ct) => IsTransient(e, ct);
    internal Exception MapError(string what, Exception e, CancellationToken ct) => Map(what, e, ct);
    internal static string DescribeError(Exception e) => Describe(e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {What} ended ({Cause}); resuming from resourceVersion {ResourceVersion}")]
    internal partial void LogWatchResume(string what, string cause, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {What} expired (410); relisting")]
    internal partial void LogWatchRelist(string what);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rollout watch of {What}: {Source} listed, {Count} objects")]
    internal partial void LogListed(string what, string source, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {What} delivered nothing for {Seconds} s; re-opening from resourceVersion {ResourceVersion}")]
    internal partial void LogWatchIdle(string what, double seconds, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Watch of {What} failed")]
    internal partial void LogWatchError(Exception e, string what);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Watch of {What} opening from {ResourceVersion}")]
    internal partial void LogWatchOpening(string what, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Watch of {What} closed after {Events} events, {Millis} ms")]
    internal partial void LogWatchClosed(string what, int events, double millis);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Rollout watch of {Workload}: snapshot {Count}")]
    internal partial void LogSnapshot(string workload, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {What} stopped: {Cause}")]
    internal partial void LogWatchStopped(string what, string cause);
}

/// <summary>
/// A small informer for one rollout: list-then-watch loops for the workload, its pods, its revisions
/// (ReplicaSets of a Deployment, ControllerRevisions of a DaemonSet) and Warning events in its namespace, all
/// feeding one queue so that the cache is changed by one reader. Each loop resumes a dropped watch from its
/// last resourceVersion and relists after 410 Gone, so no transition is ever missed; nothing is polled.
/// </summary>
sealed class RolloutWatch(KubernetesClusterGateway gateway, IKubernetes client, WorkloadRef target, bool allEvents = false, bool listOnly = false)
{
    enum Source { Workload, Pods, Revisions, Events }

    abstract record Change(Source Source);
    sealed record Reset(Source Source, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Items) : Change(Source);
    sealed record Upsert(Source Source, IKubernetesObject<V1ObjectMeta> Item) : Change(Source);
    sealed record Remove(Source Source, IKubernetesObject<V1ObjectMeta> Item) : Change(Source);
    sealed record Broken(Source Source, Exception Error) : Change(Source);

    const int MaxEvents = 500;

    IKubernetesObject<V1ObjectMeta>? _workload;
    readonly Dictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);
    readonly Dictionary<string, IKubernetesObject<V1ObjectMeta>> _revisions = new(StringComparer.Ordinal);
    readonly Dictionary<string, Corev1Event> _events = new(StringComparer.Ordinal);
    readonly HashSet<Source> _listed = [];
    readonly HashSet<Source> _started = [];
    int _yielded;

    string Ns => target.Namespace;
    RawWatch Raw => gateway.Raw;
    int WatchTimeout => gateway.Options.WatchTimeoutSeconds + Random.Shared.Next(0, gateway.Options.WatchTimeoutSeconds / 5 + 1);

    public async IAsyncEnumerable<RolloutSnapshot> RunAsync([EnumeratorCancellation] CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var changes = Channel.CreateUnbounded<Change>(new UnboundedChannelOptions { SingleReader = true });
        var loops = new List<Task> { StartWorkload(changes.Writer, stop.Token) };
        _started.Add(Source.Workload);
        try
        {
            while (await changes.Reader.WaitToReadAsync(ct))
            {
                // Apply everything queued before taking a snapshot: one verdict per burst of changes.
                while (changes.Reader.TryRead(out var change))
                {
                    if (change is Broken broken) throw broken.Error;
                    Apply(change);
                }
                if (_workload is not null && !_started.Contains(Source.Pods) && target.Kind is not (WorkloadKind.Pod or WorkloadKind.CronJob))
                    loops.AddRange(StartDependents(changes.Writer, stop.Token));
                if (_workload is null && _listed.Contains(Source.Workload))
                {
                    yield return new RolloutSnapshot(null, null, [], []);
                    continue;
                }
                if (_started.All(_listed.Contains))
                {
                    gateway.LogSnapshot(target.Name, ++_yielded);
                    yield return Snapshot();
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            try { await Task.WhenAll(loops); } catch (Exception) { /* loops end on cancellation; errors were reported */ }
        }
    }

    Task StartWorkload(ChannelWriter<Change> into, CancellationToken ct)
    {
        var byName = $"metadata.name={target.Name}";
        var what = $"{target.Kind.Resource()} {target.Name}";
        return target.Kind switch
        {
            WorkloadKind.Deployment => Loop(Source.Workload, what, true, into, ct,
                c => client.AppsV1.ListNamespacedDeploymentAsync(Ns, fieldSelector: byName, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1Deployment>($"apis/apps/v1/namespaces/{Ns}/deployments", byName, null, rv, WatchTimeout, c)),
            WorkloadKind.StatefulSet => Loop(Source.Workload, what, true, into, ct,
                c => client.AppsV1.ListNamespacedStatefulSetAsync(Ns, fieldSelector: byName, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1StatefulSet>($"apis/apps/v1/namespaces/{Ns}/statefulsets", byName, null, rv, WatchTimeout, c)),
            WorkloadKind.DaemonSet => Loop(Source.Workload, what, true, into, ct,
                c => client.AppsV1.ListNamespacedDaemonSetAsync(Ns, fieldSelector: byName, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1DaemonSet>($"apis/apps/v1/namespaces/{Ns}/daemonsets", byName, null, rv, WatchTimeout, c)),
            WorkloadKind.ReplicaSet => Loop(Source.Workload, what, true, into, ct,
                c => client.AppsV1.ListNamespacedReplicaSetAsync(Ns, fieldSelector: byName, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1ReplicaSet>($"apis/apps/v1/namespaces/{Ns}/replicasets", byName, null, rv, WatchTimeout, c)),
            WorkloadKind.Pod => Loop(Source.Workload, what, true, into, ct,
                c => client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: byName, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1Pod>($"api/v1/namespaces/{Ns}/pods", byName, null, rv, WatchTimeout, c)),
            WorkloadKind.CronJob => Loop(Source.Workload, what, true, into, ct,
                c => client.BatchV1.ListNamespacedCronJobAsync(Ns, fieldSelector: byName, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1CronJob>($"apis/batch/v1/namespaces/{Ns}/cronjobs", byName, null, rv, WatchTimeout, c)),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target.Kind, "unsupported kind"),
        };
    }

    IEnumerable<Task> StartDependents(ChannelWriter<Change> into, CancellationToken ct)
    {
        var selector = Project(_workload!)?.PodSelector;
        _started.Add(Source.Pods);
        yield return Loop(Source.Pods, $"pods of {target.Name}", true, into, ct,
            c => client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: selector, cancellationToken: c),
            (rv, c) => Raw.StreamAsync<V1Pod>($"api/v1/namespaces/{Ns}/pods", null, selector, rv, WatchTimeout, c));
        if (target.Kind == WorkloadKind.Deployment)
        {
            _started.Add(Source.Revisions);
            yield return Loop(Source.Revisions, $"replicasets of {target.Name}", true, into, ct,
                c => client.AppsV1.ListNamespacedReplicaSetAsync(Ns, labelSelector: selector, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1ReplicaSet>($"apis/apps/v1/namespaces/{Ns}/replicasets", null, selector, rv, WatchTimeout, c));
        }
        if (target.Kind == WorkloadKind.DaemonSet)
        {
            _started.Add(Source.Revisions);
            yield return Loop(Source.Revisions, $"controllerrevisions of {target.Name}", true, into, ct,
                c => client.AppsV1.ListNamespacedControllerRevisionAsync(Ns, labelSelector: selector, cancellationToken: c),
                (rv, c) => Raw.StreamAsync<V1ControllerRevision>($"apis/apps/v1/namespaces/{Ns}/controllerrevisions", null, selector, rv, WatchTimeout, c));
        }
        // Warning events only enrich the story; a cluster that refuses them does not stop the rollout watch.
        var eventFilter = allEvents ? null : "type=Warning";
        _started.Add(Source.Events);
        yield return Loop(Source.Events, $"events in {Ns} for {target.Name}", false, into, ct,
            c => client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: eventFilter, cancellationToken: c),
            (rv, c) => Raw.StreamAsync<Corev1Event>($"api/v1/namespaces/{Ns}/events", eventFilter, null, rv, WatchTimeout, c));
    }

    /// <summary>
    /// List, then watch from the list's resourceVersion; a stream that ends is re-opened from the last
    /// resourceVersion seen, a 410 relists, transient failures back off. Fatal failures (403, …) of a required
    /// source end the whole watch; of an optional one, only this loop.
    /// </summary>
    async Task Loop<T, TList>(Source source, string what, bool required, ChannelWriter<Change> into, CancellationToken ct,
        Func<CancellationToken, Task<TList>> list,
        Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> watch)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : class, IItems<T>, IMetadata<V1ListMeta>
    {
        await Task.Yield();
        string? rv = null;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (rv is null)
                {
                    var listed = await gateway.CallForWatchAsync($"list {what}", list, ct);
                    rv = listed?.Metadata?.ResourceVersion;
                    var items = listed?.Items?.Cast<IKubernetesObject<V1ObjectMeta>>().ToList() ?? [];
                    gateway.LogListed(what, source.ToString(), items.Count);
                    await into.WriteAsync(new Reset(source, items), ct);
                    if (listOnly) return;
                    if (rv is null) throw new ClusterUnreachableException($"list {what}: no resourceVersion");
                }

                var received = 0;
                var opened = gateway.Time.GetTimestamp();
                gateway.LogWatchOpening(what, rv);
                var idle = gateway.Options.WatchIdleTimeout;
                using var alive = CancellationTokenSource.CreateLinkedTokenSource(ct);
                alive.CancelAfter(idle);
                try
                {
                    await foreach (var (type, item) in watch(rv, alive.Token))
                    {
                        alive.CancelAfter(idle);
                        received++;
                        if (item?.Metadata?.ResourceVersion is { Length: > 0 } v) rv = v;
                        if (item is null) continue;
                        switch (type)
                        {
                            case WatchEventType.Added or WatchEventType.Modified:
                                await into.WriteAsync(new Upsert(source, item), ct);
                                break;
                            case WatchEventType.Deleted:
                                await into.WriteAsync(new Remove(source, item), ct);
                                break;
                        }
                        failures = 0;
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested && alive.IsCancellationRequested)
                {
                    // Nothing for WatchIdleTimeout: a dead connection. Re-open from the last resourceVersion.
                    gateway.LogWatchIdle(what, idle.TotalSeconds, rv);
                    continue;
                }
                // A stream the server closed after a while is normal (timeoutSeconds, a proxy); one that closes at
                // once, again and again, gets a back-off so that a broken server is not hammered.
                var lasted = gateway.Time.GetElapsedTime(opened);
                gateway.LogWatchClosed(what, received, lasted.TotalMilliseconds);
                if (received == 0 && lasted < TimeSpan.FromSeconds(1))
                {
                    failures++;
                    gateway.LogWatchResume(what, "closed at once", rv);
                    await Task.Delay(gateway.Backoff(Math.Min(failures, 12)), gateway.Time, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WatchExpiredException || e is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone })
            {
                gateway.LogWatchRelist(what);
                rv = null;
            }
            catch (Exception e) when (e is ClusterUnreachableException || KubernetesClusterGateway.IsTransientError(e, ct))
            {
                failures++;
                gateway.LogWatchError(e, what);
                gateway.LogWatchResume(what, e is ClusterUnreachableException ? e.Message : KubernetesClusterGateway.DescribeError(e), rv);
                await Task.Delay(gateway.Backoff(Math.Min(failures, 12)), gateway.Time, ct);
            }
            catch (Exception e)
            {
                var error = e is ClusterRequestException ? e : gateway.MapError($"watch {what}", e, ct);
                gateway.LogWatchStopped(what, error.Message);
                if (required) into.TryWrite(new Broken(source, error));
                else into.TryWrite(new Reset(source, []));
                return;
            }
        }
    }

    void Apply(Change change)
    {
        _listed.Add(change.Source);
        switch (change)
        {
            case Reset reset:
                switch (reset.Source)
                {
                    case Source.Workload: _workload = reset.Items.FirstOrDefault(i => i.Metadata.Name == target.Name); break;
                    case Source.Pods: _pods.Clear(); foreach (var p in reset.Items.OfType<V1Pod>()) _pods[p.Metadata.Name] = p; break;
                    case Source.Revisions: _revisions.Clear(); foreach (var r in reset.Items) _revisions[r.Metadata.Name] = r; break;
                    case Source.Events: _events.Clear(); foreach (var e in reset.Items.OfType<Corev1Event>()) AddEvent(e); break;
                }
                break;
            case Upsert up:
                switch (up.Source)
                {
                    case Source.Workload: if (up.Item.Metadata.Name == target.Name) _workload = up.Item; break;
                    case Source.Pods: if (up.Item is V1Pod p) _pods[p.Metadata.Name] = p; break;
                    case Source.Revisions: _revisions[up.Item.Metadata.Name] = up.Item; break;
                    case Source.Events: if (up.Item is Corev1Event e) AddEvent(e); break;
                }
                break;
            case Remove rm:
                switch (rm.Source)
                {
                    case Source.Workload: if (rm.Item.Metadata.Name == target.Name) _workload = null; break;
                    case Source.Pods: _pods.Remove(rm.Item.Metadata.Name); break;
                    case Source.Revisions: _revisions.Remove(rm.Item.Metadata.Name); break;
                    case Source.Events: _events.Remove(rm.Item.Metadata.Name); break;
                }
                break;
        }
    }

    void AddEvent(Corev1Event e)
    {
        _events[e.Metadata.Name] = e;
        if (_events.Count > MaxEvents)
        {
            foreach (var old in _events.Values.OrderBy(x => x.LastTimestamp ?? x.EventTime ?? x.FirstTimestamp ?? DateTime.MinValue).Take(_events.Count - MaxEvents).ToList())
                _events.Remove(old.Metadata.Name);
        }
    }

    WorkloadState? Project(IKubernetesObject<V1ObjectMeta> o) => o switch
    {
        V1Deployment d => K8sProjection.Deployment(d),
        V1StatefulSet s => K8sProjection.StatefulSet(s),
        V1DaemonSet ds => K8sProjection.DaemonSet(ds, KubernetesClusterGateway.NewestRevisionHash(ds, _revisions.Values.OfType<V1ControllerRevision>())),
        V1ReplicaSet rs => K8sProjection.ReplicaSet(rs),
        V1Pod p => K8sProjection.Pod(p),
        V1CronJob cj => K8sProjection.CronJob(cj),
        _ => null,
    };

    RolloutSnapshot Snapshot()
    {
        var w = Project(_workload!);
        if (w is null) return new RolloutSnapshot(null, null, [], []);
        string? newRevision = null;
        Func<V1Pod, string?> revisionOf = _ => null;
        IEnumerable<V1Pod> pods = _pods.Values;
        switch (_workload)
        {
            case V1Deployment d:
                var owned = _revisions.Values.OfType<V1ReplicaSet>().Where(rs => OwnedBy(rs.Metadata, d.Metadata.Uid)).ToList();
                newRevision = K8sProjection.Label(NewReplicaSet(d, owned)?.Metadata, K8sProjection.PodTemplateHash);
                revisionOf = p => K8sProjection.Label(p.Metadata, K8sProjection.PodTemplateHash);
                var rsUids = owned.Select(rs => rs.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
                pods = pods.Where(p => p.Metadata.OwnerReferences?.Any(o => o.Controller == true && rsUids.Contains(o.Uid)) ?? false);
                break;
            case V1StatefulSet s:
                newRevision = w.ObservedGeneration >= w.Generation ? s.Status?.UpdateRevision : null;
                revisionOf = p => K8sProjection.Label(p.Metadata, K8sProjection.ControllerRevisionHash);
                pods = pods.Where(p => OwnedBy(p.Metadata, s.Metadata.Uid));
                break;
            case V1DaemonSet ds:
                newRevision = w.ObservedGeneration >= w.Generation ? w.Revision : null;
                revisionOf = p => K8sProjection.Label(p.Metadata, K8sProjection.ControllerRevisionHash);
                pods = pods.Where(p => OwnedBy(p.Metadata, ds.Metadata.Uid));
                break;
            case V1ReplicaSet rs:
                newRevision = w.Revision;
                revisionOf = p => K8sProjection.Fingerprint(p.Spec, p.Metadata.Annotations);
                pods = pods.Where(p => OwnedBy(p.Metadata, rs.Metadata.Uid));
                break;
            case V1Pod pod:
                pods = [pod];
                break;
            case V1CronJob:
                pods = [];
                break;
        }
        var podStates = pods.Select(p => K8sProjection.PodState(p, revisionOf)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var names = podStates.Select(p => p.Name).Append(target.Name).ToHashSet(StringComparer.Ordinal);
        var events = _events.Values
            .Where(e => e.InvolvedObject?.Name is { } n && names.Contains(n))
            .Select(K8sProjection.Event)
            .OrderByDescending(e => e.LastSeen)
            .Take(50)
            .ToList();
        return new RolloutSnapshot(w, newRevision, podStates, events);
    }

    static bool OwnedBy(V1ObjectMeta meta, string? uid) =>
        uid is not null && (meta.OwnerReferences?.Any(o => o.Controller == true && o.Uid == uid) ?? false);

    /// <summary>
    /// The ReplicaSet of the Deployment's current template: once the controller observed the spec, the one whose
    /// revision annotation equals the Deployment's; before that, none (its pods cannot be told apart yet).
    /// </summary>
    internal static V1ReplicaSet? NewReplicaSet(V1Deployment d, IReadOnlyList<V1ReplicaSet> owned)
    {
        if ((d.Status?.ObservedGeneration ?? 0) < (d.Metadata.Generation ?? 0)) return null;
        var revision = K8sProjection.Annotation(d.Metadata, K8sProjection.DeploymentRevision);
        var byRevision = revision is null ? null : owned.FirstOrDefault(rs => K8sProjection.Annotation(rs.Metadata, K8sProjection.DeploymentRevision) == revision);
        if (byRevision is not null) return byRevision;
        var fingerprint = K8sProjection.Fingerprint(d.Spec.Template);
        return owned.Where(rs => K8sProjection.Fingerprint(rs.Spec.Template) == fingerprint)
            .OrderBy(rs => rs.Metadata.CreationTimestamp ?? DateTime.MinValue).FirstOrDefault();
    }
}
