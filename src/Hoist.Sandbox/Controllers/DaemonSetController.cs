using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// pkg/controller/daemon (daemon_controller.go, update.go): one pod per eligible node, pinned by node affinity,
/// ControllerRevisions named <c>&lt;ds&gt;-&lt;hash&gt;</c>, pods labelled with the bare hash, and a rolling update
/// (maxSurge 0) that deletes old pods within maxUnavailable and lets the next sync create their replacements.
/// </summary>
internal sealed class DaemonSetController(ControllerContext ctx)
{
    const string Component = "daemonset-controller";
    const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";
    const string TemplateGenerationLabel = "pod-template-generation";

    sealed class Ds(JsonObject obj)
    {
        public JsonObject Obj { get; } = obj;
        public string Name => Obj.Name();
        public string Ns => Obj.Namespace() ?? "";
        public JsonNode? Template => Obj.At("spec", "template");
        public bool RollingUpdate { get; } = (obj.At("spec", "updateStrategy", "type").AsString() ?? "RollingUpdate") == "RollingUpdate";
        public JsonNode MaxUnavailableValue { get; } = obj.At("spec", "updateStrategy", "rollingUpdate", "maxUnavailable") ?? JsonValue.Create(1);
        public JsonNode MaxSurgeValue { get; } = obj.At("spec", "updateStrategy", "rollingUpdate", "maxSurge") ?? JsonValue.Create(0);
        public int MinReadySeconds { get; } = obj.At("spec", "minReadySeconds").AsInt() ?? 0;
        public int RevisionHistoryLimit { get; } = obj.At("spec", "revisionHistoryLimit").AsInt() ?? 10;
        public long? CollisionCount { get; } = obj.At("status", "collisionCount").AsLong();
        public string? TemplateGeneration { get; } = obj.Annotations().GetValueOrDefault(TemplateGenerationAnnotation);
    }

    public void Sync(string ns, string name)
    {
        if (ctx.Cache.Get(ResourceKinds.DaemonSets, ns, name) is not { } obj) return;
        var ds = new Ds(obj);
        if (ds.Template is null) return;
        var nodes = ctx.Cache.List(ResourceKinds.Nodes).ToList();

        if (ConstructHistory(ds) is not var (hash, old)) return;
        var changed = false;
        if (!obj.IsDeleting())
        {
            changed = Manage(ds, nodes, hash);
            // The real controller waits for its creations and deletions to be observed (expectations) before a
            // rolling update; the pod events this sync caused will run it.
            if (!changed && ds.RollingUpdate) RollingUpdate(ds, nodes, hash);
            CleanupHistory(ds, old);
        }
        UpdateStatus(ds, nodes, hash);
    }

    /// <summary><c>constructHistory</c>: the revision matching the template (created when missing) and the old ones.</summary>
    (string Hash, List<Rev> Old)? ConstructHistory(Ds ds)
    {
        var revisions = ctx.Cache.Controlled(ResourceKinds.ControllerRevisions, ds.Obj).Select(r => new Rev(r)).ToList();
        var data = Hashing.RevisionData(ds.Template);
        var current = revisions.Where(r => r.Data == data).ToList();
        var old = revisions.Where(r => r.Data != data).ToList();
        var next = (old.Count == 0 ? 0 : old.Max(r => r.Revision)) + 1;
        Rev cur;
        if (current.Count == 0)
        {
            var hash = Hashing.PodTemplateHash(ds.Template, ds.CollisionCount);
            var labels = ds.Template.At("metadata", "labels").StringMap();
            labels[StatefulSetController.RevisionLabel] = hash;
            var created = Rev.Create(ctx, ds.Obj, ResourceKinds.DaemonSets, new Rev(Rev.NameFor(ds.Name, hash), next, data, labels), StatefulSetController.RevisionLabel);
            if (created is null)
            {
                var status = (ds.Obj["status"]?.DeepClone() as JsonObject) ?? [];
                status["collisionCount"] = (ds.CollisionCount ?? 0) + 1;
                ctx.Store.Mutate(ResourceKinds.DaemonSets, ds.Ns, ds.Name, o => o["status"] = status, statusOnly: true);
                return null;
            }
            cur = created;
        }
        else
        {
            current.Sort(Rev.ByRevision);
            cur = current[^1];
            // dedupCurHistories: keep the newest equal revision.
            foreach (var dup in current.Take(current.Count - 1)) TryDelete(ResourceKinds.ControllerRevisions, ds.Ns, dup.Name);
            if (cur.Revision < next) cur.SetRevision(ctx, next);
        }
        var curHash = cur.Labels.GetValueOrDefault(StatefulSetController.RevisionLabel) ?? cur.Name;
        return (curHash, old);
    }

