using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// pkg/controller/statefulset (stateful_set_control.go, stateful_set_utils.go): ordinal pods, ControllerRevisions,
/// OrderedReady or Parallel management, RollingUpdate from the highest ordinal down to the partition one pod at a
/// time, OnDelete, and the rule that moves currentRevision once every pod runs the update revision.
/// </summary>
internal sealed partial class StatefulSetController(ControllerContext ctx)
{
    const string Component = "statefulset-controller";
    public const string RevisionLabel = "controller-revision-hash";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    [GeneratedRegex(@"^(.*)-([0-9]+)$")]
    private static partial Regex OrdinalPattern();

    sealed class Sts(JsonObject obj)
    {
        public JsonObject Obj { get; } = obj;
        public string Name => Obj.Name();
        public string Ns => Obj.Namespace() ?? "";
        public int Replicas { get; } = obj.At("spec", "replicas").AsInt() ?? 1;
        public string StrategyType { get; } = obj.At("spec", "updateStrategy", "type").AsString() ?? "RollingUpdate";
        public JsonObject? RollingUpdate { get; } = obj.At("spec", "updateStrategy", "rollingUpdate") as JsonObject;
        public int Partition => RollingUpdate?["partition"].AsInt() ?? 0;
        public bool Monotonic { get; } = obj.At("spec", "podManagementPolicy").AsString() != "Parallel";
        public int MinReadySeconds { get; } = obj.At("spec", "minReadySeconds").AsInt() ?? 0;
        public int RevisionHistoryLimit { get; } = obj.At("spec", "revisionHistoryLimit").AsInt() ?? 10;
        public int StartOrdinal { get; } = obj.At("spec", "ordinals", "start").AsInt() ?? 0;
        public int EndOrdinal => StartOrdinal + Replicas - 1;
        public string? CurrentRevisionName { get; } = obj.At("status", "currentRevision").AsString();
        public int StatusCurrentReplicas { get; } = obj.At("status", "currentReplicas").AsInt() ?? 0;
        public long CollisionCount { get; } = obj.At("status", "collisionCount").AsLong() ?? 0;
    }

    sealed class Status
    {
        public long ObservedGeneration;
        public int Replicas, ReadyReplicas, CurrentReplicas, UpdatedReplicas, AvailableReplicas;
        public string CurrentRevision = "", UpdateRevision = "";
        public long CollisionCount;

        public JsonObject ToJson(JsonNode? conditions)
        {
            var o = new JsonObject();
            if (ObservedGeneration != 0) o["observedGeneration"] = ObservedGeneration;
            o["replicas"] = Replicas;
            if (ReadyReplicas != 0) o["readyReplicas"] = ReadyReplicas;
            if (CurrentReplicas != 0) o["currentReplicas"] = CurrentReplicas;
            if (UpdatedReplicas != 0) o["updatedReplicas"] = UpdatedReplicas;
            if (CurrentRevision.Length > 0) o["currentRevision"] = CurrentRevision;
            if (UpdateRevision.Length > 0) o["updateRevision"] = UpdateRevision;
            o["collisionCount"] = CollisionCount;
            if (conditions is JsonArray { Count: > 0 }) o["conditions"] = conditions.DeepClone();
            o["availableReplicas"] = AvailableReplicas;
            return o;
        }
    }

