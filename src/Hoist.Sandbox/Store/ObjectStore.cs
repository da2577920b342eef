using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Hoist.Sandbox.Store;

public enum StoreEventType { Added, Modified, Deleted }

/// <summary>
/// A committed change, as one watcher receives it. The change itself is kept as JSON and shared by every watcher;
/// <see cref="Object"/> and <see cref="Previous"/> are parsed from it on first use into copies that belong to
/// this event (and so to the one reader of its watch), which may change them freely.
/// </summary>
public sealed class StoreEvent
{
    readonly byte[] _json;
    readonly byte[]? _previousJson;
    JsonObject? _object;
    JsonObject? _previous;

    internal StoreEvent(StoreEventType type, ResourceKind kind, string? ns, string name, byte[] json, long resourceVersion, byte[]? previousJson = null)
    {
        Type = type;
        Kind = kind;
        Namespace = ns;
        Name = name;
        _json = json;
        ResourceVersion = resourceVersion;
        _previousJson = previousJson;
    }

    public StoreEventType Type { get; }
    public ResourceKind Kind { get; }
    public long ResourceVersion { get; }
    public string? Namespace { get; }
    public string Name { get; }

    /// <summary>The stored state after the write (before it, for a delete), as UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json => _json;

    internal byte[] JsonBytes => _json;

    public JsonObject Object => _object ??= StoredJson.Parse(_json);

    /// <summary>For MODIFIED: the state before the write, so a filtered watch can tell "stopped matching" (DELETED) from "changed".</summary>
    public JsonObject? Previous => _previousJson is null ? null : _previous ??= StoredJson.Parse(_previousJson);
}

/// <summary>
/// The sandbox's etcd: every object of every kind, one global resourceVersion bumped on each write (like an
/// etcd revision), and a bounded history of changes from which watches resume; a watch from before the
/// history's start gets 410 Expired, as the apiserver's watch cache answers.
/// Objects are stored as JSON so that fields the sandbox does not model survive a round trip, as they do on a
/// real apiserver — as UTF-8 bytes, as etcd holds them, not as node trees: a tree costs about five times its
/// text, and 1,000 Deployments with their ReplicaSets, pods and events must fit the memory goal of issue #2.
/// Every read parses a fresh copy, so callers own what they get; one lock serialises writes, which keeps the
/// event order total.
/// </summary>
public sealed class ObjectStore
{
    readonly Lock _gate = new();
    readonly Dictionary<(ResourceKind Kind, string Ns, string Name), Stored> _objects = [];
    readonly LinkedList<Change> _history = new();
    readonly List<Watcher> _watchers = [];
    readonly StoredJson _writer = new();
    readonly TimeProvider _time;
    readonly int _historyLimit;
    long _revision;
    long _oldestRetained = 1;

    /// <summary>A committed object: its JSON, never changed once stored, and the version that wrote it.</summary>
    readonly record struct Stored(byte[] Json, long ResourceVersion);

