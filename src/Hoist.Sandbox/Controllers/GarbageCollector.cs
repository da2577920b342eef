using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// The garbage collector's background cascading deletion: once an owner is gone, a dependent with no other live
/// owner is deleted, and one that still has one loses the dangling reference. Deleting a namespace deletes what
/// it holds, as the namespace controller does.
/// </summary>
internal sealed class GarbageCollector(ControllerContext ctx)
{
    public void OwnerDeleted(string ownerUid)
    {
        if (ctx.Cache.UidExists(ownerUid)) return;
        foreach (var key in ctx.Cache.Dependents(ownerUid)) Collect(key);
    }

    /// <summary>An object created with an ownerReference to an owner that does not exist.</summary>
    public void CheckOrphan(string ns, string kindAndName)
    {
        var slash = kindAndName.IndexOf('/', StringComparison.Ordinal);
        var kind = ResourceKinds.All.FirstOrDefault(k => k.GroupResource == kindAndName[..slash]);
        if (kind is null) return;
        Collect(new ObjectKey(kind, ns, kindAndName[(slash + 1)..]));
    }

    public void NamespaceDeleted(string ns)
    {
        if (ctx.Cache.Get(ResourceKinds.Namespaces, null, ns) is not null) return;
        foreach (var kind in ResourceKinds.All.Where(k => k.Namespaced))
        {
            var names = kind == ResourceKinds.Events
                ? ctx.Store.List(kind, ns).Items.Select(o => o.Name()).ToList()
                : ctx.Cache.List(kind, ns).Select(o => o.Name()).ToList();
            // As the API's namespace delete: the namespace is already gone, so nothing waits out a grace period.
            foreach (var name in names) TryDelete(kind, ns, name, DeleteOptions.Now);
        }
    }

    void Collect(ObjectKey key)
    {
        if (ctx.Cache.Get(key) is not { } obj) return;
        var owners = obj.At("metadata", "ownerReferences").Objects().ToList();
        if (owners.Count == 0) return;
        var live = owners.Where(o => o["uid"].AsString() is { } uid && ctx.Cache.UidExists(uid)).ToList();
        if (live.Count == 0)
        {
            TryDelete(key.Kind, key.Ns, key.Name);
            return;
        }
        if (live.Count == owners.Count) return;
        var liveUids = live.Select(o => o["uid"].AsString()).ToHashSet();
        ctx.Store.Mutate(key.Kind, key.Ns, key.Name, o =>
            o.Meta()["ownerReferences"] = new JsonArray([.. o.At("metadata", "ownerReferences").Objects()
                .Where(r => liveUids.Contains(r["uid"].AsString())).Select(r => (JsonNode)r.DeepClone())]));
    }

    /// <summary>Deletes with the default options (a pod gracefully), as the garbage collector's background deletion does.</summary>
    void TryDelete(ResourceKind kind, string ns, string name, DeleteOptions? options = null)
    {
        try
        {
            ctx.Store.Delete(kind, ns, name, options);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }
}
