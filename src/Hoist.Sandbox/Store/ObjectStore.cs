using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Hoist.Sandbox.Store;

public enum StoreEventType { Added, Modified, Deleted }

/// <summary>
/// A committed change. <see cref="Object"/> is the stored state after the write (before it, for a delete) and
/// is shared between all watchers: treat it as read-only, and <c>DeepClone()</c> before changing anything.
/// </summary>
public sealed record StoreEvent(StoreEventType Type, ResourceKind Kind, JsonObject Object, long ResourceVersion)
{
    /// <summary>For MODIFIED: the state before the write, so a filtered watch can tell "stopped matching" (DELETED) from "changed".</summary>
    public JsonObject? Previous { get; init; }

    public string? Namespace => Object.Namespace();
    public string Name => Object.Name();
}

/// <summary>
/// The sandbox's etcd: every object of every kind, one global resourceVersion bumped on each write (like an
/// etcd revision), and a bounded history of changes from which watches resume; a watch from before the
/// history's start gets 410 Expired, as the apiserver's watch cache answers.
/// Objects are stored as JSON so that fields the sandbox does not model survive a round trip, as they do on a
/// real apiserver. All reads return copies; one lock serialises writes, which keeps the event order total.
/// </summary>
public sealed class ObjectStore
{
    readonly Lock _gate = new();
    readonly Dictionary<(ResourceKind Kind, string Ns, string Name), JsonObject> _objects = [];
    readonly LinkedList<StoreEvent> _history = new();
    readonly List<Watcher> _watchers = [];
    readonly TimeProvider _time;
    readonly int _historyLimit;
    long _revision;
    long _oldestRetained = 1;

    public ObjectStore(TimeProvider? time = null, int historyLimit = 1000)
    {
        _time = time ?? TimeProvider.System;
        _historyLimit = historyLimit;
    }

    public TimeProvider Time => _time;

    /// <summary>The current global resourceVersion (the one a list returns).</summary>
    public long ResourceVersion { get { lock (_gate) return _revision; } }

    public int Count(ResourceKind kind)
    {
        lock (_gate) return _objects.Keys.Count(k => k.Kind == kind);
    }

    public JsonObject? Get(ResourceKind kind, string? ns, string name)
    {
        lock (_gate)
            return _objects.TryGetValue(Key(kind, ns, name), out var o) ? (JsonObject)o.DeepClone() : null;
    }

    public JsonObject GetRequired(ResourceKind kind, string? ns, string name) =>
        Get(kind, ns, name) ?? throw ApiException.NotFound(kind, name);

    /// <summary>Lists a kind in one namespace (or all, when <paramref name="ns"/> is null), ordered by namespace and name.</summary>
    public (List<JsonObject> Items, long ResourceVersion) List(ResourceKind kind, string? ns, Func<JsonObject, bool>? filter = null)
    {
        lock (_gate)
        {
            var items = _objects
                .Where(p => p.Key.Kind == kind && (ns is null || !kind.Namespaced || p.Key.Ns == ns) && (filter is null || filter(p.Value)))
                .OrderBy(p => p.Key.Ns, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => (JsonObject)p.Value.DeepClone())
                .ToList();
            return (items, _revision);
        }
    }

