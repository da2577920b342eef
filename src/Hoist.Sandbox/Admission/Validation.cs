using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hoist.Sandbox.Patching;
using Hoist.Sandbox.Selectors;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Admission;

/// <summary>
/// The subset of apiserver validation (k8s.io/kubernetes <c>pkg/apis/*/validation</c>) that clients actually run
/// into, with the apiserver's field paths and messages: names, labels, containers, selectors and their match
/// with the template, replicas and strategy values, and the immutable fields on update.
/// </summary>
public static partial class Validation
{
    const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    const string QualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^[0-9]+%$")]
    private static partial Regex Percent();

    public static void ValidateCreate(ResourceKind kind, JsonObject obj) => Validate(kind, obj, old: null);

    public static void ValidateUpdate(ResourceKind kind, JsonObject obj, JsonObject old) => Validate(kind, obj, old);

    static void Validate(ResourceKind kind, JsonObject obj, JsonObject? old)
    {
        var errors = new FieldErrors();
        var name = obj.Name();
        Metadata(kind, obj.Meta(), errors, isCreate: old is null);
        var spec = obj["spec"] as JsonObject ?? new JsonObject();
        switch (kind.Plural)
        {
            case "deployments":
                Workload(spec, errors, "deployment", restartAlways: true);
                DeploymentStrategy(spec, errors);
                NonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", errors);
                var deadline = spec.Long("progressDeadlineSeconds");
                if (deadline is not null && deadline <= (spec.Long("minReadySeconds") ?? 0))
                    errors.Invalid("spec.progressDeadlineSeconds", FieldErrors.GoInt(deadline.Value), "must be greater than minReadySeconds");
                break;
            case "replicasets":
                Workload(spec, errors, "replicaset", restartAlways: true);
                break;
            case "statefulsets":
                Workload(spec, errors, "statefulset", restartAlways: true);
                OneOf(spec["podManagementPolicy"], "spec.podManagementPolicy", errors, "OrderedReady", "Parallel");
                OneOf((spec["updateStrategy"] as JsonObject)?["type"], "spec.updateStrategy.type", errors, "OnDelete", "RollingUpdate");
                if (spec["updateStrategy"]?["rollingUpdate"]?["partition"] is JsonValue partition && partition.TryGetValue<long>(out var p) && p < 0)
                    errors.Invalid("spec.updateStrategy.rollingUpdate.partition", FieldErrors.GoInt(p), "must be greater than or equal to 0");
                break;
            case "daemonsets":
                Workload(spec, errors, "daemonset", restartAlways: true, hasReplicas: false);
                OneOf((spec["updateStrategy"] as JsonObject)?["type"], "spec.updateStrategy.type", errors, "OnDelete", "RollingUpdate");
                break;
            case "jobs":
                JobSpec(spec, "spec", errors);
                break;
            case "cronjobs":
                if (string.IsNullOrWhiteSpace(spec.Str("schedule"))) errors.Required("spec.schedule");
                OneOf(spec["concurrencyPolicy"], "spec.concurrencyPolicy", errors, "Allow", "Forbid", "Replace");
                JobSpec(spec["jobTemplate"]?["spec"] as JsonObject ?? new JsonObject(), "spec.jobTemplate.spec", errors, generatedSelector: false);
                break;
            case "pods":
                PodSpec(spec, "spec", errors, restartAlways: false);
                break;
        }
        if (old is not null) Update(kind, obj, old, errors);
        errors.ThrowIfAny(kind, name);
    }

