using Hoist.Contracts;

namespace Hoist.Server.Kubernetes;

/// <summary>
/// A reason to fail a release, seen on one pod (or on the workload). Whether it fails the release depends on
/// how long it persists: see the engine's FailureTracker. <see cref="Key"/> identifies "the same problem on the
/// same pod" across snapshots.
/// </summary>
public sealed record FailureSignal(FailureReason Reason, string Cause, string Subject, string Detail, string Key)
{
    public string? Pod { get; init; }
    public string? Container { get; init; }
    public int? ExitCode { get; init; }

    /// <summary><c>failed: ImagePullBackOff — pod web-7d9c5-x2x4k: Back-off pulling image "nginx:1.27-typo"</c></summary>
    public string Message => $"failed: {Cause} — {Subject}: {Detail}";
}

/// <summary>Reads a pod's status the way a person reading <c>kubectl describe pod</c> would: what is wrong, and why.</summary>
public static class FailureClassifier
{
    static readonly HashSet<string> PullReasons = ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable", "SignatureValidationFailed"];
    static readonly HashSet<string> ConfigReasons = ["CreateContainerConfigError", "CreateContainerError", "RunContainerError"];

    /// <summary>
    /// Every failure this pod shows now. With <paramref name="currentSpecOnly"/> (a bare Pod whose image was
    /// patched in place), a container's status counts only once it reports the image of the current spec, so
    /// the old container's troubles are not blamed on the new image.
    /// </summary>
    public static IEnumerable<FailureSignal> Classify(PodState pod, bool currentSpecOnly = false)
    {
        if (pod.Terminating) yield break;
        var subject = $"pod {pod.Name}";

        if (pod.Scheduled is { Status: "False", Reason: "Unschedulable" } s)
        {
            yield return new FailureSignal(FailureReason.Unschedulable, "Unschedulable", subject,
                Text.Clean(s.Message) ?? "no node can run the pod", $"{pod.Uid}//Unschedulable") { Pod = pod.Name };
        }

        foreach (var c in pod.Containers)
        {
            if (currentSpecOnly && c.Image is not null && !ImageReference.SameImage(c.Image, c.SpecImage)) continue;
            var key = $"{pod.Uid}/{c.Name}/";
            if (c.State == "waiting" && c.Reason is { } reason)
            {
                if (PullReasons.Contains(reason))
                {
                    yield return new FailureSignal(FailureReason.ImagePullFailed, reason, subject,
                        Text.Clean(c.Message) ?? $"cannot pull image \"{Text.Clean(c.SpecImage)}\"", key + nameof(FailureReason.ImagePullFailed))
                    { Pod = pod.Name, Container = c.Name };
                    continue;
                }
                if (ConfigReasons.Contains(reason))
                {
                    yield return new FailureSignal(FailureReason.ContainerConfigError, reason, subject,
                        Text.Clean(c.Message) ?? $"container {c.Name} cannot be created", key + nameof(FailureReason.ContainerConfigError))
                    { Pod = pod.Name, Container = c.Name };
                    continue;
                }
                if (reason == "CrashLoopBackOff")
                {
                    yield return CrashLoop(pod, c, reason, subject, key);
                    continue;
                }
            }

            // Between back-offs a crash-looping container is briefly running (or just terminated): still the same loop.
            var crashedNow = c.State == "terminated" && c.ExitCode is { } code && code != 0;
            var crashedBefore = c.Restarts > 0 && c.LastTermination is { ExitCode: not 0 } && !c.Ready && c.State is "running" or "terminated";
            if (crashedNow || crashedBefore)
                yield return CrashLoop(pod, c, c.State == "terminated" ? c.Reason ?? "Error" : "CrashLoopBackOff", subject, key);
        }
    }

    static FailureSignal CrashLoop(PodState pod, PodContainer c, string cause, string subject, string key)
    {
        var exit = c.State == "terminated" && c.ExitCode is { } now ? now : c.LastTermination?.ExitCode;
        var why = c.State == "terminated" ? c.Reason : c.LastTermination?.Reason;
        var detail = $"container {c.Name} exited with code {(exit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")}"
            + (why is null ? "" : $" ({Text.Clean(why)})")
            + (c.Restarts > 0 ? $", restarted {c.Restarts} time{(c.Restarts == 1 ? "" : "s")}" : "");
        return new FailureSignal(FailureReason.CrashLoop, cause, subject, detail, key + nameof(FailureReason.CrashLoop))
        { Pod = pod.Name, Container = c.Name, ExitCode = exit };
    }
}

/// <summary>Cluster text is untrusted: one line, no control characters, bounded length.</summary>
public static class Text
{
    public static string? Clean(string? s, int max = 300)
    {
        if (string.IsNullOrWhiteSpace(s)) return null;
        var chars = s.Select(ch => char.IsControl(ch) ? ' ' : ch).ToArray();
        var t = new string(chars).Trim();
        return t.Length <= max ? t : t[..(max - 1)] + "…";
    }
}
