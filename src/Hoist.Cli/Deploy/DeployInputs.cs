using Hoist.Contracts;

namespace Hoist.Cli.Deploy;

/// <summary>One cdDeploy parameter: its step name, its option, and where its default comes from (DESIGN.md §3).</summary>
internal sealed record DeployParameter(string StepName, string Option, string? EnvironmentVariable, string? Fixed = null)
{
    /// <summary>pipelineName's default is built from three variables; the others read one (or none).</summary>
    public static readonly string[] PipelineVariables = ["PROJECT_NAME", "CCI_JOB_NAME", "CD_CREDENTIAL_INDEX"];

    public static readonly IReadOnlyList<DeployParameter> All =
    [
        new("deployType", "--deploy-type", null, Fixed: "PATCH_IMAGE"),
        new("application", "--application", "CCI_CURRENT_TEAM"),
        new("pipelineName", "--pipeline-name", null),
        new("credentialId", "--credential-id", "CD_CREDENTIAL_ID"),
        new("image", "--image", null),
        new("cloudAccountName", "--cloud-account-name", "CD_ACCOUNT_NAME"),
        new("namespace", "--namespace", "CD_NAMESPACE_NAME"),
        new("manifestType", "--manifest-type", "CD_MANIFEST_TYPE"),
        new("manifestName", "--manifest-name", "CD_MANIFEST_NAME"),
        new("containerName", "--container-name", "CD_CONTAINER_NAME"),
    ];

    public string? DefaultFrom(CliEnvironment env)
    {
        if (Fixed is not null)
        {
            return Fixed;
        }
        if (StepName == "pipelineName")
        {
            var parts = PipelineVariables.Select(env.Get).ToArray();
            return parts.All(p => p is not null) ? string.Join('-', parts) : null;
        }
        return EnvironmentVariable is null ? null : env.Get(EnvironmentVariable);
    }

    public string MissingMessage(CliEnvironment env)
    {
        if (StepName == "pipelineName")
        {
            var unset = PipelineVariables.Where(v => env.Get(v) is null);
            return $"missing {Option} (or the environment variables PROJECT_NAME, CCI_JOB_NAME and CD_CREDENTIAL_INDEX, " +
                   $"which make ${{PROJECT_NAME}}-${{CCI_JOB_NAME}}-${{CD_CREDENTIAL_INDEX}}; not set: {string.Join(", ", unset)})";
        }
        return EnvironmentVariable is null
            ? $"missing {Option} (it has no environment default)"
            : $"missing {Option} (or the environment variable {EnvironmentVariable})";
    }
}

/// <summary>What the user gave <c>hoist deploy</c>, before defaults.</summary>
internal sealed record DeployInputs
{
    /// <summary>Option values keyed by step name (<c>image</c>, <c>credentialId</c>, ...); empty means not given.</summary>
    public IReadOnlyDictionary<string, string?> Options { get; init; } = new Dictionary<string, string?>();
    public string? Step { get; init; }
    public string? Token { get; init; }
    public bool RestartIfUnchanged { get; init; }
    public bool RollbackOnFailure { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    public string? IdempotencyKey { get; init; }
}

/// <summary>The parameters after precedence and defaults, or the reasons they cannot be complete.</summary>
internal sealed record ResolvedDeploy(IReadOnlyDictionary<string, string> Values, string? Token, IReadOnlyList<string> Errors)
{
    public bool Ok => Errors.Count == 0;

    public DeployRequest ToRequest(DeployInputs inputs, CliEnvironment env) => new()
    {
        DeployType = Values["deployType"],
        Application = Values["application"],
        PipelineName = Values["pipelineName"],
        CredentialId = Values["credentialId"],
        Image = Values["image"],
        CloudAccountName = Values["cloudAccountName"],
        Namespace = Values["namespace"],
        ManifestType = Values["manifestType"],
        ManifestName = Values["manifestName"],
        ContainerName = Values["containerName"],
        Build = BuildIdentity.Provenance(env),
        RollbackOnFailure = inputs.RollbackOnFailure ? true : null,
        RestartIfUnchanged = inputs.RestartIfUnchanged ? true : null,
        TimeoutSeconds = (int)Math.Ceiling(inputs.Timeout.TotalSeconds),
    };
}

internal static class DeployInputResolver
{
    /// <summary>
    /// Precedence, highest first: an explicit option, then the <c>--step</c> argument, then the environment default.
    /// The step is pasted whole from a Jenkinsfile; options let a user change one value (say, <c>--image</c>) without
    /// editing it, which is why they win. The token follows the same order: <c>--token</c>, the step's
    /// <c>personalAccessToken</c>, then <c>CD_PERSONAL_ACCESS_TOKEN</c>.
    /// </summary>
    public static ResolvedDeploy Resolve(DeployInputs inputs, CliEnvironment env)
    {
        var errors = new List<string>();
        StepCall? step = null;
        if (inputs.Step is not null)
        {
            try
            {
                step = StepParser.Parse(inputs.Step);
            }
            catch (StepSyntaxException e)
            {
                return new ResolvedDeploy(new Dictionary<string, string>(), null, [$"--step: {e.Message}"]);
            }
        }

        string? FromStep(string name)
        {
            if (step?.Find(name) is not { } argument)
            {
                return null;
            }
            try
            {
                var value = StepExpansion.Expand(step, argument, env);
                return value.Length == 0 ? null : value;
            }
            catch (StepSyntaxException e)
            {
                errors.Add($"--step: {e.Message}");
                return "";
            }
        }

        var values = new Dictionary<string, string>();
        foreach (var p in DeployParameter.All)
        {
            var value = NonEmpty(inputs.Options.GetValueOrDefault(p.StepName)) ?? FromStep(p.StepName) ?? p.DefaultFrom(env);
            if (value is null)
            {
                errors.Add(p.MissingMessage(env));
            }
            else
            {
                values[p.StepName] = value;
            }
        }

        var token = NonEmpty(inputs.Token) ?? FromStep("personalAccessToken") ?? env.Get("CD_PERSONAL_ACCESS_TOKEN");
        if (token is null)
        {
            errors.Add("missing the token: --token (or the environment variable CD_PERSONAL_ACCESS_TOKEN, " +
                       "a personal access token with scope project:deployment)");
        }
        return new ResolvedDeploy(values, token, errors.Where(e => e.Length > 0).Distinct().ToList());
    }

    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
