using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Admission;

/// <summary>
/// Server-side defaulting as the apiserver applies it on create and update (k8s.io/kubernetes
/// <c>pkg/apis/*/v1/defaults.go</c>), so <c>-o yaml</c> looks real and templates of a Deployment and of its
/// ReplicaSets default identically (the deployment controller compares them).
/// </summary>
public static class Defaulting
{
    public static void Apply(ResourceKind kind, JsonObject obj)
    {
        RemoveNulls(obj);
        switch (kind.Plural)
        {
            case "deployments": Deployment(obj); break;
            case "replicasets": ReplicaSet(obj); break;
            case "statefulsets": StatefulSet(obj); break;
            case "daemonsets": DaemonSet(obj); break;
            case "jobs": Job(obj.Obj("spec")); break;
            case "cronjobs": CronJob(obj); break;
            case "pods": Pod(obj); break;
            case "namespaces": Namespace(obj); break;
        }
    }

    static void Deployment(JsonObject d)
    {
        var spec = d.Obj("spec");
        spec.TryAdd("replicas", 1);
        var strategy = spec.Obj("strategy");
        strategy.TryAdd("type", "RollingUpdate");
        if (strategy.Str("type") == "RollingUpdate")
        {
            var ru = strategy.Obj("rollingUpdate");
            ru.TryAdd("maxUnavailable", "25%");
            ru.TryAdd("maxSurge", "25%");
        }
        spec.TryAdd("revisionHistoryLimit", 10);
        spec.TryAdd("progressDeadlineSeconds", 600);
        PodTemplate(spec);
    }

    static void ReplicaSet(JsonObject rs)
    {
        var spec = rs.Obj("spec");
        spec.TryAdd("replicas", 1);
        PodTemplate(spec);
    }

    static void StatefulSet(JsonObject s)
    {
        var spec = s.Obj("spec");
        spec.TryAdd("podManagementPolicy", "OrderedReady");
        var strategy = spec.Obj("updateStrategy");
        strategy.TryAdd("type", "RollingUpdate");
        if (strategy.Str("type") == "RollingUpdate") strategy.Obj("rollingUpdate").TryAdd("partition", 0);
        spec.TryAdd("replicas", 1);
        spec.TryAdd("revisionHistoryLimit", 10);
        var retention = spec.Obj("persistentVolumeClaimRetentionPolicy");
        retention.TryAdd("whenDeleted", "Retain");
        retention.TryAdd("whenScaled", "Retain");
        if (spec["volumeClaimTemplates"] is JsonArray claims)
        {
            foreach (var claim in claims.OfType<JsonObject>())
            {
                claim.TryAdd("apiVersion", "v1");
                claim.TryAdd("kind", "PersistentVolumeClaim");
                claim.Obj("spec").TryAdd("volumeMode", "Filesystem");
                claim.Obj("status").TryAdd("phase", "Pending");
            }
        }
        PodTemplate(spec);
    }

    static void DaemonSet(JsonObject ds)
    {
        var spec = ds.Obj("spec");
        var strategy = spec.Obj("updateStrategy");
        strategy.TryAdd("type", "RollingUpdate");
        if (strategy.Str("type") == "RollingUpdate")
        {
            var ru = strategy.Obj("rollingUpdate");
            ru.TryAdd("maxUnavailable", 1);
            ru.TryAdd("maxSurge", 0);
        }
        spec.TryAdd("revisionHistoryLimit", 10);
        PodTemplate(spec);
    }