    public void Sync(string ns, string name)
    {
        if (ctx.Cache.Get(ResourceKinds.StatefulSets, ns, name) is not { } obj) return;
        var set = new Sts(obj);
        if (obj.At("spec", "template") is null) return;
        var pods = ctx.Cache.Controlled(ResourceKinds.Pods, obj).Where(p => ParentAndOrdinal(p).Parent == set.Name).ToList();
        var revisions = ctx.Cache.Controlled(ResourceKinds.ControllerRevisions, obj).Select(r => new Rev(r)).ToList();
        revisions.Sort(Rev.ByRevision);

        if (GetRevisions(set, revisions) is not var (current, update, collisionCount)) return;
        var status = UpdateStatefulSet(set, current, update, collisionCount, pods);

        if (set.StrategyType == "RollingUpdate" && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas)
        {
            // completeRollingUpdate
            status.CurrentReplicas = status.UpdatedReplicas;
            status.CurrentRevision = status.UpdateRevision;
        }
        var json = status.ToJson(obj.At("status", "conditions"));
        if (Js.SortedJson(json) != Js.SortedJson(obj["status"]))
            ctx.Store.Mutate(ResourceKinds.StatefulSets, set.Ns, set.Name, o => o["status"] = json, statusOnly: true);

        TruncateHistory(set, pods, revisions, current, update);

        if (set.MinReadySeconds > 0)
        {
            var now = ctx.Now;
            var next = pods.Select(p => PodUtil.Phase(p) == "Running" ? PodUtil.AvailableAt(p, set.MinReadySeconds, now) : null).Where(t => t is not null).Min();
            if (next is { } at) ctx.EnqueueAfter(new WorkItem(Work.StatefulSet, set.Ns, set.Name), at - now);
        }
    }

    /// <summary><c>getStatefulSetRevisions</c>: the update revision is the template now; a rollback renumbers an old revision.</summary>
    (Rev Current, Rev Update, long CollisionCount)? GetRevisions(Sts set, List<Rev> revisions)
    {
        var collisionCount = set.CollisionCount;
        var next = revisions.Count == 0 ? 1 : revisions[^1].Revision + 1;
        var data = Hashing.RevisionData(set.Obj.At("spec", "template"));
        var hash = Hashing.RevisionHash(data, collisionCount);
        var labels = set.Obj.At("spec", "template", "metadata", "labels").StringMap();
        labels[Rev.HistoryHashLabel] = hash;
        var update = new Rev(Rev.NameFor(set.Name, hash), next, data, labels);

        var equal = revisions.Where(r => r.EqualTo(update, Rev.HistoryHashLabel)).ToList();
        if (equal.Count > 0 && revisions[^1].EqualTo(equal[^1], Rev.HistoryHashLabel))
            update = revisions[^1];
        else if (equal.Count > 0)
        {
            equal[^1].SetRevision(ctx, update.Revision);
            update = equal[^1];
        }
        else
        {
            var created = Rev.Create(ctx, set.Obj, ResourceKinds.StatefulSets, update, Rev.HistoryHashLabel);
            if (created is null)
            {
                // Hash collision: a different revision holds the name. Count it and try again on the next sync.
                var status = (set.Obj["status"]?.DeepClone() as JsonObject) ?? [];
                status["collisionCount"] = collisionCount + 1;
                ctx.Store.Mutate(ResourceKinds.StatefulSets, set.Ns, set.Name, o => o["status"] = status, statusOnly: true);
                return null;
            }
            update = created;
        }
        var current = revisions.FirstOrDefault(r => r.Name == set.CurrentRevisionName) ?? update;
        return (current, update, collisionCount);
    }

