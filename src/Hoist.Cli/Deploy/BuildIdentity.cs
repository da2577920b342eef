using System.Security.Cryptography;
using System.Text;
using Hoist.Contracts;

namespace Hoist.Cli.Deploy;

/// <summary>Which CI build is calling, for the release record and for the idempotency key.</summary>
internal static class BuildIdentity
{
    /// <summary>
    /// Variables that name one run of one CI job. A step retried inside the same run sees the same values, so its
    /// key matches; a new run (a new build number, a GitHub re-run attempt, a new GitLab job) gets a new key and a
    /// new release, which is what a person clicking "rebuild" after a failure wants.
    /// </summary>
    static readonly string[] IdentityVariables =
    [
        // CODING (Jenkins-based) and Jenkins
        "PROJECT_NAME", "PROJECT_ID", "JOB_ID", "CCI_JOB_NAME", "JOB_NAME", "CI_BUILD_NUMBER", "BUILD_NUMBER", "BUILD_TAG",
        // GitHub Actions
        "GITHUB_REPOSITORY", "GITHUB_WORKFLOW", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT", "GITHUB_JOB",
        // GitLab CI
        "CI_PROJECT_ID", "CI_PIPELINE_ID", "CI_JOB_ID",
    ];

    /// <summary>Without one of these there is no build to be idempotent about (a person at a shell).</summary>
    static readonly string[] RunVariables = ["CI_BUILD_NUMBER", "BUILD_NUMBER", "GITHUB_RUN_ID", "CI_JOB_ID"];

    public static bool HasBuild(CliEnvironment env) => RunVariables.Any(v => env.Get(v) is not null);

    /// <summary>
    /// The <c>Idempotency-Key</c> of a deploy: SHA-256 over the build's identity and everything the request asks for
    /// (not the token). The timeout and the rollback flag count, as they do in the server's own "same parameters"
    /// check, which refuses a reused key with other parameters (409 idempotency_key_reused). Outside CI there is no
    /// identity to share, so the key is random per invocation: the CLI's own HTTP retries reuse it (a POST whose
    /// answer was lost does not create a second release), while two deliberate runs from a shell are two releases.
    /// </summary>
    public static string IdempotencyKey(DeployRequest request, CliEnvironment env)
    {
        if (!HasBuild(env))
        {
            return "hoist-deploy-r-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }
        var material = new StringBuilder("hoist-deploy/v1\n");
        foreach (var name in IdentityVariables)
        {
            if (env.Get(name) is { } value)
            {
                material.Append(name).Append('=').Append(value).Append('\n');
            }
        }
        material.Append("--\n");
        Append(material, "deployType", request.DeployType);
        Append(material, "application", request.Application);
        Append(material, "pipelineName", request.PipelineName);
        Append(material, "credentialId", request.CredentialId);
        Append(material, "image", request.Image);
        Append(material, "cloudAccountName", request.CloudAccountName);
        Append(material, "namespace", request.Namespace);
        Append(material, "manifestType", request.ManifestType);
        Append(material, "manifestName", request.ManifestName);
        Append(material, "containerName", request.ContainerName);
        Append(material, "restartIfUnchanged", request.RestartIfUnchanged == true ? "true" : "false");
        Append(material, "rollbackOnFailure", request.RollbackOnFailure switch { true => "true", false => "false", null => "" });
        Append(material, "timeoutSeconds", request.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(material.ToString()));
        return "hoist-deploy-" + Convert.ToHexStringLower(hash);
    }

    // Lengths keep "a=b\nc" from colliding with "a=b" + "c" when a value contains a newline.
    static void Append(StringBuilder material, string name, string? value) =>
        material.Append(name).Append('[').Append(value?.Length ?? -1).Append("]=").Append(value).Append('\n');

    /// <summary>
    /// Provenance for the release record. The identity fields (project, build plan id and name) come only from
    /// CODING's variables because the server checks them against the credential's binding; the purely informative
    /// ones (build number, commit, build URL) also fall back to Jenkins, GitHub Actions and GitLab CI variables.
    /// </summary>
    public static BuildProvenance? Provenance(CliEnvironment env)
    {
        var p = new BuildProvenance
        {
            ProjectName = env.Get("PROJECT_NAME"),
            JobId = env.Get("JOB_ID"),
            JobName = env.Get("CCI_JOB_NAME"),
            BuildNumber = env.Get("CI_BUILD_NUMBER") ?? env.Get("BUILD_NUMBER") ?? env.Get("GITHUB_RUN_NUMBER") ?? env.Get("CI_PIPELINE_IID"),
            GitCommit = env.Get("GIT_COMMIT") ?? env.Get("GITHUB_SHA") ?? env.Get("CI_COMMIT_SHA"),
            BuildUrl = BuildUrl(env),
        };
        return p == new BuildProvenance() ? null : p;
    }

    static string? BuildUrl(CliEnvironment env)
    {
        if (env.Get("BUILD_URL") is { } jenkins)
        {
            return jenkins;
        }
        if (env.Get("GITHUB_SERVER_URL") is { } server && env.Get("GITHUB_REPOSITORY") is { } repo && env.Get("GITHUB_RUN_ID") is { } run)
        {
            var url = $"{server.TrimEnd('/')}/{repo}/actions/runs/{run}";
            return env.Get("GITHUB_RUN_ATTEMPT") is { } attempt and not "1" ? $"{url}/attempts/{attempt}" : url;
        }
        return env.Get("CI_JOB_URL");
    }
}
