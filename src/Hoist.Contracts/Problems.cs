namespace Hoist.Contracts;

/// <summary>
/// The stable <c>code</c> extension of every ProblemDetails Hoist returns. Clients branch on these, never on text.
/// </summary>
public static class ProblemCodes
{
    public const string TokenMissing = "token_missing";
    public const string TokenInvalid = "token_invalid";
    public const string TokenExpired = "token_expired";
    public const string TokenRevoked = "token_revoked";
    public const string ScopeMissing = "scope_missing";
    public const string ProjectAccessDenied = "project_access_denied";
    public const string PermissionDenied = "permission_denied";
    public const string CredentialNotFound = "credential_not_found";
    public const string CredentialRevoked = "credential_revoked";
    public const string CredentialBuildPlanMismatch = "credential_build_plan_mismatch";
    public const string CredentialScopeViolation = "credential_scope_violation";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidField = "invalid_field";
    public const string UnsupportedDeployType = "unsupported_deploy_type";
    public const string InvalidImageReference = "invalid_image_reference";
    public const string CloudAccountNotFound = "cloud_account_not_found";
    public const string ClusterUnreachable = "cluster_unreachable";
    public const string NamespaceNotFound = "namespace_not_found";
    public const string WorkloadNotFound = "workload_not_found";
    public const string UnsupportedWorkloadKind = "unsupported_workload_kind";
    public const string ContainerNotFound = "container_not_found";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string InvalidTransition = "invalid_transition";
    public const string TooManyRequests = "too_many_requests";
}

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

    /// <summary>What the field should have held, in words or as a list.</summary>
    public const string Expected = "expected";

    /// <summary><c>credential_build_plan_mismatch</c>: the build plan the credential is bound to.</summary>
    public const string BuildPlan = "buildPlan";

    /// <summary><c>credential_build_plan_mismatch</c> and others: the project the credential or release belongs to.</summary>
    public const string Project = "project";

    /// <summary><c>credential_build_plan_mismatch</c>: the pipeline name (<c>project-buildPlan-index</c>) the credential expects.</summary>
    public const string ExpectedPipeline = "expectedPipeline";

    /// <summary><c>container_not_found</c>: the names of the containers the workload's pod template has (string array).</summary>
    public const string Containers = "containers";

    /// <summary><c>container_not_found</c>: the names of its init containers (string array).</summary>
    public const string InitContainers = "initContainers";

    /// <summary><c>scope_missing</c>: the scope the token lacks (e.g. <c>project:deployment</c>).</summary>
    public const string Scope = "scope";

    /// <summary>A page where the user can fix the problem (e.g. issue a credential for this build plan), absolute URL.</summary>
    public const string FixUrl = "fixUrl";
}