    Status UpdateStatefulSet(Sts set, Rev current, Rev update, long collisionCount, List<JsonObject> pods)
    {
        var currentTemplate = TemplateOf(current);
        var updateTemplate = TemplateOf(update);
        var status = new Status
        {
            ObservedGeneration = set.Obj.Generation(),
            CurrentRevision = current.Name,
            UpdateRevision = update.Name,
            CollisionCount = collisionCount,
        };

        var replicas = new JsonObject[Math.Max(set.Replicas, 0)];
        var condemned = new List<JsonObject>();
        foreach (var pod in pods)
        {
            var ord = ParentAndOrdinal(pod).Ordinal;
            if (ord >= set.StartOrdinal && ord <= set.EndOrdinal) replicas[ord - set.StartOrdinal] = pod;
            else if (ord >= 0) condemned.Add(pod);
        }
        for (var ord = set.StartOrdinal; ord <= set.EndOrdinal; ord++)
        {
            var i = ord - set.StartOrdinal;
            if (replicas[i] is not null) continue;
            var useCurrent = (set.StrategyType == "RollingUpdate" && set.RollingUpdate is null && ord < set.StartOrdinal + set.StatusCurrentReplicas)
                || (set.RollingUpdate is not null && ord < set.StartOrdinal + set.Partition);
            replicas[i] = NewPod(set, useCurrent ? currentTemplate : updateTemplate, useCurrent ? current.Name : update.Name, ord);
        }
        condemned.Sort((a, b) => ParentAndOrdinal(b).Ordinal.CompareTo(ParentAndOrdinal(a).Ordinal));

        JsonObject? firstUnhealthy = replicas.FirstOrDefault(p => !IsHealthy(p));
        for (var i = condemned.Count - 1; i >= 0 && firstUnhealthy is null; i--)
            if (!IsHealthy(condemned[i])) firstUnhealthy = condemned[i];

        if (set.Obj.IsDeleting())
        {
            Count(status, set.MinReadySeconds, current, update, replicas, condemned);
            return status;
        }

        for (var i = 0; i < replicas.Length; i++)
        {
            if (ProcessReplica(set, replicas, i) && set.Monotonic)
            {
                Count(status, set.MinReadySeconds, current, update, replicas, condemned);
                return status;
            }
        }

        // processCondemned: scale down from the highest ordinal; OrderedReady removes one pod per sync and only
        // once the pods below it are healthy (the first unhealthy pod may always go).
        foreach (var pod in condemned)
        {
            if (pod.IsDeleting())
            {
                if (!set.Monotonic) continue;
                Count(status, set.MinReadySeconds, current, update, replicas, condemned);
                return status;
            }
            if (set.Monotonic && pod != firstUnhealthy
                && (!IsRunningAndReady(pod) || !IsRunningAndAvailable(pod, set.MinReadySeconds, ctx.Now)))
            {
                Count(status, set.MinReadySeconds, current, update, replicas, condemned);
                return status;
            }
            DeletePod(set, pod);
            if (set.Monotonic)
            {
                Count(status, set.MinReadySeconds, current, update, replicas, condemned);
                return status;
            }
        }

        Count(status, set.MinReadySeconds, current, update, replicas, condemned);
        if (set.StrategyType == "OnDelete") return status;

        var updateMin = set.RollingUpdate is null ? 0 : set.Partition;
        for (var target = replicas.Length - 1; target >= updateMin; target--)
        {
            var pod = replicas[target];
            if (Revision(pod) != update.Name && !pod.IsDeleting())
            {
                DeletePod(set, pod);
                status.CurrentReplicas--;
                return status;
            }
            if (!IsHealthy(pod)) return status;
        }
        return status;
    }

    /// <summary><c>processReplica</c>: true when the sync must stop here (OrderedReady waits for each pod in turn).</summary>
    bool ProcessReplica(Sts set, JsonObject[] replicas, int i)
    {
        var pod = replicas[i];
        var phase = PodUtil.Phase(pod);
        if (phase is "Failed" or "Succeeded")
        {
            if (!pod.IsDeleting()) DeletePod(set, pod);
            return true;
        }
        if (phase.Length == 0)
        {
            var created = ctx.Store.Create(ResourceKinds.Pods, pod);
            ctx.Events.Normal(set.Obj, "SuccessfulCreate", $"create Pod {created.Name()} in StatefulSet {set.Name} successful", Component);
            if (set.Monotonic) return true;
            return false;
        }
        if (pod.IsDeleting() && set.Monotonic) return true;
        if (!IsRunningAndReady(pod) && set.Monotonic) return true;
        if (!IsRunningAndAvailable(pod, set.MinReadySeconds, ctx.Now) && set.Monotonic) return true;
        return false;
    }

    void DeletePod(Sts set, JsonObject pod)
    {
        try
        {
            ctx.Store.Delete(ResourceKinds.Pods, pod.Namespace(), pod.Name());
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return;
        }
        ctx.Events.Normal(set.Obj, "SuccessfulDelete", $"delete Pod {pod.Name()} in StatefulSet {set.Name} successful", Component);
    }