    Dictionary<string, List<JsonObject>> NodeToPods(Ds ds)
    {
        var map = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var pod in ctx.Cache.Controlled(ResourceKinds.Pods, ds.Obj))
        {
            var node = TargetNode(pod);
            if (node is null) continue;
            if (!map.TryGetValue(node, out var list)) map[node] = list = [];
            list.Add(pod);
        }
        foreach (var list in map.Values) list.Sort(ByCreationAndPhase);
        return map;
    }

    /// <summary><c>util.GetTargetNodeName</c>: the bound node, or the one the pod's node affinity names.</summary>
    static string? TargetNode(JsonObject pod)
    {
        if (pod.At("spec", "nodeName").AsString() is { Length: > 0 } node) return node;
        foreach (var term in pod.At("spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").Objects())
            foreach (var field in term["matchFields"].Objects())
                if (field["key"].AsString() == "metadata.name" && field["operator"].AsString() == "In" && field["values"] is JsonArray { Count: 1 } values)
                    return values[0].AsString();
        return null;
    }

    /// <summary><c>podByCreationTimestampAndPhase</c>: running pods first, then oldest.</summary>
    static int ByCreationAndPhase(JsonObject a, JsonObject b)
    {
        var aRunning = PodUtil.Phase(a) == "Running";
        var bRunning = PodUtil.Phase(b) == "Running";
        if (aRunning != bRunning) return aRunning ? -1 : 1;
        var c = a.Created().CompareTo(b.Created());
        return c != 0 ? c : string.CompareOrdinal(a.Name(), b.Name());
    }

    bool ShouldRun(Ds ds, JsonObject node)
    {
        var selector = ds.Template.At("spec", "nodeSelector").StringMap();
        var labels = node.Labels();
        return selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);
    }

    /// <summary><c>manage</c>: create the missing daemon pods, delete extra ones and ones on nodes they should not run on.</summary>
    bool Manage(Ds ds, List<JsonObject> nodes, string hash)
    {
        var nodeToPods = NodeToPods(ds);
        var needing = new List<string>();
        var toDelete = new List<JsonObject>();
        foreach (var node in nodes)
        {
            var shouldRun = ShouldRun(ds, node);
            var exists = nodeToPods.TryGetValue(node.Name(), out var pods);
            if (shouldRun && !exists) needing.Add(node.Name());
            else if (shouldRun)
            {
                var running = new List<JsonObject>();
                foreach (var pod in pods!)
                {
                    if (pod.IsDeleting()) continue;
                    if (PodUtil.Phase(pod) is "Failed" or "Succeeded") toDelete.Add(pod);
                    else running.Add(pod);
                }
                if (running.Count > 1) toDelete.AddRange(running.Skip(1));
            }
            else if (exists) toDelete.AddRange(pods!.Where(p => !p.IsDeleting()));
        }
        var nodeNames = nodes.Select(n => n.Name()).ToHashSet(StringComparer.Ordinal);
        foreach (var (node, pods) in nodeToPods)
            if (!nodeNames.Contains(node)) toDelete.AddRange(pods.Where(p => !p.IsDeleting() && p.At("spec", "nodeName").AsString() is not { Length: > 0 }));
        SyncNodes(ds, toDelete, needing, hash);
        return needing.Count > 0 || toDelete.Count > 0;
    }

    void SyncNodes(Ds ds, List<JsonObject> toDelete, List<string> nodesNeedingPods, string hash)
    {
        foreach (var node in nodesNeedingPods)
        {
            var pod = PodUtil.FromTemplate(ds.Template, ds.Obj, ResourceKinds.DaemonSets, null, $"{ds.Name}-");
            var labels = pod.Meta().Obj("labels");
            if (ds.TemplateGeneration is not null) labels[TemplateGenerationLabel] = ds.TemplateGeneration;
            labels[StatefulSetController.RevisionLabel] = hash;
            var spec = (JsonObject)pod["spec"]!;
            AddDaemonTolerations(spec);
            spec.Obj("affinity").Obj("nodeAffinity")["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
            {
                ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                {
                    ["matchFields"] = new JsonArray(new JsonObject { ["key"] = "metadata.name", ["operator"] = "In", ["values"] = new JsonArray(node) }),
                }),
            };
            var created = ctx.Store.Create(ResourceKinds.Pods, pod);
            ctx.Events.Normal(ds.Obj, "SuccessfulCreate", $"Created pod: {created.Name()}", Component);
        }
        foreach (var pod in toDelete)
        {
            if (!TryDelete(ResourceKinds.Pods, pod.Namespace() ?? "", pod.Name())) continue;
            ctx.Events.Normal(ds.Obj, "SuccessfulDelete", $"Deleted pod: {pod.Name()}", Component);
        }
    }

    /// <summary><c>util.AddOrUpdateDaemonPodTolerations</c>: daemon pods stay through node conditions.</summary>
    static void AddDaemonTolerations(JsonObject spec)
    {
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        void Add(string key, string effect)
        {
            if (tolerations.Objects().Any(t => t["key"].AsString() == key && t["effect"].AsString() == effect)) return;
            tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = effect });
        }
        Add("node.kubernetes.io/not-ready", "NoExecute");
        Add("node.kubernetes.io/unreachable", "NoExecute");
        Add("node.kubernetes.io/disk-pressure", "NoSchedule");
        Add("node.kubernetes.io/memory-pressure", "NoSchedule");
        Add("node.kubernetes.io/pid-pressure", "NoSchedule");
        Add("node.kubernetes.io/unschedulable", "NoSchedule");
        if (spec["hostNetwork"].AsBool()) Add("node.kubernetes.io/network-unavailable", "NoSchedule");
        spec["tolerations"] = tolerations;
    }

    /// <summary><c>rollingUpdate</c> without surge: delete old pods while fewer than maxUnavailable nodes are unavailable.</summary>
    void RollingUpdate(Ds ds, List<JsonObject> nodes, string hash)
    {
        var nodeToPods = NodeToPods(ds);
        var desired = nodes.Count(n => ShouldRun(ds, n));
        var maxUnavailable = RolloutMath.ScaledValue(ds.MaxUnavailableValue, desired, roundUp: true);
        var maxSurge = RolloutMath.ScaledValue(ds.MaxSurgeValue, desired, roundUp: true);
        if (maxUnavailable == 0 && maxSurge == 0) maxUnavailable = 1;
        var now = ctx.Now;
        var numUnavailable = 0;
        var toDelete = new List<JsonObject>();
        var candidates = new List<JsonObject>();
        foreach (var (_, pods) in nodeToPods.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var live = pods.Where(p => !p.IsDeleting()).ToList();
            if (live.Count > 2 || live.Count(p => IsUpdated(ds, p, hash)) > 1 || live.Count(p => !IsUpdated(ds, p, hash)) > 1)
            {
                numUnavailable++;
                continue;
            }
            var newPod = live.FirstOrDefault(p => IsUpdated(ds, p, hash));
            var oldPod = live.FirstOrDefault(p => !IsUpdated(ds, p, hash));
            if ((newPod is null && oldPod is null) || (newPod is not null && oldPod is not null)) numUnavailable++;
            else if (newPod is not null)
            {
                if (!PodUtil.IsAvailable(newPod, ds.MinReadySeconds, now)) numUnavailable++;
            }
            else if (!PodUtil.IsAvailable(oldPod!, ds.MinReadySeconds, now))
            {
                toDelete.Add(oldPod!);
                numUnavailable++;
            }
            else if (numUnavailable < maxUnavailable) candidates.Add(oldPod!);
        }
        var remaining = Math.Clamp(maxUnavailable - numUnavailable, 0, candidates.Count);
        toDelete.AddRange(candidates.Take(remaining));
        SyncNodes(ds, toDelete, [], hash);
    }

    /// <summary>
    /// <c>util.IsPodUpdated</c> by hash. The template-generation match is left out: it is only right when the
    /// apiserver bumps the generation annotation on every template change, and the hash alone is always right.
    /// </summary>
    static bool IsUpdated(Ds ds, JsonObject pod, string hash) =>
        hash.Length > 0 && pod.Labels().GetValueOrDefault(StatefulSetController.RevisionLabel) == hash;

    /// <summary><c>cleanupHistory</c>: drop old revisions beyond revisionHistoryLimit that no pod still runs.</summary>
    void CleanupHistory(Ds ds, List<Rev> old)
    {
        var toKill = old.Count - ds.RevisionHistoryLimit;
        if (toKill <= 0) return;
        var liveHashes = ctx.Cache.Controlled(ResourceKinds.Pods, ds.Obj)
            .Select(p => p.Labels().GetValueOrDefault(StatefulSetController.RevisionLabel)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        old.Sort(Rev.ByRevision);
        foreach (var r in old)
        {
            if (toKill <= 0) break;
            if (r.Labels.TryGetValue(StatefulSetController.RevisionLabel, out var h) && liveHashes.Contains(h)) continue;
            TryDelete(ResourceKinds.ControllerRevisions, ds.Ns, r.Name);
            toKill--;
        }
    }

    void UpdateStatus(Ds ds, List<JsonObject> nodes, string hash)
    {
        var nodeToPods = NodeToPods(ds);
        var now = ctx.Now;
        int desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
        DateTimeOffset? nextAvailable = null;
        foreach (var node in nodes)
        {
            var scheduled = nodeToPods.TryGetValue(node.Name(), out var pods) && pods.Count > 0;
            if (ShouldRun(ds, node))
            {
                desired++;
                if (!scheduled) continue;
                current++;
                var pod = pods![0];
                if (PodUtil.IsReady(pod))
                {
                    ready++;
                    if (PodUtil.IsAvailable(pod, ds.MinReadySeconds, now)) available++;
                    else if (PodUtil.AvailableAt(pod, ds.MinReadySeconds, now) is { } at && (nextAvailable is null || at < nextAvailable)) nextAvailable = at;
                }
                if (IsUpdated(ds, pod, hash)) updated++;
            }
            else if (scheduled) misscheduled++;
        }

        var status = new JsonObject
        {
            ["currentNumberScheduled"] = current,
            ["numberMisscheduled"] = misscheduled,
            ["desiredNumberScheduled"] = desired,
            ["numberReady"] = ready,
        };
        if (ds.Obj.Generation() != 0) status["observedGeneration"] = ds.Obj.Generation();
        if (updated != 0) status["updatedNumberScheduled"] = updated;
        if (available != 0) status["numberAvailable"] = available;
        if (desired - available != 0) status["numberUnavailable"] = desired - available;
        if (ds.CollisionCount is { } cc) status["collisionCount"] = cc;
        if (ds.Obj.At("status", "conditions") is JsonArray { Count: > 0 } conditions) status["conditions"] = conditions.DeepClone();
        if (Js.SortedJson(status) != Js.SortedJson(ds.Obj["status"]))
            ctx.Store.Mutate(ResourceKinds.DaemonSets, ds.Ns, ds.Name, o => o["status"] = status, statusOnly: true);
        if (nextAvailable is { } when) ctx.EnqueueAfter(new WorkItem(Work.DaemonSet, ds.Ns, ds.Name), when - now);
    }

    bool TryDelete(ResourceKind kind, string ns, string name)
    {
        try
        {
            ctx.Store.Delete(kind, ns, name);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }
}
