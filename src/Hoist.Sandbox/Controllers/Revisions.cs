using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>A ControllerRevision as pkg/controller/history handles it.</summary>
internal sealed class Rev
{
    /// <summary>history.ControllerRevisionHashLabel, on StatefulSet revisions.</summary>
    public const string HistoryHashLabel = "controller.kubernetes.io/hash";

    public Rev(JsonObject obj)
    {
        Obj = obj;
        Name = obj.Name();
        Revision = obj["revision"].AsLong() ?? 0;
        Data = Js.SortedJson(obj["data"]);
        Labels = obj.At("metadata", "labels").StringMap();
    }

    public Rev(string name, long revision, string data, Dictionary<string, string> labels)
    {
        Name = name;
        Revision = revision;
        Data = data;
        Labels = labels;
    }

    public JsonObject? Obj { get; private set; }
    public string Name { get; private set; }
    public long Revision { get; private set; }
    public string Data { get; }
    public Dictionary<string, string> Labels { get; }

    /// <summary><c>history.EqualRevision</c>: the same hash label (when both have one) and the same data.</summary>
    public bool EqualTo(Rev other, string hashLabel)
    {
        if (Labels.TryGetValue(hashLabel, out var a) && other.Labels.TryGetValue(hashLabel, out var b) && a != b) return false;
        return Data == other.Data || Js.Canonical(JsonNode.Parse(Data)) == Js.Canonical(JsonNode.Parse(other.Data));
    }

    /// <summary><c>history.SortControllerRevisions</c>.</summary>
    public static int ByRevision(Rev a, Rev b)
    {
        if (a.Revision != b.Revision) return a.Revision.CompareTo(b.Revision);
        var c = (a.Obj?.Created() ?? DateTimeOffset.MaxValue).CompareTo(b.Obj?.Created() ?? DateTimeOffset.MaxValue);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }

    public static string NameFor(string parent, string hash) => $"{(parent.Length > 223 ? parent[..223] : parent)}-{hash}";

    /// <summary>Creates the revision, or finds it already there; a different revision under the same name is a hash collision.</summary>
    public static Rev? Create(ControllerContext ctx, JsonObject parent, ResourceKind parentKind, Rev rev, string hashLabel)
    {
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = rev.Name,
                ["namespace"] = parent.Namespace(),
                ["labels"] = rev.Labels.ToJson(),
                ["ownerReferences"] = new JsonArray(Js.ControllerRefTo(parent, parentKind)),
            },
            ["data"] = JsonNode.Parse(rev.Data),
            ["revision"] = rev.Revision,
        };
        if (parent.At("metadata", "annotations") is JsonObject annotations && annotations.Count > 0)
            ((JsonObject)obj["metadata"]!)["annotations"] = annotations.DeepClone();
        try
        {
            return new Rev(ctx.Store.Create(ResourceKinds.ControllerRevisions, obj));
        }
        catch (ApiException e) when (e.Code == 409)
        {
            var existing = ctx.Store.Get(ResourceKinds.ControllerRevisions, parent.Namespace(), rev.Name);
            if (existing is not null && new Rev(existing) is var found && found.EqualTo(rev, hashLabel)) return found;
            return null;
        }
    }

    /// <summary><c>UpdateControllerRevision</c>: a rollback moves an old revision to the top.</summary>
    public void SetRevision(ControllerContext ctx, long revision)
    {
        if (Obj is null) return;
        var written = ctx.Store.Mutate(ResourceKinds.ControllerRevisions, Obj.Namespace(), Name, o => o["revision"] = revision);
        if (written is not null) Obj = written;
        Revision = revision;
    }
}
