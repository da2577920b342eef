namespace Hoist.Contracts;

/// <summary>
/// The container runtime view (容器运行详情) of a release's workload: <c>GET /api/v1/releases/{id}/runtime</c>.
/// Everything here is read from the cluster and is untrusted text.
/// </summary>
public sealed record RuntimeDto
{
    public required long ReleaseId { get; init; }
    public required WorkloadRefDto Workload { get; init; }
    public bool Exists { get; init; } = true;
    public int Desired { get; init; }
    public int Updated { get; init; }
    public int Ready { get; init; }
    public int Available { get; init; }
    /// <summary>The revision the release's image belongs to (pod-template-hash / controller-revision-hash).</summary>
    public string? NewRevision { get; init; }
    public IReadOnlyList<RuntimePodDto> Pods { get; init; } = [];
    public IReadOnlyList<RuntimeEventDto> Events { get; init; } = [];
    public DateTimeOffset ReadAt { get; init; }
}

public sealed record RuntimePodDto
{
    public required string Name { get; init; }
    public string? Revision { get; init; }
    public bool IsNew { get; init; }
    public required string Phase { get; init; }
    public bool Ready { get; init; }
    /// <summary>Being deleted (<c>deletionTimestamp</c> set): kubectl shows it as Terminating until its containers stop.</summary>
    public bool Terminating { get; init; }
    public string? Node { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyList<RuntimeContainerDto> Containers { get; init; } = [];
}

public sealed record RuntimeContainerDto
{
    public required string Name { get; init; }
    public bool IsInit { get; init; }
    public required string Image { get; init; }
    public string? ImageId { get; init; }
    /// <summary>waiting, running or terminated.</summary>
    public required string State { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public bool Ready { get; init; }
    public int Restarts { get; init; }
    public RuntimeTerminationDto? LastTermination { get; init; }
}

public sealed record RuntimeTerminationDto(int ExitCode, string? Reason, string? Message, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

public sealed record RuntimeEventDto(string Type, string Reason, string Message, string Object, int Count, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen);

/// <summary><c>GET /api/v1/releases/{id}/runtime/pods/{pod}/log?container=c&amp;tail=100</c>.</summary>
public sealed record LogTailDto(string Pod, string Container, IReadOnlyList<string> Lines, bool Truncated);
