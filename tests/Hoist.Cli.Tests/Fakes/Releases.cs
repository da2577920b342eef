using Hoist.Contracts;

namespace Hoist.Cli.Tests.Fakes;

/// <summary>Release DTOs and events as the server would send them.</summary>
public static class Releases
{
    public static readonly DateTimeOffset T0 = new(2025, 11, 26, 14, 0, 0, TimeSpan.Zero);

    public static ReleaseDto Release(long id, ReleaseStatus status, FailureReason reason = FailureReason.None, string? message = null, string image = "nginx:1.27") => new()
    {
        Id = id,
        Status = status,
        Reason = reason,
        Message = message,
        Url = $"/releases/{id}",
        Application = "demo",
        Pipeline = "shop-build-and-deploy-1",
        Project = "shop",
        BuildPlan = "build-and-deploy",
        BuildNumber = "17",
        Workload = new WorkloadRefDto("sandbox", "demo", "Deployment", "web", "nginx"),
        ImageBefore = "nginx:1.26",
        ImageAfter = image,
        CreatedAt = T0,
        FinishedAt = status.IsTerminal() ? T0.AddMinutes(1) : null,
    };

    public static DeployAccepted Accepted(long id, bool existing = false) =>
        new(id, ReleaseStatus.Queued, $"/releases/{id}", $"/api/v1/releases/{id}", $"/api/v1/releases/{id}/events", existing);

    public static ReleaseEventDto Status(long seq, ReleaseStatus status, string message) =>
        new() { Sequence = seq, At = T0.AddSeconds(seq), Type = "status", Status = status, Message = message };

    public static ReleaseEventDto Progress(long seq, int desired, int updated, int available, int old = 0, params string[] waiting) =>
        new()
        {
            Sequence = seq,
            At = T0.AddSeconds(seq),
            Type = "progress",
            Status = ReleaseStatus.RollingOut,
            Message = $"{updated}/{desired} updated",
            Progress = new RolloutProgressDto(desired, updated, updated, available, old, waiting),
        };
}
