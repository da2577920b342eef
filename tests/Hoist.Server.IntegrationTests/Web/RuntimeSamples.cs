using Hoist.Contracts;

namespace Hoist.Server.IntegrationTests.Web;

/// <summary>Runtimes as the gateway reports them, for the runtime page tests.</summary>
public static class RuntimeSamples
{
    public static RuntimeDto Healthy(long releaseId, string workload = "web", int newPods = 3, int oldPods = 0) => new()
    {
        ReleaseId = releaseId,
        Workload = new WorkloadRefDto("sandbox", "shop", "Deployment", workload, "app"),
        Desired = newPods,
        Updated = newPods,
        Ready = newPods,
        Available = newPods,
        NewRevision = "7d9f6c5b8",
        Pods = [.. Enumerable.Range(0, newPods).Select(i => Pod($"{workload}-7d9f6c5b8-n{i}", "7d9f6c5b8", isNew: true,
                    Running("registry.example.com/shop/web:2.0.0"))),
                .. Enumerable.Range(0, oldPods).Select(i => Pod($"{workload}-5c4b3a291-o{i}", "5c4b3a291", isNew: false,
                    Running("registry.example.com/shop/web:1.9.0")))],
        Events =
        [
            new RuntimeEventDto("Normal", "ScalingReplicaSet", $"Scaled up replica set {workload}-7d9f6c5b8 to {newPods}", $"Deployment/{workload}", 1, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddMinutes(-2)),
        ],
    };

    /// <summary>One new pod stuck pulling a nonexistent image while the 3 old pods keep serving.</summary>
    public static RuntimeDto ImagePullBackOff(long releaseId, string workload = "web") => new()
    {
        ReleaseId = releaseId,
        Workload = new WorkloadRefDto("sandbox", "shop", "Deployment", workload, "app"),
        Desired = 3,
        Updated = 1,
        Ready = 3,
        Available = 3,
        NewRevision = "9a8b7c6d5",
        Pods =
        [
            Pod($"{workload}-9a8b7c6d5-bad01", "9a8b7c6d5", isNew: true, new RuntimeContainerDto
            {
                Name = "app",
                Image = "registry.example.com/shop/web:nonexistent",
                State = "waiting",
                Reason = "ImagePullBackOff",
                Message = "Back-off pulling image \"registry.example.com/shop/web:nonexistent\"",
            }) with { Phase = "Pending", Ready = false },
            .. Enumerable.Range(0, 3).Select(i => Pod($"{workload}-5c4b3a291-o{i}", "5c4b3a291", isNew: false, Running("registry.example.com/shop/web:1.9.0"))),
        ],
        Events =
        [
            new RuntimeEventDto("Warning", "Failed", "Failed to pull image \"registry.example.com/shop/web:nonexistent\": not found", $"Pod/{workload}-9a8b7c6d5-bad01", 4, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow),
            new RuntimeEventDto("Normal", "BackOff", "Back-off pulling image \"registry.example.com/shop/web:nonexistent\"", $"Pod/{workload}-9a8b7c6d5-bad01", 6, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow),
        ],
    };

    static RuntimeContainerDto Running(string image) => new()
    {
        Name = "app",
        Image = image,
        ImageId = image.Split(':')[0] + "@sha256:" + new string('b', 64),
        State = "running",
        Ready = true,
    };

    static RuntimePodDto Pod(string name, string revision, bool isNew, RuntimeContainerDto container) => new()
    {
        Name = name,
        Revision = revision,
        IsNew = isNew,
        Phase = "Running",
        Ready = container.Ready,
        Node = "sandbox-node-1",
        CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-2),
        Containers = [container],
    };
}
