using System.Text.Json.Serialization;

namespace Hoist.Contracts;

/// <summary>
/// The body of <c>POST /api/v1/deploys</c>: exactly the parameters of CODING's <c>cdDeploy</c> step (DESIGN.md §3),
/// all strings, plus what Hoist adds (provenance, timeout, rollback). The token travels in the Authorization header.
/// </summary>
public sealed record DeployRequest
{
    public string? DeployType { get; init; }
    public string? Application { get; init; }
    public string? PipelineName { get; init; }
    public string? CredentialId { get; init; }
    public string? Image { get; init; }
    public string? CloudAccountName { get; init; }
    public string? Namespace { get; init; }
    public string? ManifestType { get; init; }
    public string? ManifestName { get; init; }
    public string? ContainerName { get; init; }

    /// <summary>Where the request came from: CI variables, all optional.</summary>
    public BuildProvenance? Build { get; init; }

    /// <summary>Restore the previous image when the rollout fails (also settable on the credential).</summary>
    public bool? RollbackOnFailure { get; init; }

    /// <summary>When the image is already running, restart the pods instead of succeeding as a no-op.</summary>
    public bool? RestartIfUnchanged { get; init; }

    /// <summary>Release timeout in seconds; default 600.</summary>
    public int? TimeoutSeconds { get; init; }
}

public sealed record BuildProvenance
{
    public string? ProjectName { get; init; }   // PROJECT_NAME
    public string? JobId { get; init; }         // JOB_ID
    public string? JobName { get; init; }       // CCI_JOB_NAME
    public string? BuildNumber { get; init; }   // CI_BUILD_NUMBER
    public string? GitCommit { get; init; }     // GIT_COMMIT
    public string? BuildUrl { get; init; }
}

/// <summary>202 Accepted answer to a deploy: where to follow the release.</summary>
public sealed record DeployAccepted(long ReleaseId, ReleaseStatus Status, string Url, string ApiUrl, string EventsUrl, bool Existing);
