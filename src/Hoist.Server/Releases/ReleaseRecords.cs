using System.Text.Json;
using Hoist.Contracts;

namespace Hoist.Server.Releases;

/// <summary>One line of a release's progress (a transition, rollout counts, a log excerpt), numbered per release.</summary>
public sealed class ReleaseEvent
{
    public long Id { get; set; }
    public long ReleaseId { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary><c>status</c>, <c>progress</c> or <c>log</c>.</summary>
    public string Type { get; set; } = "";
    public ReleaseStatus Status { get; set; }
    public string Message { get; set; } = "";
    public string? ProgressJson { get; set; }

    public const string StatusType = "status";
    public const string ProgressType = "progress";
    public const string LogType = "log";

    public ReleaseEventDto ToDto() => new()
    {
        Sequence = Sequence,
        At = At,
        Type = Type,
        Status = Status,
        Message = Message,
        Progress = ProgressJson is null ? null : JsonSerializer.Deserialize<RolloutProgressDto>(ProgressJson, JsonOptions),
    };

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>How one pod ended up when the verdict was given.</summary>
public sealed class ReleasePod
{
    public long Id { get; set; }
    public long ReleaseId { get; set; }
    public string Name { get; set; } = "";
    public string? Revision { get; set; }
    public bool New { get; set; }
    public string Phase { get; set; } = "";
    public bool Ready { get; set; }
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public int Restarts { get; set; }
    public string? ImageId { get; set; }

    public PodOutcomeDto ToDto() => new(Name, Revision, New, Phase, Ready, Reason, Message, Restarts, ImageId);
}
