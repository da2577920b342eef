namespace Hoist.Contracts;

/// <summary>
/// Names of the ProblemDetails extension members Hoist sets next to <c>code</c>. The CLI turns them into advice a
/// user can act on, so the server should fill them whenever it knows the value.
/// </summary>
public static class ProblemExtensions
{
    /// <summary>The stable error code (see <see cref="ProblemCodes"/>).</summary>
    public const string Code = "code";

    /// <summary>The request field at fault, in the request's own spelling (e.g. <c>image</c>, <c>containerName</c>).</summary>
    public const string Field = "field";

    /// <summary>What the field should have held: text, or a list (the containers that exist, the scopes that would do).</summary>
    public const string Expected = "expected";

    /// <summary><c>credential_build_plan_mismatch</c>: the build plan the credential is bound to.</summary>
    public const string BuildPlan = "buildPlan";

    /// <summary><c>credential_build_plan_mismatch</c>: the project the credential belongs to.</summary>
    public const string Project = "project";

    /// <summary><c>credential_build_plan_mismatch</c>: the pipeline name (<c>project-buildPlan-index</c>) the credential expects.</summary>
    public const string Pipeline = "pipeline";

    /// <summary><c>credential_build_plan_mismatch</c>: the API path that re-issues the credential for another build plan.</summary>
    public const string ReissueUrl = "reissueUrl";

    /// <summary><c>container_not_found</c>: the containers the pod template has (string array; else see <see cref="Expected"/>).</summary>
    public const string Containers = "containers";

    /// <summary><c>container_not_found</c>: its init containers (string array).</summary>
    public const string InitContainers = "initContainers";

    /// <summary><c>scope_missing</c>: the scope the token lacks (else see <see cref="Expected"/>).</summary>
    public const string Scope = "scope";

    /// <summary><c>idempotency_key_reused</c>: the release the key already made.</summary>
    public const string ReleaseId = "releaseId";
}
