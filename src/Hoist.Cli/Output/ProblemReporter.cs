using Hoist.Cli.Api;
using Hoist.Contracts;

namespace Hoist.Cli.Output;

/// <summary>
/// Turns a refusal from the server into lines a user can act on: what was refused, why, and what to do next.
/// Branches only on the stable <c>code</c> and the extensions of <see cref="ProblemExtensions"/>, never on text.
/// </summary>
internal static class ProblemReporter
{

    public static int Report(ApiProblem problem, TextWriter error, DeployRequest? request = null, Uri? server = null)
    {
        var code = problem.Code is null ? "" : $" {problem.Code}";
        error.WriteLine($"hoist: rejected by the server ({problem.Status}{TerminalText.Safe(code)}): {TerminalText.Safe(problem.Title)}");
        if (!string.IsNullOrWhiteSpace(problem.Detail) && problem.Detail != problem.Title)
        {
            error.WriteLine($"hoist:   {TerminalText.Safe(problem.Detail)}");
        }
        if (problem.Field is { } field)
        {
            var expected = problem.Expected is { } e ? $"; expected {e}" : "";
            error.WriteLine($"hoist:   field: {TerminalText.Safe(field)}{TerminalText.Safe(expected)}");
        }
        foreach (var hint in Hints(problem, request, server))
        {
            error.WriteLine($"hoist:   {TerminalText.Safe(hint)}");
        }
        return problem.Status is 429 or >= 500 ? ExitCodes.ServerUnreachable : ExitCodes.Rejected;
    }

    static IEnumerable<string> Hints(ApiProblem p, DeployRequest? request, Uri? server)
    {
        switch (p.Code)
        {
            case ProblemCodes.CredentialBuildPlanMismatch:
                var plan = p.String(ProblemExtensions.BuildPlan);
                var project = p.String(ProblemExtensions.Project);
                var expectedPipeline = p.String(ProblemExtensions.Pipeline);
                var boundTo = plan is null ? "another build plan"
                    : $"build plan '{plan}'" + (project is null ? "" : $" of project '{project}'");
                yield return $"The credential{(request?.CredentialId is { } id ? $" {id}" : "")} belongs to {boundTo}" +
                             (expectedPipeline is null ? "" : $" (pipeline '{expectedPipeline}')") +
                             (request?.PipelineName is { } pipeline ? $"; this step deploys as pipeline '{pipeline}'." : ".");
                yield return "A copied build plan cannot reuse the original plan's credential. To deploy from this build plan, " +
                             "open Hoist's \"Deploy to Kubernetes\" template for it (this needs the deployment-settings permission; " +
                             "otherwise ask a project admin) and create a credential bound to it; then set CD_CREDENTIAL_ID and " +
                             "CD_CREDENTIAL_INDEX (or credentialId and pipelineName in the step) to the new values.";
                if (p.String(ProblemExtensions.ReissueUrl) is { } reissue)
                {
                    yield return $"An admin can also re-issue the credential for this build plan: POST {Absolute(reissue, server)}";
                }
                break;

            case ProblemCodes.ContainerNotFound:
                var containers = p.Strings(ProblemExtensions.Containers) is { Count: > 0 } listed ? listed : p.Strings(ProblemExtensions.Expected);
                var init = p.Strings(ProblemExtensions.InitContainers);
                var workload = request is null ? "the workload" : $"{request.ManifestType} {request.Namespace}/{request.ManifestName}";
                if (containers.Count > 0 || init.Count > 0)
                {
                    yield return $"Containers in {workload}: {(containers.Count > 0 ? string.Join(", ", containers) : "none")}" +
                                 (init.Count > 0 ? $"; init containers: {string.Join(", ", init)}" : "") +
                                 " — pass one of them as --container-name (CD_CONTAINER_NAME).";
                }
                break;

            case ProblemCodes.ScopeMissing:
                var scope = p.String(ProblemExtensions.Scope) ?? p.Strings(ProblemExtensions.Expected).FirstOrDefault() ?? "project:deployment";
                yield return $"The token lacks the scope '{scope}'. Create a personal access token with scope '{scope}' and give it " +
                             "as CD_PERSONAL_ACCESS_TOKEN (or --token).";
                break;

            case ProblemCodes.TokenMissing or ProblemCodes.TokenInvalid or ProblemCodes.TokenExpired or ProblemCodes.TokenRevoked:
                yield return "Check CD_PERSONAL_ACCESS_TOKEN (or --token): it must be a current Hoist personal access token " +
                             "with scope project:deployment. A token is shown only once when it is created; create a new one if it was lost.";
                break;

            case ProblemCodes.CredentialNotFound or ProblemCodes.CredentialRevoked:
                yield return $"Check CD_CREDENTIAL_ID (or --credential-id{(request?.CredentialId is { } c ? $", now {c}" : "")}): " +
                             "copy the id from the credential in Hoist, or create a credential for this build plan.";
                break;

            case ProblemCodes.ProjectAccessDenied:
                yield return "The token's user has no access to the credential's project (any more); use a token of a project member.";
                break;

            case ProblemCodes.IdempotencyKeyReused:
                var earlier = p.Extensions.TryGetValue(ProblemExtensions.ReleaseId, out var rid) && rid.ValueKind == System.Text.Json.JsonValueKind.Number ? rid.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
                yield return "This build already deployed with other parameters under the same key" +
                             (earlier is null ? "." : $" (release {earlier}; follow it with: hoist release wait {earlier}).") +
                             " To deploy again from the same build, pass --idempotency-key with a new value.";
                break;

            case ProblemCodes.UnsupportedDeployType:
                yield return "deployType must be PATCH_IMAGE.";
                break;
        }
    }

    static string Absolute(string url, Uri? server) => server is null ? url : Verdicts.PageUrl(url, server);
}