    /// <summary>
    /// Stores a new object: fills in uid (unless the caller chose one), creationTimestamp, generation 1, a name
    /// from generateName, apiVersion and kind. Throws 409 AlreadyExists.
    /// </summary>
    public JsonObject Create(ResourceKind kind, JsonObject obj)
    {
        var o = (JsonObject)obj.DeepClone();
        var meta = o.Meta();
        o["apiVersion"] = kind.ApiVersion;
        o["kind"] = kind.Kind;
        if (!kind.Namespaced) meta.Remove("namespace");
        lock (_gate)
        {
            var name = meta.Str("name");
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta.Str("generateName") ?? throw ApiException.Invalid(kind, "", ("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"));
                do name = prefix + Names.RandomSuffix(); while (_objects.ContainsKey(Key(kind, o.Namespace(), name)));
                meta["name"] = name;
            }
            var key = Key(kind, o.Namespace(), name);
            if (_objects.ContainsKey(key)) throw ApiException.AlreadyExists(kind, name);
            // The API layer assigns the uid before defaulting (a Job's selector is built from it); keep that one.
            if (string.IsNullOrEmpty(meta.Str("uid"))) meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Timestamp(_time.GetUtcNow());
            meta["generation"] = 1;
            meta.Remove("deletionTimestamp");
            return Commit(StoreEventType.Added, kind, key, o);
        }
    }

    /// <summary>
    /// Replaces an object, as PUT does. When <paramref name="obj"/> carries a resourceVersion it must be the
    /// current one (else 409 Conflict); without one the update is unconditional (AllowUnconditionalUpdate).
    /// The stored status is kept (the main resource cannot change status), generation is bumped when the spec
    /// (or, for a Deployment, the annotations) changed, and uid/creationTimestamp cannot change.
    /// </summary>
    public JsonObject Update(ResourceKind kind, JsonObject obj) => Replace(kind, obj, statusOnly: false);

    /// <summary>Writes only the status of an object (the /status subresource); spec and metadata stay as stored.</summary>
    public JsonObject UpdateStatus(ResourceKind kind, JsonObject obj) => Replace(kind, obj, statusOnly: true);

    /// <summary>
    /// Reads the latest copy, applies <paramref name="mutate"/> and writes it back, all under the store's lock,
    /// so it cannot conflict. Controllers use this. Returns null when the object does not exist.
    /// </summary>
    public JsonObject? Mutate(ResourceKind kind, string? ns, string name, Action<JsonObject> mutate, bool statusOnly = false)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(kind, ns, name), out var current)) return null;
            var copy = (JsonObject)current.DeepClone();
            mutate(copy);
            copy.Meta()["resourceVersion"] = current.Meta().Str("resourceVersion");
            return Replace(kind, copy, statusOnly);
        }
    }

    /// <summary>
    /// Reads the latest copy, applies <paramref name="mutate"/> and writes back spec, metadata and status in one
    /// commit without bumping generation. This is what the apiserver lets a controller do through a subresource:
    /// the scheduler's binding sets <c>spec.nodeName</c> and the PodScheduled condition together, and the
    /// deployment controller's <c>/status</c> update also carries the revision annotation (the Deployment status
    /// strategy resets only spec and labels). Returns null when the object does not exist.
    /// </summary>
    public JsonObject? MutateObject(ResourceKind kind, string? ns, string name, Action<JsonObject> mutate)
    {
        lock (_gate)
        {
            var key = Key(kind, ns, name);
            if (!_objects.TryGetValue(key, out var current)) return null;
            var next = (JsonObject)current.DeepClone();
            mutate(next);
            var meta = next.Meta();
            var oldMeta = current.Meta();
            foreach (var fixedField in (string[])["name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion"])
            {
                if (oldMeta[fixedField] is { } value) meta[fixedField] = value.DeepClone();
                else meta.Remove(fixedField);
            }
            next["apiVersion"] = kind.ApiVersion;
            next["kind"] = kind.Kind;
            if (next["status"] is null) next.Remove("status");
            if (JsonNode.DeepEquals(current, next)) return (JsonObject)current.DeepClone();
            return Commit(StoreEventType.Modified, kind, key, next, previous: current);
        }
    }

    JsonObject Replace(ResourceKind kind, JsonObject obj, bool statusOnly)
    {
        var o = (JsonObject)obj.DeepClone();
        var name = o.Name();
        lock (_gate)
        {
            var key = Key(kind, o.Namespace(), name);
            if (!_objects.TryGetValue(key, out var old)) throw ApiException.NotFound(kind, name);
            var rv = o.Meta().Str("resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != old.Meta().Str("resourceVersion")) throw ApiException.Conflict(kind, name);

            JsonObject next;
            if (statusOnly)
            {
                next = (JsonObject)old.DeepClone();
                next["status"] = o["status"]?.DeepClone();
            }
            else
            {
                next = o;
                next["apiVersion"] = kind.ApiVersion;
                next["kind"] = kind.Kind;
                var meta = next.Meta();
                var oldMeta = old.Meta();
                meta["uid"] = oldMeta["uid"]?.DeepClone();
                meta["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
                if (kind.Namespaced) meta["namespace"] = oldMeta["namespace"]?.DeepClone();
                next["status"] = old["status"]?.DeepClone();
                var generation = oldMeta.Long("generation") ?? 1;
                var changed = !JsonNode.DeepEquals(old["spec"], next["spec"])
                    || (kind == ResourceKinds.Deployments && !JsonNode.DeepEquals(oldMeta["annotations"], meta["annotations"]));
                meta["generation"] = changed ? generation + 1 : generation;
            }
            if (next["status"] is null) next.Remove("status");
            // A write that changes nothing is not a write: no new resourceVersion, no watch event (as etcd3 GuaranteedUpdate).
            next.Meta()["resourceVersion"] = old.Meta().Str("resourceVersion");
            if (JsonNode.DeepEquals(old, next)) return (JsonObject)old.DeepClone();
            // The replaced instance is never mutated again, so watchers may share it as the previous state.
            return Commit(StoreEventType.Modified, kind, key, next, previous: old);
        }
    }

    /// <summary>Deletes an object and returns its last state. Throws 404 when it does not exist.</summary>
    public JsonObject Delete(ResourceKind kind, string? ns, string name)
    {
        lock (_gate)
        {
            var key = Key(kind, ns, name);
            if (!_objects.TryGetValue(key, out var old)) throw ApiException.NotFound(kind, name);
            _objects.Remove(key);
            _revision++;
            var last = (JsonObject)old.DeepClone();
            last.Meta()["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture);
            Publish(new StoreEvent(StoreEventType.Deleted, kind, last, _revision));
            return (JsonObject)last.DeepClone();
        }
    }

    /// <summary>
    /// Starts a watch. <paramref name="kind"/> null watches every kind (controllers do this). With
    /// <paramref name="fromResourceVersion"/> 0 the current matching objects are sent first as ADDED; otherwise
    /// every change after that version is replayed from the history, or 410 Expired is thrown when the history
    /// no longer reaches back that far. Dispose the subscription to stop.
    /// </summary>
    public WatchSubscription Watch(ResourceKind? kind, string? ns, long fromResourceVersion, Func<JsonObject, bool>? filter = null)
    {
        var channel = Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true });
        var watcher = new Watcher(kind, ns, filter, channel.Writer);
        lock (_gate)
        {
            if (fromResourceVersion <= 0)
            {
                foreach (var (key, obj) in _objects.OrderBy(p => p.Value.Meta().Long("resourceVersion")))
                    if (watcher.Matches(key.Kind, obj))
                        channel.Writer.TryWrite(new StoreEvent(StoreEventType.Added, key.Kind, obj, _revision));
            }
            else
            {
                if (fromResourceVersion < _oldestRetained - 1) throw ApiException.Expired(fromResourceVersion, _oldestRetained);
                foreach (var e in _history)
                    if (e.ResourceVersion > fromResourceVersion) watcher.Offer(e);
            }
            _watchers.Add(watcher);
        }
        return new WatchSubscription(channel.Reader, () => { lock (_gate) _watchers.Remove(watcher); channel.Writer.TryComplete(); });
    }

    /// <summary>Closes every open watch, as an apiserver restart or a dropped connection would.</summary>
    public void CloseAllWatches()
    {
        lock (_gate)
        {
            foreach (var w in _watchers) w.Writer.TryComplete();
            _watchers.Clear();
        }
    }

    JsonObject Commit(StoreEventType type, ResourceKind kind, (ResourceKind, string, string) key, JsonObject o, JsonObject? previous = null)
    {
        _revision++;
        o.Meta()["resourceVersion"] = _revision.ToString(CultureInfo.InvariantCulture);
        _objects[key] = o;
        // Stored instances are never changed after this point (every write replaces the instance), so watchers
        // share it instead of a copy, as the replay from resourceVersion 0 and Previous already do.
        Publish(new StoreEvent(type, kind, o, _revision) { Previous = previous });
        return (JsonObject)o.DeepClone();
    }

    void Publish(StoreEvent e)
    {
        _history.AddLast(e);
        while (_history.Count > _historyLimit)
        {
            _history.RemoveFirst();
            _oldestRetained = _history.First!.Value.ResourceVersion;
        }
        foreach (var w in _watchers) w.Offer(e);
    }

    static (ResourceKind, string, string) Key(ResourceKind kind, string? ns, string name) =>
        (kind, kind.Namespaced ? ns ?? "" : "", name);

    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    sealed record Watcher(ResourceKind? Kind, string? Ns, Func<JsonObject, bool>? Filter, ChannelWriter<StoreEvent> Writer)
    {
        public bool Matches(ResourceKind kind, JsonObject obj) =>
            (Kind is null || Kind == kind)
            && (Ns is null || !kind.Namespaced || obj.Namespace() == Ns)
            && (Filter is null || Filter(obj));

        public void Offer(StoreEvent e)
        {
            if (Kind is not null && Kind != e.Kind) return;
            if (Ns is not null && e.Kind.Namespaced && e.Namespace != Ns) return;
            Writer.TryWrite(e);
        }
    }
}

/// <summary>An open watch; field and label filtering (with the ADDED/DELETED rewriting it implies) is the reader's job.</summary>
public sealed class WatchSubscription(ChannelReader<StoreEvent> events, Action stop) : IDisposable
{
    public ChannelReader<StoreEvent> Events { get; } = events;
    public void Dispose() => stop();
}
