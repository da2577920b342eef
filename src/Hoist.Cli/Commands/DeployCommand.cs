using System.CommandLine;
using System.Text.Json;
using Hoist.Cli.Api;
using Hoist.Cli.Deploy;
using Hoist.Cli.Output;
using Hoist.Contracts;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist deploy</c>: CODING's <c>cdDeploy</c> step. Sends one deploy (idempotently), follows the release, and
/// exits 0/1/2/3/4/5 as DESIGN.md §3 says.
/// </summary>
internal sealed class DeployCommand : Command, IHasExamples
{
    readonly CliContext context;
    readonly GlobalOptions global;
    readonly Dictionary<string, Option<string?>> parameters = [];

    readonly Option<string?> step = new("--step")
    {
        Description = "The Jenkinsfile step verbatim, e.g. \"cdDeploy(deployType: 'PATCH_IMAGE', image: '...', ...)\". " +
                      "${VAR} is expanded from the environment (an unset variable is an error). Options given as well override its values",
        HelpName = "cdDeploy(...)",
    };

    /// <summary>The server's bounds for a release timeout; checked here so the mistake is a usage error, not a 400.</summary>
    internal static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(10), MaxTimeout = TimeSpan.FromHours(6);

    readonly Option<TimeSpan?> timeout = CommandSupport.TimeoutOption(
        "How long the rollout may take before the release times out, between 10s and 6h (default: 10m); e.g. 30s, 10m, 1h",
        MinTimeout, MaxTimeout);

    readonly Option<bool> noWait = new("--no-wait") { Description = "Return once the release is accepted (exit 0) instead of following it" };
    readonly Option<bool> rollbackOnFailure = new("--rollback-on-failure") { Description = "Restore the previous image if the rollout fails" };
    readonly Option<bool> restartIfUnchanged = new("--restart-if-unchanged") { Description = "Restart the pods when the image is already running, instead of a no-op" };

    readonly Option<string?> idempotencyKey = new("--idempotency-key")
    {
        Description = "Overrides the key derived from the build and the parameters; a different key makes a new release for the same build",
        HelpName = "key",
    };

    public DeployCommand(CliContext context, GlobalOptions global)
        : base("deploy", "Deploy an image to a Kubernetes workload: CODING's cdDeploy step. Follows the rollout and exits " +
                         "0 succeeded, 1 bad usage, 2 server unreachable, 3 failed (also when rolled back), 4 timed out, 5 rejected")
    {
        this.context = context;
        this.global = global;
        foreach (var p in DeployParameter.All)
        {
            var source = p.Fixed is not null ? $"default: {p.Fixed}"
                : p.StepName == "pipelineName" ? "default: ${PROJECT_NAME}-${CCI_JOB_NAME}-${CD_CREDENTIAL_INDEX}"
                : p.EnvironmentVariable is not null ? $"env: {p.EnvironmentVariable}"
                : "required";
            var option = new Option<string?>(p.Option)
            {
                Description = $"{p.StepName} [{source}]",
                HelpName = p.StepName == "image" ? "image:tag" : "value",
            };
            parameters[p.StepName] = option;
            Options.Add(option);
        }
        Options.Add(step);
        Options.Add(timeout);
        Options.Add(noWait);
        Options.Add(rollbackOnFailure);
        Options.Add(restartIfUnchanged);
        Options.Add(idempotencyKey);
        SetAction((parseResult, ct) => ExecuteAsync(parseResult, ct));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist deploy --image registry.example.com/shop/web:1.4.2   # everything else from CD_* / CCI_* variables",
        "hoist deploy --step \"cdDeploy(deployType: 'PATCH_IMAGE', application: '${CCI_CURRENT_TEAM}', pipelineName: '${PROJECT_NAME}-${CCI_JOB_NAME}-${CD_CREDENTIAL_INDEX}', image: '\\\"${CODING_DOCKER_IMAGE_NAME}:${DOCKER_IMAGE_VERSION}\\\"', cloudAccountName: 'k8s', namespace: 'shop', manifestType: 'Deployment', manifestName: 'web', containerName: 'nginx', credentialId: '2f74c95a6441484d9f362bbc461a049b')\"",
        "hoist deploy --server https://hoist.example.com --credential-id 2f74c95a6441484d9f362bbc461a049b --cloud-account-name k8s --namespace shop --manifest-type Deployment --manifest-name web --container-name nginx --image nginx:1.27 --timeout 5m --rollback-on-failure",
        "hoist deploy --image nginx:1.27 --no-wait --output json | jq .id",
    ];

    async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken ct)
    {
        var inputs = new DeployInputs
        {
            Options = parameters.ToDictionary(p => p.Key, p => parseResult.GetValue(p.Value)),
            Step = parseResult.GetValue(step),
            Token = parseResult.GetValue(global.Token),
            RestartIfUnchanged = parseResult.GetValue(restartIfUnchanged),
            RollbackOnFailure = parseResult.GetValue(rollbackOnFailure),
            Timeout = parseResult.GetValue(timeout) ?? TimeSpan.FromMinutes(10),
            IdempotencyKey = parseResult.GetValue(idempotencyKey),
        };
        var resolved = DeployInputResolver.Resolve(inputs, context.Environment);
        var errors = resolved.Errors.ToList();
        var server = global.ResolveServer(parseResult, context, errors);
        if (errors.Count > 0 || server is null)
        {
            return CommandSupport.Usage(context, "deploy", errors);
        }

        var request = resolved.ToRequest(inputs, context.Environment);
        var key = inputs.IdempotencyKey ?? BuildIdentity.IdempotencyKey(request, context.Environment);
        var json = global.Json(parseResult);
        CommandSupport.WarnIfPlainHttp(context, server, resolved.Token);
        using var api = new HoistApiClient(context, server, resolved.Token);

        await context.Error.WriteLineAsync(
            $"hoist: deploying {TerminalText.Safe(request.Image)} to {TerminalText.Safe(request.ManifestType)} " +
            $"{TerminalText.Safe(request.Namespace)}/{TerminalText.Safe(request.ManifestName)}, container {TerminalText.Safe(request.ContainerName)} " +
            $"(cloud account {TerminalText.Safe(request.CloudAccountName)}, pipeline {TerminalText.Safe(request.PipelineName)})");

        return await CommandSupport.RunAsync(context, async () =>
        {
            DeployAccepted accepted;
            try
            {
                accepted = await api.DeployAsync(request, key, ct);
            }
            catch (ProblemException e)
            {
                return ProblemReporter.Report(e.Problem, context.Error, request, server);
            }

            var page = Verdicts.PageUrl(accepted.Url, server);
            await context.Error.WriteLineAsync(accepted.Existing
                ? $"hoist: release {accepted.ReleaseId} already exists for this build and these parameters (a retried step); following it instead of deploying again — {page}"
                : $"hoist: release {accepted.ReleaseId} {accepted.Status} — {page}");

            if (parseResult.GetValue(noWait))
            {
                await context.Error.WriteLineAsync($"hoist: not waiting; follow it with: hoist release wait {accepted.ReleaseId}");
                if (json)
                {
                    var release = await api.GetReleaseAsync(accepted.ReleaseId, ct);
                    await context.Out.WriteLineAsync(JsonSerializer.Serialize(release, CliJsonContext.Indented.ReleaseDto));
                }
                return ExitCodes.Succeeded;
            }
            return await new ReleaseWaiter(api, context, json).WaitAsync(accepted.ReleaseId, inputs.Timeout + context.DeployWaitGrace, ct);
        });
    }
}