    /// <summary><c>updateStatus</c>/<c>computeReplicaStatus</c> over the live replicas and the condemned ones.</summary>
    void Count(Status status, int minReadySeconds, Rev current, Rev update, JsonObject[] replicas, List<JsonObject> condemned)
    {
        status.Replicas = status.ReadyReplicas = status.AvailableReplicas = status.CurrentReplicas = status.UpdatedReplicas = 0;
        var now = ctx.Now;
        foreach (var pod in replicas.Concat(condemned))
        {
            var created = PodUtil.Phase(pod).Length > 0;
            if (created) status.Replicas++;
            if (IsRunningAndReady(pod))
            {
                status.ReadyReplicas++;
                if (IsRunningAndAvailable(pod, minReadySeconds, now)) status.AvailableReplicas++;
            }
            if (created && !pod.IsDeleting())
            {
                var revision = Revision(pod);
                if (revision == current.Name) status.CurrentReplicas++;
                if (revision == update.Name) status.UpdatedReplicas++;
            }
        }
    }

    /// <summary><c>truncateHistory</c>: keep revisionHistoryLimit revisions that no pod and neither status revision uses.</summary>
    void TruncateHistory(Sts set, List<JsonObject> pods, List<Rev> revisions, Rev current, Rev update)
    {
        var live = new HashSet<string>(StringComparer.Ordinal) { current.Name, update.Name };
        foreach (var pod in pods) live.Add(Revision(pod));
        var history = revisions.Where(r => !live.Contains(r.Name)).ToList();
        if (history.Count <= set.RevisionHistoryLimit) return;
        foreach (var r in history.Take(history.Count - set.RevisionHistoryLimit))
        {
            try
            {
                ctx.Store.Delete(ResourceKinds.ControllerRevisions, set.Ns, r.Name);
            }
            catch (ApiException e) when (e.Code == 404)
            {
            }
        }
    }

    JsonObject NewPod(Sts set, JsonNode? template, string revision, int ordinal)
    {
        var name = $"{set.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var pod = PodUtil.FromTemplate(template, set.Obj, ResourceKinds.StatefulSets, name, null);
        var labels = pod.Meta().Obj("labels");
        labels[PodNameLabel] = name;
        if (ctx.KubeMinor >= 28) labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
        labels[RevisionLabel] = revision;
        var spec = (JsonObject)pod["spec"]!;
        spec["hostname"] = name;
        if (set.Obj.At("spec", "serviceName").AsString() is { Length: > 0 } service) spec["subdomain"] = service;
        foreach (var claim in set.Obj.At("spec", "volumeClaimTemplates").Objects())
        {
            var claimName = claim.At("metadata", "name").AsString();
            if (claimName is null) continue;
            var volumes = spec["volumes"] as JsonArray ?? [];
            if (!volumes.Objects().Any(v => v["name"].AsString() == claimName))
                volumes.Add(new JsonObject
                {
                    ["name"] = claimName,
                    ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{claimName}-{name}" },
                });
            spec["volumes"] = volumes;
        }
        // Not yet created: no phase, so it is not counted until the apiserver has it (isCreated).
        pod.Remove("status");
        return pod;
    }

    static JsonNode? TemplateOf(Rev revision)
    {
        var template = JsonNode.Parse(revision.Data).At("spec", "template")?.DeepClone() as JsonObject;
        template?.Remove("$patch");
        return template;
    }

    static (string Parent, int Ordinal) ParentAndOrdinal(JsonObject pod)
    {
        var m = OrdinalPattern().Match(pod.Name());
        return m.Success && int.TryParse(m.Groups[2].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ord) ? (m.Groups[1].Value, ord) : ("", -1);
    }

    static string Revision(JsonObject pod) => pod.Labels().GetValueOrDefault(RevisionLabel, "");

    static bool IsRunningAndReady(JsonObject pod) => PodUtil.Phase(pod) == "Running" && PodUtil.IsReady(pod);

    static bool IsRunningAndAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now) =>
        PodUtil.Phase(pod) == "Running" && PodUtil.IsAvailable(pod, minReadySeconds, now);

    static bool IsHealthy(JsonObject pod) => IsRunningAndReady(pod) && !pod.IsDeleting();
}