    static void Metadata(ResourceKind kind, JsonObject meta, FieldErrors errors, bool isCreate)
    {
        var name = meta.Str("name") ?? "";
        if (name.Length == 0)
        {
            if (isCreate && string.IsNullOrEmpty(meta.Str("generateName"))) errors.Required("metadata.name", "name or generateName is required");
        }
        else if (kind == ResourceKinds.Namespaces)
        {
            DnsLabelName(name, "metadata.name", errors);
        }
        else if (kind != ResourceKinds.Events)
        {
            if (name.Length > 253) errors.Invalid("metadata.name", FieldErrors.Quote(name), "must be no more than 253 characters");
            else if (!Subdomain().IsMatch(name)) errors.Invalid("metadata.name", FieldErrors.Quote(name), SubdomainMessage);
        }
        Labels(meta["labels"] as JsonObject, "metadata.labels", errors);
    }

    static void DnsLabelName(string value, string field, FieldErrors errors)
    {
        if (value.Length > 63) errors.Invalid(field, FieldErrors.Quote(value), "must be no more than 63 characters");
        else if (!DnsLabel().IsMatch(value)) errors.Invalid(field, FieldErrors.Quote(value), LabelMessage);
    }

    static void Labels(JsonObject? labels, string field, FieldErrors errors)
    {
        if (labels is null) return;
        foreach (var (key, valueNode) in labels)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var part = slash >= 0 ? key[(slash + 1)..] : key;
            var prefix = slash >= 0 ? key[..slash] : null;
            if (prefix is not null && (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix)))
                errors.Invalid(field, FieldErrors.Quote(key), "prefix part " + SubdomainMessage);
            if (part.Length == 0) errors.Invalid(field, FieldErrors.Quote(key), "name part must be non-empty");
            else if (part.Length > 63) errors.Invalid(field, FieldErrors.Quote(key), "name part must be no more than 63 characters");
            else if (!QualifiedNamePart().IsMatch(part)) errors.Invalid(field, FieldErrors.Quote(key), QualifiedNameMessage);

