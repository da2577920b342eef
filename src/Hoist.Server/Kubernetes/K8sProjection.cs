using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace Hoist.Server.Kubernetes;

/// <summary>Turns KubernetesClient models into Hoist's own records (the only place that knows both).</summary>
static class K8sProjection
{
    public const string DeploymentRevision = "deployment.kubernetes.io/revision";
    public const string PodTemplateHash = "pod-template-hash";
    public const string ControllerRevisionHash = "controller-revision-hash";

    public static WorkloadState Deployment(V1Deployment d) => Base(d.Metadata, WorkloadKind.Deployment, d.Spec.Template, d.Status?.ObservedGeneration) with
    {
        Revision = Annotation(d.Metadata, DeploymentRevision),
        PodSelector = Selector(d.Spec.Selector),
        Status = new DeploymentStatus
        {
            Replicas = d.Spec.Replicas ?? 1,
            StatusReplicas = d.Status?.Replicas ?? 0,
            UpdatedReplicas = d.Status?.UpdatedReplicas ?? 0,
            ReadyReplicas = d.Status?.ReadyReplicas ?? 0,
            AvailableReplicas = d.Status?.AvailableReplicas ?? 0,
            Paused = d.Spec.Paused ?? false,
            Conditions = d.Status?.Conditions?.Select(c => new KubeCondition(c.Type, c.Status, c.Reason, c.Message)).ToList() ?? [],
        },
    };

    public static WorkloadState StatefulSet(V1StatefulSet s) => Base(s.Metadata, WorkloadKind.StatefulSet, s.Spec.Template, s.Status?.ObservedGeneration) with
    {
        Revision = s.Status?.UpdateRevision,
        PodSelector = Selector(s.Spec.Selector),
        Status = new StatefulSetStatus
        {
            Replicas = s.Spec.Replicas ?? 1,
            Strategy = s.Spec.UpdateStrategy?.Type ?? "RollingUpdate",
            // The apiserver defaults an omitted rollingUpdate to {partition: 0}; kubectl's rule depends on it.
            Partition = (s.Spec.UpdateStrategy?.Type ?? "RollingUpdate") == "RollingUpdate"
                ? s.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0
                : null,
            StatusReplicas = s.Status?.Replicas ?? 0,
            ReadyReplicas = s.Status?.ReadyReplicas ?? 0,
            CurrentReplicas = s.Status?.CurrentReplicas ?? 0,
            UpdatedReplicas = s.Status?.UpdatedReplicas ?? 0,
            AvailableReplicas = s.Status?.AvailableReplicas ?? 0,
            CurrentRevision = s.Status?.CurrentRevision,
            UpdateRevision = s.Status?.UpdateRevision,
        },
    };

    public static WorkloadState DaemonSet(V1DaemonSet ds, string? revision) => Base(ds.Metadata, WorkloadKind.DaemonSet, ds.Spec.Template, ds.Status?.ObservedGeneration) with
    {
        Revision = revision,
        PodSelector = Selector(ds.Spec.Selector),
        Status = new DaemonSetStatus
        {
            Strategy = ds.Spec.UpdateStrategy?.Type ?? "RollingUpdate",
            DesiredNumberScheduled = ds.Status?.DesiredNumberScheduled ?? 0,
            CurrentNumberScheduled = ds.Status?.CurrentNumberScheduled ?? 0,
            UpdatedNumberScheduled = ds.Status?.UpdatedNumberScheduled ?? 0,
            NumberReady = ds.Status?.NumberReady ?? 0,
            NumberAvailable = ds.Status?.NumberAvailable ?? 0,
        },
    };

    public static WorkloadState ReplicaSet(V1ReplicaSet rs) => Base(rs.Metadata, WorkloadKind.ReplicaSet, rs.Spec.Template, rs.Status?.ObservedGeneration) with
    {
        Revision = Fingerprint(rs.Spec.Template),
        PodSelector = Selector(rs.Spec.Selector),
        Status = new ReplicaSetStatus
        {
            Replicas = rs.Spec.Replicas ?? 1,
            StatusReplicas = rs.Status?.Replicas ?? 0,
            ReadyReplicas = rs.Status?.ReadyReplicas ?? 0,
            AvailableReplicas = rs.Status?.AvailableReplicas ?? 0,
        },
    };

