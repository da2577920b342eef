using System.Globalization;
using System.Text.Json.Nodes;

namespace Hoist.Server.Kubernetes;

/// <summary>What one release changes in a workload; <see cref="ImagePatch.Build"/> turns it into the patch body.</summary>
public sealed record ImageChange
{
    public required string Container { get; init; }
    public required string Image { get; init; }
    public required long ReleaseId { get; init; }
    public required string ChangeCause { get; init; }
    /// <summary>Set when the image is unchanged and a restart was asked for (as <c>kubectl rollout restart</c>).</summary>
    public DateTimeOffset? RestartedAt { get; init; }
}

/// <summary>
/// Builds the strategic-merge patch of one container's image. It carries the workload's resourceVersion, so
/// the apiserver answers 409 if anything changed since it was read, and puts Hoist's annotations on the
/// workload's own metadata: annotations on the pod template would themselves start a rollout.
/// </summary>
public static class ImagePatch
{
    public const string ChangeCause = "kubernetes.io/change-cause";
    public const string ReleaseIdAnnotation = "hoist.dev/release-id";
    public const string PreviousImageAnnotation = "hoist.dev/previous-image";
    public const string RestartedAt = "kubectl.kubernetes.io/restartedAt";

    /// <summary>The patch body, or null when the container does not exist in the workload.</summary>
    public static string? Build(WorkloadState workload, ImageChange change)
    {
        var container = workload.Containers.FirstOrDefault(c => c.Name == change.Container);
        if (container is null) return null;

        var annotations = new JsonObject
        {
            [ChangeCause] = Truncate(change.ChangeCause, 1024),
            [ReleaseIdAnnotation] = change.ReleaseId.ToString(CultureInfo.InvariantCulture),
            [PreviousImageAnnotation] = container.Image,
        };
        var podSpec = new JsonObject
        {
            [container.IsInit ? "initContainers" : "containers"] = new JsonArray(new JsonObject { ["name"] = container.Name, ["image"] = change.Image }),
        };

        JsonObject spec;
        if (workload.Ref.Kind == WorkloadKind.Pod)
        {
            spec = podSpec;
        }
        else
        {
            var template = new JsonObject();
            if (change.RestartedAt is { } at)
                template["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAt] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) } };
            template["spec"] = podSpec;
            spec = workload.Ref.Kind == WorkloadKind.CronJob
                ? new JsonObject { ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = template } } }
                : new JsonObject { ["template"] = template };
        }

        var body = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = workload.ResourceVersion, ["annotations"] = annotations },
            ["spec"] = spec,
        };
        return body.ToJsonString();
    }

    /// <summary>Whether this workload already carries the change of release <paramref name="releaseId"/> (so it must not be patched again).</summary>
    public static bool CarriesRelease(WorkloadState workload, long releaseId) =>
        workload.Annotation(ReleaseIdAnnotation) == releaseId.ToString(CultureInfo.InvariantCulture);

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
