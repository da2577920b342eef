using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>A Deployment as the controller reads it: defaults applied, annotations and status held as mutable copies.</summary>
internal sealed class Dep
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    Dep(JsonObject obj)
    {
        Obj = obj;
        var spec = obj["spec"] as JsonObject ?? [];
        Replicas = spec["replicas"].AsInt() ?? 1;
        var strategy = spec["strategy"] as JsonObject;
        RollingUpdate = (strategy?["type"].AsString() ?? "RollingUpdate") == "RollingUpdate";
        MaxSurgeValue = strategy.At("rollingUpdate", "maxSurge") ?? RolloutMath.DefaultMaxSurge;
        MaxUnavailableValue = strategy.At("rollingUpdate", "maxUnavailable") ?? RolloutMath.DefaultMaxUnavailable;
        MinReadySeconds = spec["minReadySeconds"].AsInt() ?? 0;
        RevisionHistoryLimit = spec.ContainsKey("revisionHistoryLimit") ? spec["revisionHistoryLimit"].AsInt() : 10;
        ProgressDeadlineSeconds = spec.ContainsKey("progressDeadlineSeconds") ? spec["progressDeadlineSeconds"].AsInt() : 600;
        Paused = spec["paused"].AsBool();
        Annotations = obj.At("metadata", "annotations").StringMap();
        Status = DepStatus.From(obj["status"]);
    }

    public JsonObject Obj { get; }
    public string Name => Obj.Name();
    public string Ns => Obj.Namespace() ?? "";
    public long Generation => Obj.Generation();
    public int Replicas { get; }
    public bool RollingUpdate { get; }
    public JsonNode MaxSurgeValue { get; }
    public JsonNode MaxUnavailableValue { get; }
    public int MinReadySeconds { get; }
    public int? RevisionHistoryLimit { get; }
    public int? ProgressDeadlineSeconds { get; }
    public bool Paused { get; }
    public JsonNode? Template => Obj.At("spec", "template");
    public JsonNode? Selector => Obj.At("spec", "selector");
    public Dictionary<string, string> Annotations { get; }
    public DepStatus Status { get; set; }

    /// <summary><c>HasProgressDeadline</c>: set and not MaxInt32.</summary>
    public bool HasProgressDeadline => ProgressDeadlineSeconds is { } s && s != int.MaxValue;

    public int MaxSurge => RolloutMath.MaxSurge(RollingUpdate, MaxSurgeValue, MaxUnavailableValue, Replicas);
    public int MaxUnavailable => RolloutMath.MaxUnavailable(RollingUpdate, MaxSurgeValue, MaxUnavailableValue, Replicas);

    public static Dep From(JsonObject obj) => new(obj);
}

internal sealed record Cond(string Type, string Status, string? Reason, string? Message, string? LastUpdateTime, string? LastTransitionTime)
{
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["type"] = Type, ["status"] = Status };
        if (LastUpdateTime is not null) o["lastUpdateTime"] = LastUpdateTime;
        if (LastTransitionTime is not null) o["lastTransitionTime"] = LastTransitionTime;
        if (Reason is not null) o["reason"] = Reason;
        if (Message is not null) o["message"] = Message;
        return o;
    }

    public static Cond From(JsonObject o) => new(
        o["type"].AsString() ?? "", o["status"].AsString() ?? "", o["reason"].AsString(), o["message"].AsString(),
        o["lastUpdateTime"].AsString(), o["lastTransitionTime"].AsString());
}

internal sealed class DepStatus
{
    public long ObservedGeneration { get; set; }
    public int Replicas { get; set; }
    public int UpdatedReplicas { get; set; }
    public int ReadyReplicas { get; set; }
    public int AvailableReplicas { get; set; }
    public int UnavailableReplicas { get; set; }
    public long? CollisionCount { get; set; }
    public List<Cond> Conditions { get; set; } = [];

    public static DepStatus From(JsonNode? s) => new()
    {
        ObservedGeneration = s.At("observedGeneration").AsLong() ?? 0,
        Replicas = s.At("replicas").AsInt() ?? 0,
        UpdatedReplicas = s.At("updatedReplicas").AsInt() ?? 0,
        ReadyReplicas = s.At("readyReplicas").AsInt() ?? 0,
        AvailableReplicas = s.At("availableReplicas").AsInt() ?? 0,
        UnavailableReplicas = s.At("unavailableReplicas").AsInt() ?? 0,
        CollisionCount = s.At("collisionCount").AsLong(),
        Conditions = s.At("conditions").Objects().Select(Cond.From).ToList(),
    };

    public DepStatus Clone() => new()
    {
        ObservedGeneration = ObservedGeneration, Replicas = Replicas, UpdatedReplicas = UpdatedReplicas,
        ReadyReplicas = ReadyReplicas, AvailableReplicas = AvailableReplicas, UnavailableReplicas = UnavailableReplicas,
        CollisionCount = CollisionCount, Conditions = [.. Conditions],
    };