    /// <summary>One write in the history; watchers each get their own <see cref="StoreEvent"/> of it.</summary>
    sealed record Change(StoreEventType Type, ResourceKind Kind, string? Ns, string Name, byte[] Json, long ResourceVersion, byte[]? Previous)
    {
        public StoreEvent ToEvent() => new(Type, Kind, Ns, Name, Json, ResourceVersion, Previous);
    }

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
        byte[] json;
        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(kind, ns, name), out var stored)) return null;
            json = stored.Json;
        }
        return StoredJson.Parse(json);
    }

    public JsonObject GetRequired(ResourceKind kind, string? ns, string name) =>
        Get(kind, ns, name) ?? throw ApiException.NotFound(kind, name);

    /// <summary>Lists a kind in one namespace (or all, when <paramref name="ns"/> is null), ordered by namespace and name.</summary>
    public (List<JsonObject> Items, long ResourceVersion) List(ResourceKind kind, string? ns, Func<JsonObject, bool>? filter = null)
    {
        List<byte[]> found;
        long revision;
        lock (_gate)
        {
            found = _objects
                .Where(p => p.Key.Kind == kind && (ns is null || !kind.Namespaced || p.Key.Ns == ns))
                .OrderBy(p => p.Key.Ns, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => p.Value.Json)
                .ToList();
            revision = _revision;
        }
        // Parsing happens outside the lock: stored JSON is immutable, and a big list should not hold up writers.
        var items = new List<JsonObject>(found.Count);
        foreach (var json in found)
        {
            var o = StoredJson.Parse(json);
            if (filter is null || filter(o)) items.Add(o);
        }
        return (items, revision);
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
            meta.Remove("deletionGracePeriodSeconds");
            return Commit(StoreEventType.Added, kind, key, o);
        }
    }

    /// <summary>
    /// Replaces an object, as PUT does. When <paramref name="obj"/> carries a resourceVersion it must be the
    /// current one (else 409 Conflict); without one the update is unconditional (AllowUnconditionalUpdate).
    /// The stored status is kept (the main resource cannot change status), generation is bumped when the spec
    /// (or, for a Deployment, the annotations) changed, and uid/creationTimestamp cannot change.
    /// </summary>
    public JsonObject Update(ResourceKind kind, JsonObject obj) => Replace(kind, (JsonObject)obj.DeepClone(), statusOnly: false);

    /// <summary>Writes only the status of an object (the /status subresource); spec and metadata stay as stored.</summary>
    public JsonObject UpdateStatus(ResourceKind kind, JsonObject obj) => Replace(kind, (JsonObject)obj.DeepClone(), statusOnly: true);

    /// <summary>
    /// Reads the latest copy, applies <paramref name="mutate"/> and writes it back, all under the store's lock,
    /// so it cannot conflict. Controllers use this. Returns null when the object does not exist.
    /// </summary>
    public JsonObject? Mutate(ResourceKind kind, string? ns, string name, Action<JsonObject> mutate, bool statusOnly = false)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(kind, ns, name), out var current)) return null;
            var copy = StoredJson.Parse(current.Json);
            mutate(copy);
            copy.Meta()["resourceVersion"] = Version(current.ResourceVersion);
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
            var next = StoredJson.Parse(current.Json);
            var stored = (JsonObject)next.Meta().DeepClone();
            mutate(next);
            KeepStored(next.Meta(), stored, FixedOnObjectWrite);
            next["apiVersion"] = kind.ApiVersion;
            next["kind"] = kind.Kind;
            if (next["status"] is null) next.Remove("status");
            return CommitChange(kind, key, current, next);
        }
    }

    /// <summary>Metadata a controller's whole-object write cannot change (the deletion fields belong to <see cref="Delete"/>).</summary>
    static readonly string[] FixedOnObjectWrite =
        ["name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"];

    /// <summary>
    /// Metadata an update (PUT) cannot change: the system fields, and the deletion fields, which only a delete sets
    /// (rest.BeforeUpdate). The namespace of a namespaced object is fixed too; name and resourceVersion are checked
    /// before, generation is derived after.
    /// </summary>
    static readonly string[] FixedOnUpdate = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"];

    /// <summary>Puts the stored values of <paramref name="fields"/> back over a write, removing those the stored object lacks.</summary>
    static void KeepStored(JsonObject meta, JsonObject stored, IEnumerable<string> fields)
    {
        foreach (var field in fields)
        {
            if (stored[field] is { } value) meta[field] = value.DeepClone();
            else meta.Remove(field);
        }
    }

    /// <summary>Update and UpdateStatus on a copy that the store owns (the caller's object is never kept).</summary>
    JsonObject Replace(ResourceKind kind, JsonObject o, bool statusOnly)
    {
        var name = o.Name();
        lock (_gate)
        {
            var key = Key(kind, o.Namespace(), name);
            if (!_objects.TryGetValue(key, out var current)) throw ApiException.NotFound(kind, name);
            var rv = o.Meta().Str("resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != Version(current.ResourceVersion)) throw ApiException.Conflict(kind, name);

            JsonObject next;
            if (statusOnly)
            {
                next = StoredJson.Parse(current.Json);
                next["status"] = o["status"]?.DeepClone();
            }
            else
            {
                var old = StoredJson.Parse(current.Json);
                next = o;
                next["apiVersion"] = kind.ApiVersion;
                next["kind"] = kind.Kind;
                var meta = next.Meta();
                var oldMeta = old.Meta();
                KeepStored(meta, oldMeta, kind.Namespaced ? [.. FixedOnUpdate, "namespace"] : FixedOnUpdate);
                next["status"] = old["status"]?.DeepClone();
                var generation = oldMeta.Long("generation") ?? 1;
                var changed = !JsonNode.DeepEquals(old["spec"], next["spec"])
                    || (kind == ResourceKinds.Deployments && !JsonNode.DeepEquals(oldMeta["annotations"], meta["annotations"]));
                meta["generation"] = changed ? generation + 1 : generation;
            }
            if (next["status"] is null) next.Remove("status");
            return CommitChange(kind, key, current, next);
        }
    }

    /// <summary>
    /// Commits <paramref name="next"/> over <paramref name="current"/>, unless it changes nothing: then there is no
    /// new resourceVersion and no watch event (as etcd3 GuaranteedUpdate), and <paramref name="next"/>, equal to
    /// the stored state, is returned.
    /// </summary>
    JsonObject CommitChange(ResourceKind kind, (ResourceKind, string, string) key, Stored current, JsonObject next)
    {
        next.Meta()["resourceVersion"] = Version(current.ResourceVersion);
        // Most no-op writes serialise byte for byte as stored (a copy parsed from it keeps the property order).
        // One that only reorders properties has the same length, so only then is the order-insensitive (and much
        // dearer) comparison needed.
        var json = _writer.Serialize(next);
        if (json.SequenceEqual(current.Json) || (json.Length == current.Json.Length && JsonNode.DeepEquals(StoredJson.Parse(current.Json), next))) return next;
        return Commit(StoreEventType.Modified, kind, key, next, previous: current.Json);
    }

    /// <summary>
    /// Deletes an object as the apiserver's registry does; every deleter (the API, the controllers, the garbage
    /// collector, the kubelet) comes through here, so the rules hold whoever deletes. A pod is deleted
    /// gracefully (<see cref="GracefulDeletion"/>): it is written back with <c>deletionTimestamp</c> and stays,
    /// Terminating, until its kubelet has stopped it and deletes it with grace 0. Returns the pod so marked, or
    /// the last state of an object that was removed. Throws 404 when it does not exist, 409 on a failed precondition.
    /// </summary>
    public JsonObject Delete(ResourceKind kind, string? ns, string name, DeleteOptions? options = null)
    {
        options ??= DeleteOptions.Default;
        lock (_gate)
        {
            var key = Key(kind, ns, name);
            if (!_objects.TryGetValue(key, out var old)) throw ApiException.NotFound(kind, name);
            var last = StoredJson.Parse(old.Json);
            GracefulDeletion.CheckPreconditions(kind, name, last, options);
            switch (GracefulDeletion.Apply(kind, last, options.GracePeriodSeconds, _time.GetUtcNow()))
            {
                case DeleteAction.Pending:
                    return last;
                case DeleteAction.Mark:
                    return Commit(StoreEventType.Modified, kind, key, last, previous: old.Json);
            }
            _objects.Remove(key);
            _revision++;
            last.Meta()["resourceVersion"] = Version(_revision);
            Publish(new Change(StoreEventType.Deleted, kind, last.Namespace(), name, _writer.Serialize(last).ToArray(), _revision, null));
            return last;
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
        var watcher = new Watcher(kind, ns, channel.Writer);
        lock (_gate)
        {
            if (fromResourceVersion <= 0)
            {
                foreach (var (key, stored) in _objects.OrderBy(p => p.Value.ResourceVersion))
                {
                    if (!watcher.Matches(key.Kind, key.Ns)) continue;
                    var e = new StoreEvent(StoreEventType.Added, key.Kind, key.Kind.Namespaced ? key.Ns : null, key.Name, stored.Json, _revision);
                    if (filter is null || filter(e.Object)) channel.Writer.TryWrite(e);
                }
            }
            else
            {
                if (fromResourceVersion < _oldestRetained - 1) throw ApiException.Expired(fromResourceVersion, _oldestRetained);
                foreach (var change in _history)
                    if (change.ResourceVersion > fromResourceVersion) watcher.Offer(change);
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

    /// <summary>Stamps the next resourceVersion on <paramref name="o"/>, stores it and tells the watchers; <paramref name="o"/> goes back to the caller.</summary>
    JsonObject Commit(StoreEventType type, ResourceKind kind, (ResourceKind, string, string) key, JsonObject o, byte[]? previous = null)
    {
        _revision++;
        o.Meta()["resourceVersion"] = Version(_revision);
        var json = _writer.Serialize(o).ToArray();
        _objects[key] = new Stored(json, _revision);
        Publish(new Change(type, kind, o.Namespace(), o.Name(), json, _revision, previous));
        return o;
    }

    void Publish(Change change)
    {
        _history.AddLast(change);
        while (_history.Count > _historyLimit)
        {
            _history.RemoveFirst();
            _oldestRetained = _history.First!.Value.ResourceVersion;
        }
        foreach (var w in _watchers) w.Offer(change);
    }

    static (ResourceKind, string, string) Key(ResourceKind kind, string? ns, string name) =>
        (kind, kind.Namespaced ? ns ?? "" : "", name);

    static string Version(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    sealed record Watcher(ResourceKind? Kind, string? Ns, ChannelWriter<StoreEvent> Writer)
    {
        public bool Matches(ResourceKind kind, string ns) =>
            (Kind is null || Kind == kind) && (Ns is null || !kind.Namespaced || ns == Ns);

        public void Offer(Change change)
        {
            if (Matches(change.Kind, change.Ns ?? "")) Writer.TryWrite(change.ToEvent());
        }
    }
}

/// <summary>
/// The stored form of an object: compact UTF-8 JSON. Parsing is lazy (System.Text.Json materialises a node only
/// when it is read), so a reader that looks at a few fields pays for little more than the bytes.
/// </summary>
internal sealed class StoredJson
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    readonly Utf8JsonWriter _json;

    public StoredJson() => _json = new Utf8JsonWriter(_buffer, Options);

    public static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>Writes <paramref name="o"/> into a reused buffer; the span is valid until the next call (callers hold the store's lock).</summary>
    public ReadOnlySpan<byte> Serialize(JsonObject o)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        o.WriteTo(_json);
        _json.Flush();
        return _buffer.WrittenSpan;
    }
}

/// <summary>An open watch; field and label filtering (with the ADDED/DELETED rewriting it implies) is the reader's job.</summary>
public sealed class WatchSubscription(ChannelReader<StoreEvent> events, Action stop) : IDisposable
{
    public ChannelReader<StoreEvent> Events { get; } = events;
    public void Dispose() => stop();
}
