namespace Hoist.Sandbox.Store;

/// <summary>One REST resource the sandbox serves, as discovery describes it.</summary>
public sealed record ResourceKind(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    string[] ShortNames,
    string[] Subresources)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The "group resource" the apiserver puts in error messages: <c>deployments.apps</c>, <c>pods</c>.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The qualified kind the apiserver puts in 422 messages: <c>Deployment.apps</c>, <c>Pod</c>.</summary>
    public string GroupKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public override string ToString() => GroupResource;
}

public static class ResourceKinds
{
    static readonly string[] None = [];

    public static readonly ResourceKind Namespaces = new("", "v1", "namespaces", "namespace", "Namespace", false, ["ns"], ["status"]);
    public static readonly ResourceKind Nodes = new("", "v1", "nodes", "node", "Node", false, ["no"], ["status"]);
    public static readonly ResourceKind Pods = new("", "v1", "pods", "pod", "Pod", true, ["po"], ["status", "log"]);
    public static readonly ResourceKind Events = new("", "v1", "events", "event", "Event", true, ["ev"], None);
    public static readonly ResourceKind Deployments = new("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"], ["status", "scale"]);
    public static readonly ResourceKind ReplicaSets = new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, ["rs"], ["status", "scale"]);
    public static readonly ResourceKind StatefulSets = new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, ["sts"], ["status", "scale"]);
    public static readonly ResourceKind DaemonSets = new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, ["ds"], ["status"]);
    public static readonly ResourceKind ControllerRevisions = new("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, None, None);
    public static readonly ResourceKind Jobs = new("batch", "v1", "jobs", "job", "Job", true, None, ["status"]);
    public static readonly ResourceKind CronJobs = new("batch", "v1", "cronjobs", "cronjob", "CronJob", true, ["cj"], ["status"]);

    public static readonly IReadOnlyList<ResourceKind> All =
        [Namespaces, Nodes, Pods, Events, Deployments, ReplicaSets, StatefulSets, DaemonSets, ControllerRevisions, Jobs, CronJobs];

    public static ResourceKind? Find(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);

    public static ResourceKind? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(k => k.ApiVersion == apiVersion && k.Kind == kind);
}
