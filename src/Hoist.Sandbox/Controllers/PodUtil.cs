using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>k8s.io/kubernetes/pkg/api/v1/pod helpers the controllers count with.</summary>
internal static class PodUtil
{
    public static string Phase(JsonObject pod) => pod.At("status", "phase").AsString() ?? "";

    public static JsonObject? Condition(JsonObject pod, string type) =>
        pod.At("status", "conditions").Objects().FirstOrDefault(c => c["type"].AsString() == type);

    public static bool IsReady(JsonObject pod) => Condition(pod, "Ready")?["status"].AsString() == "True";

    /// <summary>Ready for at least minReadySeconds, measured strictly (<c>LastTransitionTime + minReady &lt; now</c>).</summary>
    public static bool IsAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod)) return false;
        if (minReadySeconds == 0) return true;
        var since = Condition(pod, "Ready")?["lastTransitionTime"].AsTime();
        return since is { } t && t.AddSeconds(minReadySeconds) < now;
    }

    /// <summary>When a ready pod becomes available, or null when it is not ready or already available.</summary>
    public static DateTimeOffset? AvailableAt(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod) || minReadySeconds == 0 || IsAvailable(pod, minReadySeconds, now)) return null;
        var since = Condition(pod, "Ready")?["lastTransitionTime"].AsTime() ?? now;
        return since.AddSeconds(minReadySeconds).AddMilliseconds(1);
    }

    /// <summary><c>controller.IsPodActive</c>: not finished and not being deleted.</summary>
    public static bool IsActive(JsonObject pod) => Phase(pod) is not ("Succeeded" or "Failed") && !pod.IsDeleting();

    /// <summary>
    /// A pod built from a controller's template, as <c>controller.GetPodFromTemplate</c> does, with what the
    /// apiserver's admission and defaulting add on create (service account, default tolerations, Pending phase).
    /// </summary>
    public static JsonObject FromTemplate(JsonNode? template, JsonObject owner, ResourceKind ownerKind, string? name, string? generateName)
    {
        var meta = new JsonObject { ["namespace"] = owner.Namespace() };
        if (name is not null) meta["name"] = name;
        if (generateName is not null) meta["generateName"] = generateName;
        if (template.At("metadata", "labels") is JsonObject labels) meta["labels"] = labels.DeepClone();
        if (template.At("metadata", "annotations") is JsonObject annotations) meta["annotations"] = annotations.DeepClone();
        if (template.At("metadata", "finalizers") is JsonArray finalizers) meta["finalizers"] = finalizers.DeepClone();
        meta["ownerReferences"] = new JsonArray(Js.ControllerRefTo(owner, ownerKind));
        var spec = template.At("spec")?.DeepClone() as JsonObject ?? [];
        ApplyAdmissionDefaults(spec);
        return new JsonObject
        {
            ["metadata"] = meta,
            ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(spec) },
        };
    }

    static void ApplyAdmissionDefaults(JsonObject spec)
    {
        spec["serviceAccountName"] ??= "default";
        spec["serviceAccount"] ??= spec["serviceAccountName"]!.DeepClone();
        spec["enableServiceLinks"] ??= true;
        spec["priority"] ??= 0;
        spec["preemptionPolicy"] ??= "PreemptLowerPriority";
        // DefaultTolerationSeconds admission.
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var key in (string[])["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"])
            if (!tolerations.Objects().Any(t => t["key"].AsString() == key && t["effect"].AsString() == "NoExecute"))
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
        spec["tolerations"] = tolerations;
    }

    /// <summary>core/v1 qos.GetPodQOS, simplified to cpu and memory.</summary>
    public static string QosClass(JsonObject spec)
    {
        var containers = spec["containers"].Objects().Concat(spec["initContainers"].Objects()).ToList();
        var any = false;
        var guaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var requests = c.At("resources", "requests").StringMap();
            var limits = c.At("resources", "limits").StringMap();
            if (requests.Count > 0 || limits.Count > 0) any = true;
            foreach (var r in (string[])["cpu", "memory"])
            {
                if (!limits.TryGetValue(r, out var limit)) guaranteed = false;
                else if (requests.TryGetValue(r, out var request) && request != limit) guaranteed = false;
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