    public static WorkloadState Pod(V1Pod p) => new()
    {
        Ref = new WorkloadRef(p.Metadata.NamespaceProperty, WorkloadKind.Pod, p.Metadata.Name),
        Uid = p.Metadata.Uid ?? "",
        ResourceVersion = p.Metadata.ResourceVersion ?? "",
        // A pod's spec has no rollout controller: its current state is always the observed one.
        Generation = p.Metadata.Generation ?? 0,
        ObservedGeneration = Math.Max(1, p.Metadata.Generation ?? 0),
        Annotations = Dict(p.Metadata.Annotations),
        TemplateAnnotations = Dict(p.Metadata.Annotations),
        Containers = Containers(p.Spec),
        Status = new PodWorkloadStatus(),
    };

    public static WorkloadState CronJob(V1CronJob cj) => new()
    {
        Ref = new WorkloadRef(cj.Metadata.NamespaceProperty, WorkloadKind.CronJob, cj.Metadata.Name),
        Uid = cj.Metadata.Uid ?? "",
        ResourceVersion = cj.Metadata.ResourceVersion ?? "",
        Generation = cj.Metadata.Generation ?? 0,
        ObservedGeneration = cj.Metadata.Generation ?? 0,
        Annotations = Dict(cj.Metadata.Annotations),
        TemplateAnnotations = Dict(cj.Spec.JobTemplate?.Spec?.Template?.Metadata?.Annotations),
        Containers = Containers(cj.Spec.JobTemplate?.Spec?.Template?.Spec),
        Status = new CronJobStatus
        {
            Schedule = cj.Spec.Schedule ?? "",
            TimeZone = cj.Spec.TimeZone,
            Suspend = cj.Spec.Suspend ?? false,
            LastScheduleTime = cj.Status?.LastScheduleTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
        },
    };

    static WorkloadState Base(V1ObjectMeta meta, WorkloadKind kind, V1PodTemplateSpec? template, long? observed) => new()
    {
        Ref = new WorkloadRef(meta.NamespaceProperty, kind, meta.Name),
        Uid = meta.Uid ?? "",
        ResourceVersion = meta.ResourceVersion ?? "",
        Generation = meta.Generation ?? 0,
        ObservedGeneration = observed ?? 0,
        Annotations = Dict(meta.Annotations),
        TemplateAnnotations = Dict(template?.Metadata?.Annotations),
        Containers = Containers(template?.Spec),
        Status = new PodWorkloadStatus(),
    };

    public static IReadOnlyList<ContainerInfo> Containers(V1PodSpec? spec)
    {
        if (spec is null) return [];
        var list = new List<ContainerInfo>();
        foreach (var c in spec.InitContainers ?? []) list.Add(new ContainerInfo(c.Name, c.Image ?? "", true));
        foreach (var c in spec.Containers ?? []) list.Add(new ContainerInfo(c.Name, c.Image ?? "", false));
        return list;
    }

    /// <summary>
    /// A short, stable digest of what makes a pod "of this template" for Hoist: every container's image and the
    /// restartedAt annotation. Used for bare ReplicaSets, whose pods carry no revision label.
    /// </summary>
    public static string Fingerprint(V1PodTemplateSpec? template) => Fingerprint(template?.Spec, template?.Metadata?.Annotations);

