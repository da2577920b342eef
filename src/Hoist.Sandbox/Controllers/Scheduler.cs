using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// default-scheduler, reduced to what a fake cluster needs: filter nodes by readiness, nodeSelector and required
/// node affinity (which is how DaemonSet pods name their node), then spread by putting the pod on the node with
/// the fewest pods (ties go round-robin). Binding sets spec.nodeName and the PodScheduled condition together, as
/// the binding subresource does.
/// </summary>
internal sealed class Scheduler(ControllerContext ctx)
{
    const string Component = "default-scheduler";
    int _next;

    public void Schedule(JsonObject pod)
    {
        if (pod.IsDeleting() || PodUtil.Phase(pod) is "Succeeded" or "Failed") return;
        var nodes = ctx.Cache.List(ResourceKinds.Nodes).ToList();
        var fits = nodes.Where(n => IsReady(n) && !n.At("spec", "unschedulable").AsBool() && MatchesNodeSelector(pod, n) && MatchesAffinity(pod, n)).ToList();
        if (fits.Count == 0)
        {
            Unschedulable(pod, nodes.Count);
            return;
        }

        var start = _next++;
        var chosen = fits
            .Select((n, i) => (Node: n, Load: ctx.Cache.PodsOnNode(n.Name()), Turn: ((i - start) % fits.Count + fits.Count) % fits.Count))
            .OrderBy(x => x.Load).ThenBy(x => x.Turn).First().Node.Name();
        var now = Js.Timestamp(ctx.Now);
        var bound = ctx.Store.MutateObject(ResourceKinds.Pods, pod.Namespace(), pod.Name(), o =>
        {
            o.Obj("spec")["nodeName"] = chosen;
            SetScheduled(o.Obj("status"), "True", null, null, now);
        });
        if (bound is not null)
            ctx.Events.Normal(bound, "Scheduled", $"Successfully assigned {pod.Namespace()}/{pod.Name()} to {chosen}", Component);
    }

    void Unschedulable(JsonObject pod, int nodeCount)
    {
        var message = nodeCount == 0
            ? "no nodes available to schedule pods"
            : $"0/{nodeCount} nodes are available: {nodeCount} node(s) didn't match Pod's node affinity/selector. preemption: 0/{nodeCount} nodes are available: {nodeCount} Preemption is not helpful for scheduling.";
        var current = PodUtil.Condition(pod, "PodScheduled");
        if (current?["status"].AsString() == "False" && current["message"].AsString() == message) return;
        var now = Js.Timestamp(ctx.Now);
        var updated = ctx.Store.Mutate(ResourceKinds.Pods, pod.Namespace(), pod.Name(),
            o => SetScheduled(o.Obj("status"), "False", "Unschedulable", message, now), statusOnly: true);
        if (updated is not null) ctx.Events.Warning(updated, "FailedScheduling", message, Component);
    }

    static void SetScheduled(JsonObject status, string value, string? reason, string? message, string now)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        var existing = conditions.Objects().FirstOrDefault(c => c["type"].AsString() == "PodScheduled");
        var transition = existing?["status"].AsString() == value ? existing["lastTransitionTime"]?.DeepClone() : now;
        var condition = new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = value,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = transition,
        };
        if (reason is not null) condition["reason"] = reason;
        if (message is not null) condition["message"] = message;
        if (existing is not null) conditions[conditions.IndexOf(existing)] = condition;
        else conditions.Add(condition);
        status["conditions"] = conditions;
    }

    static bool IsReady(JsonObject node) =>
        node.At("status", "conditions").Objects().Any(c => c["type"].AsString() == "Ready" && c["status"].AsString() == "True");

    static bool MatchesNodeSelector(JsonObject pod, JsonObject node)
    {
        var selector = pod.At("spec", "nodeSelector").StringMap();
        if (selector.Count == 0) return true;
        var labels = node.Labels();
        return selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);
    }

    /// <summary>requiredDuringSchedulingIgnoredDuringExecution: any term may match; within a term every requirement must.</summary>
    static bool MatchesAffinity(JsonObject pod, JsonObject node)
    {
        var terms = pod.At("spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").Objects().ToList();
        if (terms.Count == 0) return true;
        var labels = node.Labels();
        var fields = new Dictionary<string, string> { ["metadata.name"] = node.Name() };
        return terms.Any(t =>
            t["matchExpressions"].Objects().All(e => Matches(e, labels))
            && t["matchFields"].Objects().All(e => Matches(e, fields))
            && (t["matchExpressions"].Objects().Any() || t["matchFields"].Objects().Any()));
    }

    static bool Matches(JsonObject requirement, IReadOnlyDictionary<string, string> values)
    {
        var key = requirement["key"].AsString() ?? "";
        var found = values.TryGetValue(key, out var value);
        var candidates = requirement["values"] is JsonArray a ? a.Select(v => v.AsString()).ToList() : [];
        return requirement["operator"].AsString() switch
        {
            "In" => found && candidates.Contains(value),
            "NotIn" => !found || !candidates.Contains(value),
            "Exists" => found,
            "DoesNotExist" => !found,
            "Gt" => found && long.TryParse(value, out var gv) && candidates.Count == 1 && long.TryParse(candidates[0], out var g) && gv > g,
            "Lt" => found && long.TryParse(value, out var lv) && candidates.Count == 1 && long.TryParse(candidates[0], out var l) && lv < l,
            _ => false,
        };
    }
}
