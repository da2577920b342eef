using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

internal readonly record struct ObjectKey(ResourceKind Kind, string Ns, string Name);

/// <summary>
/// The controllers' informer cache: the latest state of every object seen on the store watch, indexed by uid and
/// by owner. Objects are the watch events' shared copies and must never be changed. Events are not cached: no
/// controller reads them, and they are the bulk of a long-running cluster's objects.
/// </summary>
internal sealed class ObjectCache
{
    readonly Dictionary<ResourceKind, Dictionary<(string Ns, string Name), JsonObject>> _byKind = [];
    readonly Dictionary<string, ObjectKey> _byUid = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<ObjectKey>> _dependents = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _podsPerNode = new(StringComparer.Ordinal);

    public static ObjectKey KeyOf(ResourceKind kind, JsonObject o) => new(kind, kind.Namespaced ? o.Namespace() ?? "" : "", o.Name());

    /// <summary>Applies a watch event and returns the object's previous cached state.</summary>
    public JsonObject? Apply(StoreEvent e)
    {
        if (e.Kind == ResourceKinds.Events) return null;
        var key = KeyOf(e.Kind, e.Object);
        var map = Map(e.Kind);
        map.TryGetValue((key.Ns, key.Name), out var old);
        if (old is not null) Unindex(key, old);
        if (e.Type == StoreEventType.Deleted) map.Remove((key.Ns, key.Name));
        else
        {
            map[(key.Ns, key.Name)] = e.Object;
            Index(key, e.Object);
        }
        return old;
    }

    public void Clear()
    {
        _byKind.Clear();
        _byUid.Clear();
        _dependents.Clear();
        _podsPerNode.Clear();
    }

    public IEnumerable<ObjectKey> Keys() =>
        _byKind.SelectMany(k => k.Value.Keys.Select(n => new ObjectKey(k.Key, n.Ns, n.Name))).ToList();

    public JsonObject? Get(ResourceKind kind, string? ns, string name) =>
        Map(kind).TryGetValue((kind.Namespaced ? ns ?? "" : "", name), out var o) ? o : null;

    public JsonObject? Get(ObjectKey key) => Get(key.Kind, key.Ns, key.Name);

    public IEnumerable<JsonObject> List(ResourceKind kind, string? ns = null) =>
        Map(kind).Where(p => ns is null || p.Key.Ns == ns).OrderBy(p => p.Key.Ns, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Name, StringComparer.Ordinal).Select(p => p.Value);

    public bool UidExists(string uid) => _byUid.ContainsKey(uid);

    public ObjectKey? KeyOfUid(string uid) => _byUid.TryGetValue(uid, out var k) ? k : null;

    /// <summary>Objects of <paramref name="kind"/> whose controller ownerReference points at <paramref name="owner"/>.</summary>
    public List<JsonObject> Controlled(ResourceKind kind, JsonObject owner)
    {
        var uid = owner.Uid();
        if (!_dependents.TryGetValue(uid, out var keys)) return [];
        return keys.Where(k => k.Kind == kind).Select(Get).OfType<JsonObject>()
            .Where(o => o.ControllerRef()?["uid"].AsString() == uid)
            .OrderBy(o => o.Name(), StringComparer.Ordinal).ToList();
    }

    public List<ObjectKey> Dependents(string ownerUid) =>
        _dependents.TryGetValue(ownerUid, out var keys) ? [.. keys] : [];

    public int PodsOnNode(string node) => _podsPerNode.GetValueOrDefault(node);

    Dictionary<(string Ns, string Name), JsonObject> Map(ResourceKind kind)
    {
        if (!_byKind.TryGetValue(kind, out var map)) _byKind[kind] = map = [];
        return map;
    }

    void Index(ObjectKey key, JsonObject o)
    {
        var uid = o.Uid();
        if (uid.Length > 0) _byUid[uid] = key;
        foreach (var owner in o.At("metadata", "ownerReferences").Objects())
            if (owner["uid"].AsString() is { Length: > 0 } ownerUid)
            {
                if (!_dependents.TryGetValue(ownerUid, out var set)) _dependents[ownerUid] = set = [];
                set.Add(key);
            }
        if (key.Kind == ResourceKinds.Pods && PodNode(o) is { } node) _podsPerNode[node] = _podsPerNode.GetValueOrDefault(node) + 1;
    }

    void Unindex(ObjectKey key, JsonObject o)
    {
        var uid = o.Uid();
        if (uid.Length > 0 && _byUid.TryGetValue(uid, out var k) && k == key) _byUid.Remove(uid);
        foreach (var owner in o.At("metadata", "ownerReferences").Objects())
            if (owner["uid"].AsString() is { Length: > 0 } ownerUid && _dependents.TryGetValue(ownerUid, out var set))
            {
                set.Remove(key);
                if (set.Count == 0) _dependents.Remove(ownerUid);
            }
        if (key.Kind == ResourceKinds.Pods && PodNode(o) is { } node && --_podsPerNode[node] == 0) _podsPerNode.Remove(node);
    }

    // Pods that have finished no longer take a node's capacity, for the scheduler's spreading.
    static string? PodNode(JsonObject pod) =>
        pod.At("spec", "nodeName").AsString() is { Length: > 0 } node
        && pod.At("status", "phase").AsString() is not ("Succeeded" or "Failed") ? node : null;
}
