using Hoist.Contracts;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Deploys;

/// <summary>Reads <c>manifestType</c> and the wizard's kind: kind names, case-insensitive, singular or plural.</summary>
public static class WorkloadKinds
{
    public static readonly IReadOnlyList<string> Names = Enum.GetNames<WorkloadKind>();

    public static Outcome<WorkloadKind> Parse(string field, string? value)
    {
        if (InputRules.Text(field, value, 64) is { } bad) return bad;
        var v = value!.EndsWith('s') && value.Length > 1 ? value[..^1] : value;
        foreach (var kind in Enum.GetValues<WorkloadKind>())
            if (string.Equals(kind.ToString(), v, StringComparison.OrdinalIgnoreCase) || string.Equals(kind.ToString(), value, StringComparison.OrdinalIgnoreCase))
                return kind;
        if (string.Equals(v, "Job", StringComparison.OrdinalIgnoreCase))
            return Unsupported(field, "A Job cannot be updated: its pod template is immutable. Deploy its CronJob, or create a new Job.");
        return Unsupported(field, $"'{field}' must be one of {string.Join(", ", Names)}.");
    }

    static ApiProblem Unsupported(string field, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, ProblemCodes.UnsupportedWorkloadKind, "Unsupported workload kind", detail)
        { Field = field, Expected = Names };
}
