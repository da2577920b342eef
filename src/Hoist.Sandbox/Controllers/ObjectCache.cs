using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

internal readonly record struct ObjectKey(ResourceKind Kind, string Ns, string Name);

/// <summary>The controller ownerReference of a cached object, kept beside its JSON so that routing a change needs no parse.</summary>
internal sealed record OwnerRef(string Kind, string Name, string Uid);

/// <summary>
/// The controllers' informer cache: the latest state of every object seen on the store watch, indexed by uid and
/// by owner. It keeps the store's own JSON (shared, never copied), and parsed copies of only the objects read
/// most recently: parsed trees of every object would cost five times the store, and the objects a reconcile reads
/// (nodes, namespaces, the owner and its children) are few and read again soon. Returned objects are shared
/// between reads: never change them. Used from the controllers' single worker only, so nothing here locks.
/// Events are not cached: no controller reads them, and they are the bulk of a long-running cluster's objects.
/// </summary>
internal sealed class ObjectCache
{
    const int ParsedLimit = 512;

    readonly Queue<Entry> _parsed = new();
    readonly Dictionary<ResourceKind, Dictionary<(string Ns, string Name), Entry>> _byKind = [];
    readonly Dictionary<string, ObjectKey> _byUid = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<ObjectKey>> _dependents = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _podsPerNode = new(StringComparer.Ordinal);

    /// <summary>What the indexes need of an object, read once when its change arrives.</summary>
    sealed record Entry(byte[] Json, string Uid, string[] OwnerUids, OwnerRef? Controller, string? PodNode)
    {
        public JsonObject? Parsed { get; set; }
    }

    public static ObjectKey KeyOf(ResourceKind kind, JsonObject o) => new(kind, kind.Namespaced ? o.Namespace() ?? "" : "", o.Name());

    /// <summary>Applies a watch event and returns the controller ownerReference the object had before, if it was cached.</summary>
    public (bool Existed, OwnerRef? Controller) Apply(StoreEvent e)
    {
        if (e.Kind == ResourceKinds.Events) return (false, null);
        var key = new ObjectKey(e.Kind, e.Kind.Namespaced ? e.Namespace ?? "" : "", e.Name);
        var map = Map(e.Kind);
        map.TryGetValue((key.Ns, key.Name), out var old);
        if (old is not null) Unindex(key, old);
        if (e.Type == StoreEventType.Deleted) map.Remove((key.Ns, key.Name));
        else
        {
            var entry = Describe(e.Kind, e.Object, e.JsonBytes);
            map[(key.Ns, key.Name)] = entry;
            Index(key, entry);
            // The event's copy was parsed for this reader alone: a changed object is usually read next.
            Remember(entry, e.Object);
        }
        return (old is not null, old?.Controller);
    }

    public void Clear()
    {
        _byKind.Clear();
        _parsed.Clear();
        _byUid.Clear();
        _dependents.Clear();
        _podsPerNode.Clear();
    }

    public IEnumerable<ObjectKey> Keys() =>
        _byKind.SelectMany(k => k.Value.Keys.Select(n => new ObjectKey(k.Key, n.Ns, n.Name))).ToList();

    /// <summary>The cached JSON of an object, for re-sending it (a relist's synthetic DELETED).</summary>
    public byte[]? GetJson(ObjectKey key) => Find(key.Kind, key.Ns, key.Name)?.Json;

    public JsonObject? Get(ResourceKind kind, string? ns, string name) =>
        Find(kind, ns, name) is { } entry ? Read(entry) : null;

    public JsonObject? Get(ObjectKey key) => Get(key.Kind, key.Ns, key.Name);

    public IEnumerable<JsonObject> List(ResourceKind kind, string? ns = null) =>
        Map(kind).Where(p => ns is null || p.Key.Ns == ns).OrderBy(p => p.Key.Ns, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Name, StringComparer.Ordinal).Select(p => Read(p.Value));