    static void Job(JsonObject spec)
    {
        var indexed = spec.Str("completionMode") == "Indexed";
        spec.TryAdd("completionMode", "NonIndexed");
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
            spec["parallelism"] = 1;
        }
        spec.TryAdd("parallelism", 1);
        spec.TryAdd("backoffLimit", indexed && spec["backoffLimitPerIndex"] is not null ? int.MaxValue : 6);
        spec.TryAdd("suspend", false);
        spec.TryAdd("podReplacementPolicy", "TerminatingOrFailed");
        PodTemplate(spec);
    }

    static void CronJob(JsonObject cj)
    {
        var spec = cj.Obj("spec");
        spec.TryAdd("concurrencyPolicy", "Allow");
        spec.TryAdd("suspend", false);
        spec.TryAdd("successfulJobsHistoryLimit", 3);
        spec.TryAdd("failedJobsHistoryLimit", 1);
        var jobTemplate = spec.Obj("jobTemplate");
        var jobSpec = jobTemplate.Obj("spec");
        jobTemplate.Obj("metadata");
        // The job template is defaulted like a Job, minus what the Job's own creation fills in.
        Job(jobSpec);
    }

    static void Namespace(JsonObject ns)
    {
        var labels = ns.Meta().Obj("labels");
        labels["kubernetes.io/metadata.name"] = ns.Name();
        ns.Obj("spec").TryAdd("finalizers", new JsonArray("kubernetes"));
        ns.Obj("status").TryAdd("phase", "Active");
    }

    /// <summary>Defaults <c>spec.template</c> the way every workload's pod template is defaulted.</summary>
    static void PodTemplate(JsonObject workloadSpec)
    {
        var template = workloadSpec.Obj("template");
        var meta = template.Obj("metadata");
        // A real apiserver serialises the unset template timestamp as null; kubectl -o yaml shows it.
        meta["creationTimestamp"] = null;
        PodSpec(template.Obj("spec"));
    }

    public static void PodSpec(JsonObject spec)
    {
        spec.TryAdd("restartPolicy", "Always");
        spec.TryAdd("terminationGracePeriodSeconds", 30);
        spec.TryAdd("dnsPolicy", "ClusterFirst");
        spec.TryAdd("securityContext", new JsonObject());
        spec.TryAdd("schedulerName", "default-scheduler");
        if (spec["containers"] is JsonArray containers)
            foreach (var c in containers.OfType<JsonObject>()) Container(c);
        if (spec["initContainers"] is JsonArray init)
            foreach (var c in init.OfType<JsonObject>()) Container(c);
        if (spec["volumes"] is JsonArray volumes)
        {
            foreach (var v in volumes.OfType<JsonObject>())
            {
                if (v["configMap"] is JsonObject cm) cm.TryAdd("defaultMode", 420);
                if (v["secret"] is JsonObject secret) secret.TryAdd("defaultMode", 420);
                if (v["downwardAPI"] is JsonObject dapi) dapi.TryAdd("defaultMode", 420);
                if (v["projected"] is JsonObject projected) projected.TryAdd("defaultMode", 420);
                if (v["hostPath"] is JsonObject hp) hp.TryAdd("type", "");
                var hasSource = v.Any(p => p.Key != "name");
                if (!hasSource) v["emptyDir"] = new JsonObject();
            }
        }
    }

    static void Container(JsonObject c)
    {
        c.TryAdd("terminationMessagePath", "/dev/termination-log");
        c.TryAdd("terminationMessagePolicy", "File");
        c.TryAdd("imagePullPolicy", PullPolicy(c.Str("image")));
        c.TryAdd("resources", new JsonObject());
        if (c["ports"] is JsonArray ports)
            foreach (var p in ports.OfType<JsonObject>()) p.TryAdd("protocol", "TCP");
        if (c["env"] is JsonArray env)
        {
            foreach (var e in env.OfType<JsonObject>())
                if (e["valueFrom"] is JsonObject vf && vf["fieldRef"] is JsonObject fr) fr.TryAdd("apiVersion", "v1");
        }
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (c[probe] is not JsonObject p) continue;
            p.TryAdd("timeoutSeconds", 1);
            p.TryAdd("periodSeconds", 10);
            p.TryAdd("successThreshold", 1);
            p.TryAdd("failureThreshold", 3);
            if (p["httpGet"] is JsonObject http) http.TryAdd("scheme", "HTTP");
        }
    }

    /// <summary>Always for <c>:latest</c> or an untagged image, else IfNotPresent (a digest counts as a tag).</summary>
    public static string PullPolicy(string? image)
    {
        if (string.IsNullOrEmpty(image)) return "IfNotPresent";
        if (image.Contains('@', StringComparison.Ordinal)) return "IfNotPresent";
        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        if (colon < 0) return "Always";
        return image[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    /// <summary>What the pod registry and admission add to a bare Pod on create.</summary>
    static void Pod(JsonObject pod)
    {
        var spec = pod.Obj("spec");
        PodSpec(spec);
        spec.TryAdd("enableServiceLinks", true);
        spec.TryAdd("serviceAccountName", "default");
        spec.TryAdd("serviceAccount", spec.Str("serviceAccountName"));
        spec.TryAdd("priority", 0);
        spec.TryAdd("preemptionPolicy", "PreemptLowerPriority");
        if (spec["tolerations"] is not JsonArray tolerations)
        {
            tolerations = [];
            spec["tolerations"] = tolerations;
        }
        foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            if (tolerations.OfType<JsonObject>().Any(t => t.Str("key") == key)) continue;
            tolerations.Add(new JsonObject
            {
                ["key"] = key,
                ["operator"] = "Exists",
                ["effect"] = "NoExecute",
                ["tolerationSeconds"] = 300,
            });
        }
    }

    /// <summary>What the pod strategy sets on create: a Pending status and the QoS class.</summary>
    public static void PodStatusOnCreate(JsonObject pod)
    {
        var status = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(pod) };
        pod["status"] = status;
    }

    static string QosClass(JsonObject pod)
    {
        var containers = (pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var anySet = false;
        var guaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var requests = c["resources"]?["requests"] as JsonObject;
            var limits = c["resources"]?["limits"] as JsonObject;
            if ((requests?.Count ?? 0) > 0 || (limits?.Count ?? 0) > 0) anySet = true;
            foreach (var r in new[] { "cpu", "memory" })
            {
                var limit = limits?[r]?.ToString();
                var request = requests?[r]?.ToString() ?? limit;
                if (limit is null || request != limit) guaranteed = false;
            }
        }
        if (!anySet) return "BestEffort";
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    /// <summary>
    /// Typed decoding on a real apiserver drops explicit nulls (<c>"creationTimestamp": null</c> in a template,
    /// <c>"replicas": null</c>); this does the same so stored objects compare as the apiserver's would.
    /// </summary>
    public static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    if (v is null) o.Remove(k);
                    else RemoveNulls(v);
                }
                break;
            case JsonArray a:
                foreach (var v in a) RemoveNulls(v);
                break;
        }
    }
}