            var value = valueNode is JsonValue v && v.TryGetValue<string>(out var s) ? s : valueNode?.ToJsonString() ?? "";
            if (value.Length > 63) errors.Invalid(field, FieldErrors.Quote(value), "must be no more than 63 characters");
            else if (!LabelValue().IsMatch(value)) errors.Invalid(field, FieldErrors.Quote(value), LabelValueMessage);
        }
    }

    static void Workload(JsonObject spec, FieldErrors errors, string what, bool restartAlways, bool hasReplicas = true)
    {
        if (hasReplicas) NonNegative(spec, "replicas", "spec.replicas", errors);
        NonNegative(spec, "minReadySeconds", "spec.minReadySeconds", errors);
        var selectorNode = spec["selector"];
        var templateLabels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (selectorNode is not JsonObject selector)
        {
            errors.Required("spec.selector");
        }
        else
        {
            LabelSelector? parsed = null;
            try { parsed = LabelSelector.FromJson(selector); }
            catch (FormatException e) { errors.Invalid("spec.selector.matchExpressions[0].operator", "\"\"", e.Message); }
            if (parsed is not null && parsed.IsEverything)
                errors.Invalid("spec.selector", FieldErrors.GoLabelSelector(selector), $"empty selector is invalid for {what}");
        }
        var matches = selectorNode is JsonObject s && LabelSelector.FromJsonOrNothing(s) is { IsEverything: false } sel
            && sel.Matches(StringMap(templateLabels));
        if (!matches)
            errors.Invalid("spec.template.metadata.labels", FieldErrors.GoMap(templateLabels), "`selector` does not match template `labels`");
        Labels(templateLabels, "spec.template.metadata.labels", errors);
        PodSpec(spec["template"]?["spec"] as JsonObject ?? new JsonObject(), "spec.template.spec", errors, restartAlways);
    }

    static void JobSpec(JsonObject spec, string path, FieldErrors errors, bool generatedSelector = true)
    {
        NonNegative(spec, "parallelism", path + ".parallelism", errors);
        NonNegative(spec, "completions", path + ".completions", errors);
        NonNegative(spec, "backoffLimit", path + ".backoffLimit", errors);
        var template = spec["template"] as JsonObject;
        if (generatedSelector && spec["selector"] is JsonObject selector)
        {
            var labels = template?["metadata"]?["labels"] as JsonObject;
            if (!LabelSelector.FromJsonOrNothing(selector).Matches(StringMap(labels)))
                errors.Invalid(path + ".template.metadata.labels", FieldErrors.GoMap(labels), "`selector` does not match template `labels`");
        }
        var podSpec = template?["spec"] as JsonObject ?? new JsonObject();
        var restart = podSpec.Str("restartPolicy") ?? "";
        if (restart is not ("OnFailure" or "Never"))
            errors.NotSupported(path + ".template.spec.restartPolicy", restart, "OnFailure", "Never");
        PodSpec(podSpec, path + ".template.spec", errors, restartAlways: false, checkRestart: false);
    }

    static void PodSpec(JsonObject spec, string path, FieldErrors errors, bool restartAlways, bool checkRestart = true)
    {
        if (spec["containers"] is not JsonArray { Count: > 0 } containers)
        {
            errors.Required(path + ".containers");
        }
        else
        {
            Containers(containers, path + ".containers", errors, new HashSet<string>(StringComparer.Ordinal));
        }
        if (spec["initContainers"] is JsonArray init)
            Containers(init, path + ".initContainers", errors, new HashSet<string>(StringComparer.Ordinal));
        if (!checkRestart) return;
        var restart = spec.Str("restartPolicy") ?? "Always";
        if (restartAlways && restart != "Always")
            errors.NotSupported(path + ".restartPolicy", restart, "Always");
        else if (!restartAlways && restart is not ("Always" or "OnFailure" or "Never"))
            errors.NotSupported(path + ".restartPolicy", restart, "Always", "OnFailure", "Never");
    }

    static void Containers(JsonArray containers, string path, FieldErrors errors, HashSet<string> names)
    {
        for (var i = 0; i < containers.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (containers[i] is not JsonObject c)
            {
                errors.Required(at);
                continue;
            }
            var name = c.Str("name") ?? "";
            if (name.Length == 0) errors.Required(at + ".name");
            else
            {
                DnsLabelName(name, at + ".name", errors);
                if (!names.Add(name)) errors.Duplicate(at + ".name", name);
            }
            var image = c.Str("image") ?? "";
            if (image.Length == 0) errors.Required(at + ".image");
            else if (image.Trim() != image) errors.Invalid(at + ".image", FieldErrors.Quote(image), "must not have leading or trailing whitespace");
            OneOf(c["imagePullPolicy"], at + ".imagePullPolicy", errors, "Always", "IfNotPresent", "Never");
            if (c["ports"] is JsonArray ports)
            {
                for (var p = 0; p < ports.Count; p++)
                {
                    var port = (ports[p] as JsonObject)?.Long("containerPort");
                    if (port is null) errors.Required($"{at}.ports[{p}].containerPort");
                    else if (port is < 1 or > 65535)
                        errors.Invalid($"{at}.ports[{p}].containerPort", FieldErrors.GoInt(port.Value), "must be between 1 and 65535, inclusive");
                }
            }
        }
    }

    static void DeploymentStrategy(JsonObject spec, FieldErrors errors)
    {
        if (spec["strategy"] is not JsonObject strategy) return;
        var type = strategy.Str("type") ?? "";
        if (type is not ("Recreate" or "RollingUpdate"))
        {
            errors.NotSupported("spec.strategy.type", type, "Recreate", "RollingUpdate");
            return;
        }
        var rolling = strategy["rollingUpdate"] as JsonObject;
        if (type == "Recreate")
        {
            if (rolling is not null) errors.Forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
            return;
        }
        if (rolling is null)
        {
            errors.Forbidden("spec.strategy.rollingUpdate", "this should be defaulted and never be nil");
            return;
        }
        var unavailable = IntOrPercent(rolling["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable", errors);
        var surge = IntOrPercent(rolling["maxSurge"], "spec.strategy.rollingUpdate.maxSurge", errors);
        if (unavailable == 0 && surge == 0)
            errors.Invalid("spec.strategy.rollingUpdate.maxUnavailable", FieldErrors.GoIntOrString(rolling["maxUnavailable"]), "may not be 0 when `maxSurge` is 0");
    }

    /// <summary>Validates an int-or-percent and returns its number (percent or count), or null when invalid.</summary>
    static long? IntOrPercent(JsonNode? value, string field, FieldErrors errors)
    {
        switch (value)
        {
            case null:
                return 0;
            case JsonValue v when v.TryGetValue<string>(out var s):
                if (!Percent().IsMatch(s))
                {
                    errors.Invalid(field, FieldErrors.Quote(s), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
                    return null;
                }
                var percent = long.Parse(s[..^1], System.Globalization.CultureInfo.InvariantCulture);
                if (percent > 100)
                {
                    errors.Invalid(field, FieldErrors.Quote(s), "must not be greater than 100%");
                    return null;
                }
                return percent;
            case JsonValue v when v.TryGetValue<long>(out var n):
                if (n < 0)
                {
                    errors.Invalid(field, FieldErrors.GoInt(n), "must be greater than or equal to 0");
                    return null;
                }
                return n;
            default:
                errors.Invalid(field, value.ToJsonString(), "must be an integer or percentage (e.g '5%')");
                return null;
        }
    }

    static void Update(ResourceKind kind, JsonObject obj, JsonObject old, FieldErrors errors)
    {
        var spec = obj["spec"] as JsonObject ?? new JsonObject();
        var oldSpec = old["spec"] as JsonObject ?? new JsonObject();
        if (kind == ResourceKinds.Deployments || kind == ResourceKinds.ReplicaSets || kind == ResourceKinds.StatefulSets
            || kind == ResourceKinds.DaemonSets || kind == ResourceKinds.Jobs)
        {
            if (!JsonEquality.Equal(spec["selector"], oldSpec["selector"]))
                errors.Invalid("spec.selector", FieldErrors.GoLabelSelector(spec["selector"] as JsonObject), "field is immutable");
        }
        if (kind == ResourceKinds.StatefulSets)
        {
            string[] mutable = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];
            var a = (JsonObject)spec.DeepClone();
            var b = (JsonObject)oldSpec.DeepClone();
            foreach (var f in mutable) { a.Remove(f); b.Remove(f); }
            if (!JsonEquality.Equal(a, b))
                errors.Forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
        }
        if (kind == ResourceKinds.Pods && !JsonEquality.Equal(MutablePodSpec(spec), MutablePodSpec(oldSpec)))
        {
            errors.Forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
        }
    }

    static JsonObject MutablePodSpec(JsonObject spec)
    {
        var copy = (JsonObject)spec.DeepClone();
        foreach (var list in new[] { "containers", "initContainers" })
            if (copy[list] is JsonArray a)
                foreach (var c in a.OfType<JsonObject>()) c.Remove("image");
        copy.Remove("activeDeadlineSeconds");
        copy.Remove("tolerations");
        copy.Remove("terminationGracePeriodSeconds");
        // The scheduler's binding sets nodeName once; that is not a client update.
        copy.Remove("nodeName");
        return copy;
    }

    static void NonNegative(JsonObject spec, string key, string field, FieldErrors errors)
    {
        var v = spec.Long(key);
        if (v < 0) errors.Invalid(field, FieldErrors.GoInt(v.Value), "must be greater than or equal to 0");
    }

    static void OneOf(JsonNode? value, string field, FieldErrors errors, params string[] allowed)
    {
        if (value is null) return;
        var s = value.ToString();
        if (!allowed.Contains(s)) errors.NotSupported(field, s, allowed);
    }

    static Dictionary<string, string> StringMap(JsonObject? labels) =>
        labels?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal) ?? [];
}
