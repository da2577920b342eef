using System.Text.RegularExpressions;
using Hoist.Contracts;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Releases;

/// <summary>Why a deploy target was refused: a stable problem code and the HTTP status the API answers with.</summary>
public sealed record TargetProblem(string Code, int Status, string Title, string Detail)
{
    /// <summary>For <see cref="ProblemCodes.ContainerNotFound"/>: the containers (and init containers) that do exist.</summary>
    public IReadOnlyList<string>? Available { get; init; }
}

/// <summary>The outcome of validating a deploy target; on success the parsed workload and what it runs now.</summary>
public sealed record TargetCheck(WorkloadRef? Workload, WorkloadState? State, TargetProblem? Problem)
{
    public bool Ok => Problem is null;
    public string? CurrentImage(string container) => State?.ImageOf(container);
}

/// <summary>
/// Checks a deploy target before a release exists, so the API can answer 404/422 and nothing changes in the
/// cluster. The engine runs the same checks again when the release starts.
/// </summary>
public interface IReleaseTargetValidator
{
    /// <param name="kind">As given by the caller: <c>Deployment</c>, <c>deployment</c>, <c>deploy</c>, <c>apps/v1/Deployment</c>…</param>
    Task<TargetCheck> ValidateAsync(long cloudAccountId, string? ns, string? kind, string? name, string? container, string? image, CancellationToken ct);
}

public sealed partial class ReleaseTargetValidator(IClusterConnectionSource connections, IRolloutGatewayFactory gateways) : IReleaseTargetValidator
{
    public async Task<TargetCheck> ValidateAsync(long cloudAccountId, string? ns, string? kind, string? name, string? container, string? image, CancellationToken ct)
    {
        if (Static(ns, kind, name, container, image, out var workload) is { } problem) return new TargetCheck(null, null, problem);
        var account = await connections.GetAsync(cloudAccountId, ct);
        if (account is null)
            return Fail(ProblemCodes.CloudAccountNotFound, 404, "Cloud account not found", $"cloud account {cloudAccountId} does not exist");
        var gateway = gateways.GetRollouts(cloudAccountId, account.Value.Connection);
        return await CheckClusterAsync(gateway, account.Value.Name, workload!, container!, ct);
    }

    /// <summary>The checks that need no cluster: names, kind, image reference.</summary>
    public static TargetProblem? Static(string? ns, string? kind, string? name, string? container, string? image, out WorkloadRef? workload)
    {
        workload = null;
        if (!ImageReference.TryParse(image, out _, out var why))
            return Problem(ProblemCodes.InvalidImageReference, 422, "Invalid image reference", $"image \"{Text.Clean(image, 200)}\" is not valid: {why}");
        switch (WorkloadKinds.TryParse(kind, out var k))
        {
            case KindParse.Job:
                return Problem(ProblemCodes.UnsupportedWorkloadKind, 422, "Unsupported workload kind",
                    "a Job cannot be updated: its pod template is immutable once created. Deploy a CronJob, or create a new Job.");
            case KindParse.Unknown:
                return Problem(ProblemCodes.UnsupportedWorkloadKind, 422, "Unsupported workload kind",
                    $"kind \"{Text.Clean(kind, 60)}\" is not supported; use one of {string.Join(", ", WorkloadKinds.Supported)}");
        }
        if (!IsDnsLabel(ns, 63)) return Problem(ProblemCodes.InvalidField, 422, "Invalid namespace", $"\"{Text.Clean(ns, 80)}\" is not a valid namespace name");
        if (!IsDnsSubdomain(name)) return Problem(ProblemCodes.InvalidField, 422, "Invalid workload name", $"\"{Text.Clean(name, 80)}\" is not a valid {k.Resource()} name");
        if (!IsDnsLabel(container, 63)) return Problem(ProblemCodes.InvalidField, 422, "Invalid container name", $"\"{Text.Clean(container, 80)}\" is not a valid container name");
        workload = new WorkloadRef(ns!, k, name!);
        return null;
    }

    /// <summary>Namespace, workload, container — each missing one reported by name. Reads only.</summary>
    public static async Task<TargetCheck> CheckClusterAsync(IRolloutGateway gateway, string accountName, WorkloadRef workload, string container, CancellationToken ct)
    {
        try
        {
            var state = await gateway.ReadWorkloadAsync(workload, ct);
            if (state is null)
            {
                if (!await gateway.NamespaceExistsAsync(workload.Namespace, ct))
                    return Fail(ProblemCodes.NamespaceNotFound, 404, "Namespace not found", $"namespace \"{workload.Namespace}\" does not exist in cloud account \"{accountName}\"");
                return Fail(ProblemCodes.WorkloadNotFound, 404, "Workload not found", $"{workload.Kind.Resource()} \"{workload.Name}\" does not exist in namespace \"{workload.Namespace}\"");
            }
            if (state.Containers.All(c => c.Name != container))
            {
                var regular = state.Containers.Where(c => !c.IsInit).Select(c => c.Name).ToList();
                var init = state.Containers.Where(c => c.IsInit).Select(c => c.Name).ToList();
                var detail = $"container \"{container}\" does not exist in {workload.Kind.Resource()}/{workload.Name}; its containers are: {string.Join(", ", regular)}"
                    + (init.Count > 0 ? $"; init containers: {string.Join(", ", init)}" : "");
                return new TargetCheck(workload, state, Problem(ProblemCodes.ContainerNotFound, 422, "Container not found", detail) with { Available = [.. regular, .. init] });
            }
            return new TargetCheck(workload, state, null);
        }
        catch (ClusterUnreachableException e)
        {
            return Fail(ProblemCodes.ClusterUnreachable, 502, "Cluster unreachable", $"cloud account \"{accountName}\": {e.Message}");
        }
        catch (ClusterRequestException e)
        {
            return Fail(ProblemCodes.ClusterUnreachable, 502, "Cluster refused the request", $"cloud account \"{accountName}\": {e.Message}");
        }
    }

    static TargetCheck Fail(string code, int status, string title, string detail) => new(null, null, Problem(code, status, title, detail));
    static TargetProblem Problem(string code, int status, string title, string detail) => new(code, status, title, detail);

    static bool IsDnsLabel(string? s, int max) => s is { Length: > 0 } && s.Length <= max && DnsLabel().IsMatch(s);
    static bool IsDnsSubdomain(string? s) => s is { Length: > 0 and <= 253 } && s.Split('.').All(p => p.Length <= 63 && DnsLabel().IsMatch(p));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();
}
