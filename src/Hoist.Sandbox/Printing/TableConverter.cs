using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Selectors;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Printing;

/// <summary>What a Table row carries as its object (the <c>includeObject</c> query parameter).</summary>
public enum IncludeObject { None, Metadata, Object }

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>): the columns and cells of
/// k8s.io/kubernetes <c>pkg/printers/internalversion/printers.go</c>, which is what <c>kubectl get</c> shows.
/// Every column is always sent; kubectl hides priority-1 columns unless <c>-o wide</c>.
/// </summary>
public static class TableConverter
{
    sealed record Column(string Name, string Type, int Priority = 0, string Format = "", string Description = "");

    static readonly Column NameColumn = new("Name", "string", 0, "name", "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names");
    static readonly Column AgeColumn = new("Age", "string", 0, "", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
    static readonly Column ContainersColumn = new("Containers", "string", 1, "", "Names of each container in the template.");
    static readonly Column ImagesColumn = new("Images", "string", 1, "", "Images referenced by each container in the template.");

    static Column[] Columns(ResourceKind kind) => kind.Plural switch
    {
        "deployments" =>
        [
            NameColumn, new("Ready", "string", 0, "", "Number of the pod with ready state"),
            new("Up-to-date", "string", 0, "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            new("Available", "string", 0, "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            AgeColumn, ContainersColumn, ImagesColumn,
            new("Selector", "string", 1, "", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
        ],
        "replicasets" =>
        [
            NameColumn, new("Desired", "integer", 0, "", "Number of desired pods"),
            new("Current", "integer", 0, "", "Number of actual replicas"), new("Ready", "integer", 0, "", "Number of ready replicas"),
            AgeColumn, ContainersColumn, ImagesColumn, new("Selector", "string", 1, "", "Label query over pods that should match the replica count."),
        ],
        "statefulsets" => [NameColumn, new("Ready", "string", 0, "", "Number of the pod with ready state"), AgeColumn, ContainersColumn, ImagesColumn],
        "daemonsets" =>
        [
            NameColumn, new("Desired", "integer", 0, "", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
            new("Current", "integer", 0, "", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            new("Ready", "integer", 0, "", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
            new("Up-to-date", "integer", 0, "", "The total number of nodes that are running updated daemon pod"),
            new("Available", "integer", 0, "", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            new("Node Selector", "string", 0, "", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
            AgeColumn, ContainersColumn, ImagesColumn, new("Selector", "string", 1, "", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
        ],
        "pods" =>
        [
            NameColumn, new("Ready", "string", 0, "", "The aggregate readiness state of this pod for accepting traffic."),
            new("Status", "string", 0, "", "The aggregate status of the containers in this pod."),
            new("Restarts", "string", 0, "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            AgeColumn, new("IP", "string", 1, "", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
            new("Node", "string", 1, "", "NodeName indicates in which node this pod is scheduled."),
            new("Nominated Node", "string", 1, "", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
            new("Readiness Gates", "string", 1, "", "If specified, all readiness gates will be evaluated for pod readiness."),
        ],
        "namespaces" => [NameColumn, new("Status", "string", 0, "", "The status of the namespace"), AgeColumn],
        "nodes" =>
        [
            NameColumn, new("Status", "string", 0, "", "The status of the node"), new("Roles", "string", 0, "", "The roles of the node"),
            AgeColumn, new("Version", "string", 0, "", "Kubelet Version reported by the node."),
            new("Internal-IP", "string", 1, "", "List of addresses reachable to the node."), new("External-IP", "string", 1, "", "List of addresses reachable to the node."),
            new("OS-Image", "string", 1, "", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
            new("Kernel-Version", "string", 1, "", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
            new("Container-Runtime", "string", 1, "", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
        ],
        "events" =>
        [
            new("Last Seen", "string", 0, "", "The time at which the most recent occurrence of this event was recorded."),
            new("Type", "string", 0, "", "Type of this event (Normal, Warning), new types could be added in the future"),
            new("Reason", "string", 0, "", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            new("Object", "string", 0, "", "The object that this event is about."),
            new("Subobject", "string", 1, "", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]."),
            new("Source", "string", 1, "", "The component reporting this event. Should be a short machine understandable string."),
            new("Message", "string", 0, "", "A human-readable description of the status of this operation."),
            new("First Seen", "string", 1, "", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            new("Count", "string", 1, "", "The number of times this event has occurred."),
            new("Name", "string", 1, "name", NameColumn.Description),
        ],
        "controllerrevisions" =>
        [
            NameColumn, new("Controller", "string", 0, "", "Controller of the object"),
            new("Revision", "string", 0, "", "Revision indicates the revision of the state represented by Data."), AgeColumn,
        ],
        "jobs" =>
        [
            NameColumn, new("Status", "string", 0, "", "Status of the job."),
            new("Completions", "string", 0, "", "The completion status of the job."),
            new("Duration", "string", 0, "", "Time required to complete the job."), AgeColumn,
            ContainersColumn, ImagesColumn, new("Selector", "string", 1, "", "A label query over pods that should match the pod count."),
        ],
        "cronjobs" =>
        [
            NameColumn, new("Schedule", "string", 0, "", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            new("Timezone", "string", 0, "", "The time zone name for the given schedule."),
            new("Suspend", "boolean", 0, "", "This flag tells the controller to suspend subsequent executions."),
            new("Active", "integer", 0, "", "A list of pointers to currently running jobs."),
            new("Last Schedule", "string", 0, "", "Information when was the last time the job was successfully scheduled."), AgeColumn,
            ContainersColumn, ImagesColumn, new("Selector", "string", 1, "", "A label query over pods that should match the pod count."),
        ],
        _ => [NameColumn, new("Created At", "date", 0, "", AgeColumn.Description)],
    };

    /// <summary>A Table of <paramref name="items"/> (one row each) with <c>metadata</c> as given.</summary>
    public static JsonObject ToTable(ResourceKind kind, IEnumerable<JsonObject> items, JsonObject metadata, DateTimeOffset now,
        IncludeObject include, string apiVersion = "meta.k8s.io/v1", bool includeColumns = true)
    {
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var row = new JsonObject { ["cells"] = new JsonArray([.. Cells(kind, item, now)]) };
            if (include != IncludeObject.None)
                row["object"] = include == IncludeObject.Object ? item.DeepClone() : PartialObjectMetadata(item);
            rows.Add(row);
        }
        var columns = new JsonArray();
        if (includeColumns)
        {
            foreach (var c in Columns(kind))
                columns.Add(new JsonObject
                {
                    ["name"] = c.Name,
                    ["type"] = c.Type,
                    ["format"] = c.Format,
                    ["description"] = c.Description,
                    ["priority"] = c.Priority,
                });
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = apiVersion,
            ["metadata"] = metadata,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    public static JsonObject PartialObjectMetadata(JsonObject obj, string apiVersion = "meta.k8s.io/v1") => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = apiVersion,
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };

    static List<JsonNode?> Cells(ResourceKind kind, JsonObject o, DateTimeOffset now)
    {
        var spec = o["spec"] as JsonObject ?? new JsonObject();
        var status = o["status"] as JsonObject ?? new JsonObject();
        var age = Age(o.Meta().Str("creationTimestamp"), now);
        switch (kind.Plural)
        {
            case "deployments":
            {
                var (names, images) = ContainerCells(spec["template"]?["spec"]?["containers"]);
                return [o.Name(), $"{status.Long("readyReplicas") ?? 0}/{spec.Long("replicas") ?? 0}", status.Long("updatedReplicas") ?? 0,
                    status.Long("availableReplicas") ?? 0, age, names, images, SelectorString(spec["selector"])];
            }
            case "replicasets":
            {
                var (names, images) = ContainerCells(spec["template"]?["spec"]?["containers"]);
                return [o.Name(), spec.Long("replicas") ?? 0, status.Long("replicas") ?? 0, status.Long("readyReplicas") ?? 0, age,
                    names, images, LabelSelector.FromJsonOrNothing(spec["selector"]).Format()];
            }
            case "statefulsets":
            {
                var (names, images) = ContainerCells(spec["template"]?["spec"]?["containers"]);
                return [o.Name(), $"{status.Long("readyReplicas") ?? 0}/{spec.Long("replicas") ?? 0}", age, names, images];
            }
            case "daemonsets":
            {
                var (names, images) = ContainerCells(spec["template"]?["spec"]?["containers"]);
                var nodeSelector = spec["template"]?["spec"]?["nodeSelector"] as JsonObject;
                var ns = nodeSelector is null || nodeSelector.Count == 0
                    ? "<none>"
                    : string.Join(",", nodeSelector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
                return [o.Name(), status.Long("desiredNumberScheduled") ?? 0, status.Long("currentNumberScheduled") ?? 0,
                    status.Long("numberReady") ?? 0, status.Long("updatedNumberScheduled") ?? 0, status.Long("numberAvailable") ?? 0,
                    ns, age, names, images, LabelSelector.FromJsonOrNothing(spec["selector"]).Format()];
            }
            case "pods":
                return PodCells(o, spec, status, age, now);
            case "namespaces":
                return [o.Name(), status.Str("phase") ?? "", age];
            case "nodes":
                return NodeCells(o, spec, status, age);
            case "events":
            {
                var involved = o["involvedObject"] as JsonObject ?? new JsonObject();
                var source = o["source"] as JsonObject;
                var sourceText = source?.Str("component") ?? "";
                if (!string.IsNullOrEmpty(source?.Str("host"))) sourceText += ", " + source!.Str("host");
                var last = o.Str("lastTimestamp") ?? o.Str("eventTime") ?? o.Meta().Str("creationTimestamp");
                var first = o.Str("firstTimestamp") ?? o.Str("eventTime") ?? o.Meta().Str("creationTimestamp");
                return [Age(last, now), o.Str("type") ?? "", o.Str("reason") ?? "",
                    $"{(involved.Str("kind") ?? "").ToLowerInvariant()}/{involved.Str("name")}", involved.Str("fieldPath") ?? "",
                    sourceText, (o.Str("message") ?? "").Trim(), Age(first, now), o.Long("count") ?? 1, o.Name()];
            }
            case "controllerrevisions":
            {
                var owner = (o.Meta()["ownerReferences"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(r => r["controller"] is JsonValue c && c.GetValue<bool>());
                var controller = "<none>";
                if (owner is not null)
                {
                    var group = (owner.Str("apiVersion") ?? "").Split('/') is { Length: 2 } gv ? "." + gv[0] : "";
                    controller = $"{(owner.Str("kind") ?? "").ToLowerInvariant()}{group}/{owner.Str("name")}";
                }
                return [o.Name(), controller, o.Long("revision") ?? 0, age];
            }
            case "jobs":
            {
                var (names, images) = ContainerCells(spec["template"]?["spec"]?["containers"]);
                var completions = spec.Long("completions") is { } c ? $"{status.Long("succeeded") ?? 0}/{c}" : $"{status.Long("succeeded") ?? 0}/1 of {spec.Long("parallelism") ?? 1}";
                var start = status.Str("startTime");
                var end = status.Str("completionTime");
                var duration = start is null ? "" : Age(start, end is null ? now : DateTimeOffset.Parse(end, CultureInfo.InvariantCulture));
                return [o.Name(), JobStatus(status, spec), completions, duration, age, names, images, LabelSelector.FromJsonOrNothing(spec["selector"]).Format()];
            }
            case "cronjobs":
            {
                var (names, images) = ContainerCells(spec["jobTemplate"]?["spec"]?["template"]?["spec"]?["containers"]);
                var lastSchedule = status.Str("lastScheduleTime") is { } ls ? Age(ls, now) : "<none>";
                return [o.Name(), spec.Str("schedule") ?? "", spec.Str("timeZone") ?? "<none>", spec["suspend"] is JsonValue sv && sv.GetValue<bool>(),
                    (status["active"] as JsonArray)?.Count ?? 0, lastSchedule, age, names, images,
                    LabelSelector.FromJsonOrNothing(spec["jobTemplate"]?["spec"]?["selector"]).Format()];
            }
            default:
                return [o.Name(), o.Meta().Str("creationTimestamp")];
        }
    }

    static string JobStatus(JsonObject status, JsonObject spec)
    {
        var conditions = (status["conditions"] as JsonArray)?.OfType<JsonObject>().Where(c => c.Str("status") == "True").Select(c => c.Str("type")).ToList() ?? [];
        if (conditions.Contains("Complete")) return "Complete";
        if (conditions.Contains("Failed")) return "Failed";
        if (conditions.Contains("FailureTarget")) return "FailureTarget";
        if (conditions.Contains("SuccessCriteriaMet")) return "SuccessCriteriaMet";
        if (spec["suspend"] is JsonValue s && s.GetValue<bool>()) return "Suspended";
        return "Running";
    }

    /// <summary>Deployments print the selector with <c>LabelSelectorAsSelector(...).String()</c>: empty, not &lt;none&gt;.</summary>
    static string SelectorString(JsonNode? selector)
    {
        try { return LabelSelector.FromJson(selector).ToString(); }
        catch (FormatException) { return "<invalid>"; }
    }

    static (string Names, string Images) ContainerCells(JsonNode? containers)
    {
        var list = (containers as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        return (string.Join(",", list.Select(c => c.Str("name"))), string.Join(",", list.Select(c => c.Str("image"))));
    }

    /// <summary><c>printPod</c>: STATUS is the last container's waiting/terminated reason, else the phase.</summary>
    static List<JsonNode?> PodCells(JsonObject pod, JsonObject spec, JsonObject status, string age, DateTimeOffset now)
    {
        var restarts = 0L;
        var totalContainers = (spec["containers"] as JsonArray)?.Count ?? 0;
        var initSpecs = (spec["initContainers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        bool Restartable(string? name) => initSpecs.Any(c => c.Str("name") == name && c.Str("restartPolicy") == "Always");
        totalContainers += initSpecs.Count(c => c.Str("restartPolicy") == "Always");
        var readyContainers = 0;
        DateTimeOffset? lastRestart = null;
        var reason = status.Str("reason") is { Length: > 0 } r ? r : status.Str("phase") ?? "";
        foreach (var c in (status["conditions"] as JsonArray)?.OfType<JsonObject>() ?? [])
            if (c.Str("type") == "PodScheduled" && c.Str("reason") == "SchedulingGated") reason = "SchedulingGated";

        var initializing = false;
        var initStatuses = (status["initContainerStatuses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var c = initStatuses[i];
            restarts += c.Long("restartCount") ?? 0;
            TrackRestart(c, ref lastRestart);
            var state = c["state"] as JsonObject;
            var terminated = state?["terminated"] as JsonObject;
            var waiting = state?["waiting"] as JsonObject;
            if (terminated is not null && terminated.Long("exitCode") == 0) continue;
            if (Restartable(c.Str("name")) && c["started"] is JsonValue st && st.GetValue<bool>())
            {
                if (c["ready"] is JsonValue rd && rd.GetValue<bool>()) readyContainers++;
                continue;
            }
            if (terminated is not null)
            {
                reason = terminated.Str("reason") is { Length: > 0 } tr ? "Init:" + tr
                    : terminated.Long("signal") is > 0 and var sig ? $"Init:Signal:{sig}" : $"Init:ExitCode:{terminated.Long("exitCode")}";
            }
            else if (waiting?.Str("reason") is { Length: > 0 } wr && wr != "PodInitializing") reason = "Init:" + wr;
            else reason = $"Init:{i}/{initSpecs.Count}";
            initializing = true;
            break;
        }

        var initializedTrue = (status["conditions"] as JsonArray)?.OfType<JsonObject>().Any(c => c.Str("type") == "Initialized" && c.Str("status") == "True") ?? false;
        if (!initializing || initializedTrue)
        {
            restarts = initStatuses.Where(c => Restartable(c.Str("name"))).Sum(c => c.Long("restartCount") ?? 0);
            var hasRunning = false;
            var statuses = (status["containerStatuses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var c = statuses[i];
                restarts += c.Long("restartCount") ?? 0;
                TrackRestart(c, ref lastRestart);
                var state = c["state"] as JsonObject;
                var waiting = state?["waiting"] as JsonObject;
                var terminated = state?["terminated"] as JsonObject;
                if (waiting?.Str("reason") is { Length: > 0 } wr) reason = wr;
                else if (terminated?.Str("reason") is { Length: > 0 } tr) reason = tr;
                else if (terminated is not null)
                    reason = terminated.Long("signal") is > 0 and var sig ? $"Signal:{sig}" : $"ExitCode:{terminated.Long("exitCode")}";
                else if (c["ready"] is JsonValue rd && rd.GetValue<bool>() && state?["running"] is not null)
                {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            if (reason == "Completed" && hasRunning)
            {
                var ready = (status["conditions"] as JsonArray)?.OfType<JsonObject>().Any(c => c.Str("type") == "Ready" && c.Str("status") == "True") ?? false;
                reason = ready ? "Running" : "NotReady";
            }
        }

        var phase = status.Str("phase");
        if (pod.Meta()["deletionTimestamp"] is not null)
        {
            if (status.Str("reason") == "NodeLost") reason = "Unknown";
            else if (phase is not ("Succeeded" or "Failed")) reason = "Terminating";
        }

        var restartsText = restarts.ToString(CultureInfo.InvariantCulture);
        if (restarts != 0 && lastRestart is not null) restartsText = $"{restarts} ({Age(lastRestart.Value, now)} ago)";

        var podIp = (status["podIPs"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?.Str("ip") ?? status.Str("podIP");
        var gates = spec["readinessGates"] as JsonArray;
        var gatesText = "<none>";
        if (gates is { Count: > 0 })
        {
            var conditions = (status["conditions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var trueCount = gates.OfType<JsonObject>().Count(g => conditions.Any(c => c.Str("type") == g.Str("conditionType") && c.Str("status") == "True"));
            gatesText = $"{trueCount}/{gates.Count}";
        }
        return [pod.Name(), $"{readyContainers}/{totalContainers}", reason, restartsText, age,
            string.IsNullOrEmpty(podIp) ? "<none>" : podIp, spec.Str("nodeName") is { Length: > 0 } n ? n : "<none>",
            status.Str("nominatedNodeName") is { Length: > 0 } nn ? nn : "<none>", gatesText];
    }

    static void TrackRestart(JsonObject containerStatus, ref DateTimeOffset? last)
    {
        if (containerStatus["lastState"]?["terminated"]?["finishedAt"] is JsonValue f
            && DateTimeOffset.TryParse(f.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && (last is null || at > last))
            last = at;
    }

    static List<JsonNode?> NodeCells(JsonObject node, JsonObject spec, JsonObject status, string age)
    {
        var conditions = (status["conditions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var ready = conditions.FirstOrDefault(c => c.Str("type") == "Ready");
        var state = ready is null ? "Unknown" : ready.Str("status") == "True" ? "Ready" : ready.Str("status") == "False" ? "NotReady" : "Unknown";
        if (spec["unschedulable"] is JsonValue u && u.GetValue<bool>()) state += ",SchedulingDisabled";
        var roles = node.Labels().Keys
            .Select(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal) ? k["node-role.kubernetes.io/".Length..] : k == "kubernetes.io/role" ? node.Labels()[k] : null)
            .Where(r => !string.IsNullOrEmpty(r)).Order(StringComparer.Ordinal).ToList();
        var addresses = (status["addresses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        string Address(string type) => addresses.FirstOrDefault(a => a.Str("type") == type)?.Str("address") ?? "<none>";
        var info = status["nodeInfo"] as JsonObject ?? new JsonObject();
        string Info(string key) => info.Str(key) is { Length: > 0 } v ? v : "<unknown>";
        return [node.Name(), state, roles.Count == 0 ? "<none>" : string.Join(",", roles), age, info.Str("kubeletVersion") ?? "",
            Address("InternalIP"), Address("ExternalIP"), Info("osImage"), Info("kernelVersion"), Info("containerRuntimeVersion")];
    }

    static string Age(string? timestamp, DateTimeOffset now) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? Age(t, now)
            : "<unknown>";

    /// <summary>apimachinery <c>duration.HumanDuration</c> of the time since <paramref name="since"/>.</summary>
    public static string Age(DateTimeOffset since, DateTimeOffset now) => HumanDuration(now - since);

    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)Math.Floor(d.TotalSeconds);
        if (seconds < -1) return "<invalid>";
        if (seconds < 0) return "0s";
        if (seconds < 60 * 2) return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3) return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }
        return $"{hours / 24 / 365}y";
    }
}
