using Hoist.Contracts;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Deploys;

/// <summary>
/// Reads <c>manifestType</c> and the wizard's kind as API input: the parsing itself is
/// <see cref="WorkloadKinds.TryParse"/>; this adds the field-level problem a caller can act on.
/// </summary>
public static class WorkloadKindInput
{
    public static Outcome<WorkloadKind> Parse(string field, string? value)
    {
        if (InputRules.Text(field, value, 64) is { } bad) return bad;
        return WorkloadKinds.TryParse(value, out var kind) switch
        {
            KindParse.Supported => kind,
            KindParse.Job => Unsupported(field, "A Job cannot be updated: its pod template is immutable. Deploy its CronJob, or create a new Job."),
            _ => Unsupported(field, $"'{field}' must be one of {string.Join(", ", WorkloadKinds.Supported)}."),
        };
    }

    static ApiProblem Unsupported(string field, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, ProblemCodes.UnsupportedWorkloadKind, "Unsupported workload kind", detail)
        { Field = field, Expected = WorkloadKinds.Supported };
}
