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

    // Added by the server work (issue #4).
    public const string InvalidCredentials = "invalid_credentials";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string KubeconfigRefused = "kubeconfig_refused";
    public const string InvalidKubeconfig = "invalid_kubeconfig";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string NotReady = "not_ready";
    public const string InternalError = "internal_error";
}