    /// <summary>In DeploymentStatus field order; zero counts are omitted as Go's omitempty omits them.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        if (ObservedGeneration != 0) o["observedGeneration"] = ObservedGeneration;
        if (Replicas != 0) o["replicas"] = Replicas;
        if (UpdatedReplicas != 0) o["updatedReplicas"] = UpdatedReplicas;
        if (ReadyReplicas != 0) o["readyReplicas"] = ReadyReplicas;
        if (AvailableReplicas != 0) o["availableReplicas"] = AvailableReplicas;
        if (UnavailableReplicas != 0) o["unavailableReplicas"] = UnavailableReplicas;
        if (Conditions.Count > 0) o["conditions"] = new JsonArray([.. Conditions.Select(c => (JsonNode)c.ToJson())]);
        if (CollisionCount is { } cc) o["collisionCount"] = cc;
        return o;
    }

    public Cond? Get(string type) => Conditions.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// <c>SetDeploymentCondition</c>: no-op when status and reason are unchanged; keeps lastTransitionTime when
    /// only the reason changes; the updated condition moves to the end.
    /// </summary>
    public void Set(Cond condition)
    {
        var current = Get(condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason) return;
        if (current is not null && current.Status == condition.Status) condition = condition with { LastTransitionTime = current.LastTransitionTime };
        Conditions = [.. Conditions.Where(c => c.Type != condition.Type), condition];
    }

    public void Remove(string type) => Conditions = [.. Conditions.Where(c => c.Type != type)];

    public string Canonical() => Js.SortedJson(ToJson());
}

/// <summary>A ReplicaSet as the Deployment controller holds it in one sync: sizes and annotations change as it scales.</summary>
internal sealed class Rs
{
    Rs(JsonObject obj)
    {
        Obj = obj;
        SpecReplicas = obj.At("spec", "replicas").AsInt() ?? 1;
        MinReadySeconds = obj.At("spec", "minReadySeconds").AsInt() ?? 0;
        Annotations = obj.At("metadata", "annotations").StringMap();
    }

    public JsonObject Obj { get; set; }
    public string Name => Obj.Name();
    public string Ns => Obj.Namespace() ?? "";
    public DateTimeOffset Created => Obj.Created();
    public int SpecReplicas { get; set; }
    public int MinReadySeconds { get; set; }
    public int StatusReplicas => Obj.At("status", "replicas").AsInt() ?? 0;
    public int ReadyReplicas => Obj.At("status", "readyReplicas").AsInt() ?? 0;
    public int AvailableReplicas => Obj.At("status", "availableReplicas").AsInt() ?? 0;
    public long Generation => Obj.Generation();
    public long ObservedGeneration => Obj.At("status", "observedGeneration").AsLong() ?? 0;
    public JsonNode? Template => Obj.At("spec", "template");
    public Dictionary<string, string> Annotations { get; set; }

    /// <summary><c>deploymentutil.Revision</c>; an unparsable annotation counts as 0.</summary>
    public long Revision =>
        Annotations.TryGetValue(Dep.RevisionAnnotation, out var r) && long.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    public int? AnnotationInt(string key) =>
        Annotations.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static Rs From(JsonObject obj) => new(obj);

    /// <summary><c>controller.ReplicaSetsByCreationTimestamp</c>.</summary>
    public static int ByCreation(Rs a, Rs b)
    {
        var c = a.Created.CompareTo(b.Created);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }

    /// <summary><c>ReplicaSetsBySizeOlder</c>: larger first, then older.</summary>
    public static int BySizeOlder(Rs a, Rs b) => a.SpecReplicas == b.SpecReplicas ? ByCreation(a, b) : b.SpecReplicas.CompareTo(a.SpecReplicas);

    /// <summary><c>ReplicaSetsBySizeNewer</c>: larger first, then newer.</summary>
    public static int BySizeNewer(Rs a, Rs b) => a.SpecReplicas == b.SpecReplicas ? ByCreation(b, a) : b.SpecReplicas.CompareTo(a.SpecReplicas);

    /// <summary><c>ReplicaSetsByRevision</c>.</summary>
    public static int ByRevision(Rs a, Rs b) => a.Revision == b.Revision ? ByCreation(a, b) : a.Revision.CompareTo(b.Revision);
}

internal static class RsList
{
    public static int SpecSum(this IEnumerable<Rs?> rss) => rss.Sum(r => r?.SpecReplicas ?? 0);
    public static int StatusSum(this IEnumerable<Rs?> rss) => rss.Sum(r => r?.StatusReplicas ?? 0);
    public static int ReadySum(this IEnumerable<Rs?> rss) => rss.Sum(r => r?.ReadyReplicas ?? 0);
    public static int AvailableSum(this IEnumerable<Rs?> rss) => rss.Sum(r => r?.AvailableReplicas ?? 0);

    /// <summary><c>FilterActiveReplicaSets</c>: non-nil with spec.replicas &gt; 0.</summary>
    public static List<Rs> Active(this IEnumerable<Rs?> rss) => rss.OfType<Rs>().Where(r => r.SpecReplicas > 0).ToList();
}
