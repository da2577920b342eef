namespace Hoist.Server.Kubernetes;

public enum KindParse { Supported, Job, Unknown }

/// <summary>Reads a workload kind as users and CODING's form write it: kind, plural, short name, any case.</summary>
public static class WorkloadKinds
{
    static readonly Dictionary<string, WorkloadKind> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Deployment"] = WorkloadKind.Deployment, ["deployments"] = WorkloadKind.Deployment, ["deploy"] = WorkloadKind.Deployment,
        ["StatefulSet"] = WorkloadKind.StatefulSet, ["statefulsets"] = WorkloadKind.StatefulSet, ["sts"] = WorkloadKind.StatefulSet,
        ["DaemonSet"] = WorkloadKind.DaemonSet, ["daemonsets"] = WorkloadKind.DaemonSet, ["ds"] = WorkloadKind.DaemonSet,
        ["ReplicaSet"] = WorkloadKind.ReplicaSet, ["replicasets"] = WorkloadKind.ReplicaSet, ["rs"] = WorkloadKind.ReplicaSet,
        ["Pod"] = WorkloadKind.Pod, ["pods"] = WorkloadKind.Pod, ["po"] = WorkloadKind.Pod,
        ["CronJob"] = WorkloadKind.CronJob, ["cronjobs"] = WorkloadKind.CronJob, ["cj"] = WorkloadKind.CronJob,
    };

    public static IReadOnlyList<string> Supported { get; } = Enum.GetNames<WorkloadKind>();

    /// <summary>
    /// Parses <paramref name="text"/> (optionally prefixed by its API group, <c>apps/v1/Deployment</c> or
    /// <c>deployments.apps</c>). Job is recognised so that it can be refused with its own reason.
    /// </summary>
    public static KindParse TryParse(string? text, out WorkloadKind kind)
    {
        kind = default;
        if (string.IsNullOrWhiteSpace(text)) return KindParse.Unknown;
        var t = text.Trim();
        var slash = t.LastIndexOf('/');
        if (slash >= 0) t = t[(slash + 1)..];
        var dot = t.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0) t = t[..dot];
        if (t.Equals("Job", StringComparison.OrdinalIgnoreCase) || t.Equals("jobs", StringComparison.OrdinalIgnoreCase))
            return KindParse.Job;
        return Names.TryGetValue(t, out kind) ? KindParse.Supported : KindParse.Unknown;
    }

    /// <summary>The lower-case resource word kubectl uses: <c>deployment/web</c>.</summary>
    public static string Resource(this WorkloadKind kind) => kind.ToString().ToLowerInvariant();
}