    public bool UidExists(string uid) => _byUid.ContainsKey(uid);

    public ObjectKey? KeyOfUid(string uid) => _byUid.TryGetValue(uid, out var k) ? k : null;

    /// <summary>Objects of <paramref name="kind"/> whose controller ownerReference points at <paramref name="owner"/>.</summary>
    public List<JsonObject> Controlled(ResourceKind kind, JsonObject owner)
    {
        var uid = owner.Uid();
        if (!_dependents.TryGetValue(uid, out var keys)) return [];
        return keys.Where(k => k.Kind == kind)
            .Select(k => Find(k.Kind, k.Ns, k.Name)).OfType<Entry>()
            .Where(e => e.Controller?.Uid == uid)
            .Select(Read)
            .OrderBy(o => o.Name(), StringComparer.Ordinal).ToList();
    }

    public List<ObjectKey> Dependents(string ownerUid) =>
        _dependents.TryGetValue(ownerUid, out var keys) ? [.. keys] : [];

    public int PodsOnNode(string node) => _podsPerNode.GetValueOrDefault(node);

    JsonObject Read(Entry entry) => entry.Parsed ?? Remember(entry, StoredJson.Parse(entry.Json));

    JsonObject Remember(Entry entry, JsonObject parsed)
    {
        entry.Parsed = parsed;
        _parsed.Enqueue(entry);
        if (_parsed.Count > ParsedLimit) _parsed.Dequeue().Parsed = null;
        return parsed;
    }

    Entry? Find(ResourceKind kind, string? ns, string name) =>
        Map(kind).TryGetValue((kind.Namespaced ? ns ?? "" : "", name), out var e) ? e : null;

    Dictionary<(string Ns, string Name), Entry> Map(ResourceKind kind)
    {
        if (!_byKind.TryGetValue(kind, out var map)) _byKind[kind] = map = [];
        return map;
    }

    static Entry Describe(ResourceKind kind, JsonObject o, byte[] json)
    {
        var owners = o.At("metadata", "ownerReferences").Objects().ToList();
        var controller = o.ControllerRef() is { } r && r["uid"].AsString() is { Length: > 0 } cuid
            ? new OwnerRef(r["kind"].AsString() ?? "", r["name"].AsString() ?? "", cuid)
            : null;
        return new Entry(json, o.Uid(), [.. owners.Select(r => r["uid"].AsString()).OfType<string>().Where(u => u.Length > 0)],
            controller, kind == ResourceKinds.Pods ? PodNode(o) : null);
    }

    void Index(ObjectKey key, Entry e)
    {
        if (e.Uid.Length > 0) _byUid[e.Uid] = key;
        foreach (var ownerUid in e.OwnerUids)
        {
            if (!_dependents.TryGetValue(ownerUid, out var set)) _dependents[ownerUid] = set = [];
            set.Add(key);
        }
        if (e.PodNode is { } node) _podsPerNode[node] = _podsPerNode.GetValueOrDefault(node) + 1;
    }

    void Unindex(ObjectKey key, Entry e)
    {
        if (e.Uid.Length > 0 && _byUid.TryGetValue(e.Uid, out var k) && k == key) _byUid.Remove(e.Uid);
        foreach (var ownerUid in e.OwnerUids)
            if (_dependents.TryGetValue(ownerUid, out var set))
            {
                set.Remove(key);
                if (set.Count == 0) _dependents.Remove(ownerUid);
            }
        if (e.PodNode is { } node && --_podsPerNode[node] == 0) _podsPerNode.Remove(node);
    }

    // Pods that have finished no longer take a node's capacity, for the scheduler's spreading.
    static string? PodNode(JsonObject pod) =>
        pod.At("spec", "nodeName").AsString() is { Length: > 0 } node
        && pod.At("status", "phase").AsString() is not ("Succeeded" or "Failed") ? node : null;
}
