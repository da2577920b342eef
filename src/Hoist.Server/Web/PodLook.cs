using Hoist.Contracts;

namespace Hoist.Server.Web;

/// <summary>How a pod square looks: a tone shared with release statuses and a short label that says why.</summary>
public static class PodLook
{
    static readonly HashSet<string> BadReasons = new(StringComparer.Ordinal)
    {
        "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CrashLoopBackOff",
        "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "OOMKilled", "Error",
        "Unschedulable",
    };

    public static string Tone(RuntimePodDto pod)
    {
        // A pod on its way out is neither a problem nor capacity, whatever its containers say while they stop.
        if (pod.Terminating) return "muted";
        if (pod.Phase == "Failed" || pod.Containers.Any(c => c.Reason is { } r && BadReasons.Contains(r))) return "bad";
        if (pod.Ready) return "ok";
        if (pod.Phase == "Succeeded") return "muted";
        if (pod.Phase == "Running") return "run";
        return "wait";
    }

    /// <summary>
    /// The most telling reason, in kubectl get pods' order: Terminating first, then a waiting/terminated container
    /// reason, else the phase (and Ready when it is).
    /// </summary>
    public static string Label(RuntimePodDto pod, Strings s)
    {
        if (pod.Terminating) return s.PodTerminating;
        var reason = pod.Containers.Where(c => !string.IsNullOrEmpty(c.Reason)).OrderBy(c => BadReasons.Contains(c.Reason!) ? 0 : 1).FirstOrDefault()?.Reason;
        if (reason is not null) return Fmt.Clip(reason, 64);
        return pod.Ready ? s.PodReady : Fmt.Clip(pod.Phase, 64);
    }

    public static int Restarts(RuntimePodDto pod) => pod.Containers.Sum(c => c.Restarts);

    public static string ContainerTone(RuntimeContainerDto c) =>
        c.Reason is { } r && BadReasons.Contains(r) ? "bad"
        : c.State == "running" && c.Ready ? "ok"
        : c.State == "running" ? "run"
        : c.State == "terminated" ? (c.Reason == "Completed" ? "muted" : "bad")
        : "wait";
}