    public static string Fingerprint(V1PodSpec? spec, IDictionary<string, string>? annotations)
    {
        var sb = new StringBuilder();
        foreach (var c in spec?.InitContainers ?? []) sb.Append("i:").Append(c.Name).Append('=').Append(c.Image).Append('\n');
        foreach (var c in spec?.Containers ?? []) sb.Append("c:").Append(c.Name).Append('=').Append(c.Image).Append('\n');
        if (annotations?.TryGetValue(ImagePatch.RestartedAt, out var at) == true) sb.Append("r:").Append(at);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..12];
    }

    /// <summary>The pod as the verdict sees it; <paramref name="revision"/> says how to name its revision.</summary>
    public static PodState PodState(V1Pod p, Func<V1Pod, string?> revision)
    {
        var statuses = new Dictionary<(string, bool), V1ContainerStatus>();
        foreach (var s in p.Status?.InitContainerStatuses ?? []) statuses[(s.Name, true)] = s;
        foreach (var s in p.Status?.ContainerStatuses ?? []) statuses[(s.Name, false)] = s;
        var containers = new List<PodContainer>();
        foreach (var c in Containers(p.Spec))
        {
            statuses.TryGetValue((c.Name, c.IsInit), out var s);
            containers.Add(Container(c, s));
        }
        var scheduled = p.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        return new PodState
        {
            Name = p.Metadata.Name,
            Uid = p.Metadata.Uid ?? p.Metadata.Name,
            Revision = revision(p),
            Phase = p.Status?.Phase ?? "Pending",
            Ready = p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? false,
            Terminating = p.Metadata.DeletionTimestamp is not null,
            CreatedAt = p.Metadata.CreationTimestamp is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
            Node = p.Spec?.NodeName,
            Scheduled = scheduled is null ? null : new KubeCondition(scheduled.Type, scheduled.Status, scheduled.Reason, scheduled.Message),
            Containers = containers,
        };
    }

    static PodContainer Container(ContainerInfo spec, V1ContainerStatus? s)
    {
        var state = s?.State;
        var (name, reason, message, exit) = state switch
        {
            { Waiting: { } w } => ("waiting", w.Reason, w.Message, (int?)null),
            { Running: not null } => ("running", null, null, null),
            { Terminated: { } t } => ("terminated", t.Reason, t.Message, (int?)t.ExitCode),
            _ => ("unknown", null, null, null),
        };
        var last = s?.LastState?.Terminated;
        return new PodContainer
        {
            Name = spec.Name,
            IsInit = spec.IsInit,
            SpecImage = spec.Image,
            Image = s?.Image,
            ImageId = string.IsNullOrEmpty(s?.ImageID) ? null : s.ImageID,
            Ready = s?.Ready ?? false,
            Restarts = s?.RestartCount ?? 0,
            State = name,
            Reason = reason,
            Message = message,
            ExitCode = exit,
            LastTermination = last is null ? null : new Termination(last.ExitCode, last.Reason, last.Message, Utc(last.StartedAt), Utc(last.FinishedAt)),
        };
    }

    public static ClusterEvent Event(Corev1Event e) => new(
        e.Type ?? "Normal",
        e.Reason ?? "",
        e.Message ?? "",
        e.InvolvedObject?.Kind ?? "",
        e.InvolvedObject?.Name ?? "",
        e.Count ?? e.Series?.Count ?? 1,
        Utc(e.LastTimestamp) ?? Utc(e.EventTime) ?? Utc(e.FirstTimestamp));

    public static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    /// <summary>A label selector in the query form the apiserver accepts (<c>app=web,tier in (a,b)</c>).</summary>
    public static string? Selector(V1LabelSelector? selector)
    {
        if (selector is null) return null;
        var parts = new List<string>();
        foreach (var (k, v) in selector.MatchLabels ?? new Dictionary<string, string>()) parts.Add($"{k}={v}");
        foreach (var e in selector.MatchExpressions ?? [])
        {
            parts.Add(e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({string.Join(",", e.Values ?? [])})",
                "NotIn" => $"{e.Key} notin ({string.Join(",", e.Values ?? [])})",
                "Exists" => e.Key,
                "DoesNotExist" => "!" + e.Key,
                _ => throw new ClusterRequestException(422, $"unsupported selector operator {e.OperatorProperty}"),
            });
        }
        return parts.Count == 0 ? null : string.Join(",", parts);
    }

    public static string? Annotation(V1ObjectMeta? meta, string key) =>
        meta?.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;

    public static string? Label(V1ObjectMeta? meta, string key) =>
        meta?.Labels is { } l && l.TryGetValue(key, out var v) ? v : null;

    static IReadOnlyDictionary<string, string> Dict(IDictionary<string, string>? d) =>
        d is null ? new Dictionary<string, string>() : new Dictionary<string, string>(d);
}
