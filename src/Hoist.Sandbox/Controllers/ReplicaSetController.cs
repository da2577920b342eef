using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>pkg/controller/replicaset: keeps spec.replicas pods and reports how many are ready and available.</summary>
internal sealed class ReplicaSetController(ControllerContext ctx)
{
    const string Component = "replicaset-controller";
    const int BurstReplicas = 500;

    public void Sync(string ns, string name)
    {
        if (ctx.Cache.Get(ResourceKinds.ReplicaSets, ns, name) is not { } rs) return;
        var pods = ctx.Cache.Controlled(ResourceKinds.Pods, rs).Where(PodUtil.IsActive).ToList();
        var replicas = rs.At("spec", "replicas").AsInt() ?? 1;
        var minReadySeconds = rs.At("spec", "minReadySeconds").AsInt() ?? 0;
        if (!rs.IsDeleting()) ManageReplicas(rs, pods, replicas);

        var now = ctx.Now;
        var templateLabels = rs.At("spec", "template", "metadata", "labels").StringMap();
        int fullyLabeled = 0, ready = 0, available = 0;
        DateTimeOffset? nextAvailable = null;
        foreach (var pod in pods)
        {
            var labels = pod.Labels();
            if (templateLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)) fullyLabeled++;
            if (!PodUtil.IsReady(pod)) continue;
            ready++;
            if (PodUtil.IsAvailable(pod, minReadySeconds, now)) available++;
            else if (PodUtil.AvailableAt(pod, minReadySeconds, now) is { } at && (nextAvailable is null || at < nextAvailable)) nextAvailable = at;
        }

        var status = new JsonObject { ["replicas"] = pods.Count };
        if (fullyLabeled != 0) status["fullyLabeledReplicas"] = fullyLabeled;
        if (ready != 0) status["readyReplicas"] = ready;
        if (available != 0) status["availableReplicas"] = available;
        status["observedGeneration"] = rs.Generation();
        if (rs.At("status", "conditions") is JsonArray conditions) status["conditions"] = conditions.DeepClone();
        if (Js.SortedJson(status) != Js.SortedJson(rs["status"]))
            ctx.Store.Mutate(ResourceKinds.ReplicaSets, ns, name, o => o["status"] = status, statusOnly: true);

        // minReadySeconds: a ready pod becomes available later without any event, so wake up then.
        if (nextAvailable is { } when) ctx.EnqueueAfter(new WorkItem(Work.ReplicaSet, ns, name), when - now);
    }

    void ManageReplicas(JsonObject rs, List<JsonObject> pods, int replicas)
    {
        var diff = pods.Count - replicas;
        if (diff < 0)
        {
            var toCreate = Math.Min(-diff, BurstReplicas);
            for (var i = 0; i < toCreate; i++)
            {
                var pod = PodUtil.FromTemplate(rs.At("spec", "template"), rs, ResourceKinds.ReplicaSets, null, $"{rs.Name()}-");
                var created = ctx.Store.Create(ResourceKinds.Pods, pod);
                ctx.Events.Normal(rs, "SuccessfulCreate", $"Created pod: {created.Name()}", Component);
            }
        }
        else if (diff > 0)
        {
            foreach (var pod in PodsToDelete(rs, pods, Math.Min(diff, BurstReplicas)))
            {
                try
                {
                    ctx.Store.Delete(ResourceKinds.Pods, pod.Namespace(), pod.Name());
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    continue;
                }
                ctx.Events.Normal(rs, "SuccessfulDelete", $"Deleted pod: {pod.Name()}", Component);
            }
        }
    }

    /// <summary>
    /// <c>getPodsToDelete</c> with <c>ActivePodsWithRanks</c>: unscheduled, then pending, not ready, doubled up on a
    /// node with related pods, ready most recently, most restarts, newest.
    /// </summary>
    List<JsonObject> PodsToDelete(JsonObject rs, List<JsonObject> pods, int count)
    {
        var related = RelatedPods(rs);
        var podsOnNode = related.Where(PodUtil.IsActive)
            .GroupBy(p => p.At("spec", "nodeName").AsString() ?? "").ToDictionary(g => g.Key, g => g.Count());
        int Rank(JsonObject p) => podsOnNode.GetValueOrDefault(p.At("spec", "nodeName").AsString() ?? "");
        static int PhaseOrdinal(JsonObject p) => PodUtil.Phase(p) switch { "Pending" => 0, "Unknown" => 1, "Running" => 2, _ => 0 };
        static DateTimeOffset ReadySince(JsonObject p) => PodUtil.Condition(p, "Ready")?["lastTransitionTime"].AsTime() ?? DateTimeOffset.MinValue;
        static int MaxRestarts(JsonObject p) => p.At("status", "containerStatuses").Objects().Select(c => c["restartCount"].AsInt() ?? 0).DefaultIfEmpty(0).Max();
        static int DeletionCost(JsonObject p) =>
            int.TryParse(p.Annotations().GetValueOrDefault("controller.kubernetes.io/pod-deletion-cost"), out var c) ? c : 0;

        return pods
            .OrderBy(p => p.At("spec", "nodeName").AsString() is { Length: > 0 } ? 1 : 0)
            .ThenBy(PhaseOrdinal)
            .ThenBy(p => PodUtil.IsReady(p) ? 1 : 0)
            .ThenBy(DeletionCost)
            .ThenByDescending(Rank)
            .ThenByDescending(p => PodUtil.IsReady(p) ? ReadySince(p) : DateTimeOffset.MinValue)
            .ThenByDescending(MaxRestarts)
            .ThenByDescending(p => p.Created())
            .ThenBy(p => p.Name(), StringComparer.Ordinal)
            .Take(count)
            .ToList();
    }

    /// <summary>Pods of every ReplicaSet with the same controller (the Deployment's other revisions), as <c>getIndirectlyRelatedPods</c>.</summary>
    List<JsonObject> RelatedPods(JsonObject rs)
    {
        if (rs.ControllerRef()?["uid"].AsString() is not { } ownerUid || ctx.Cache.KeyOfUid(ownerUid) is not { } ownerKey
            || ctx.Cache.Get(ownerKey) is not { } owner)
            return ctx.Cache.Controlled(ResourceKinds.Pods, rs);
        return ctx.Cache.Controlled(ResourceKinds.ReplicaSets, owner).SelectMany(r => ctx.Cache.Controlled(ResourceKinds.Pods, r)).ToList();
    }
}
