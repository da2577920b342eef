using System.CommandLine;
using System.Text.Json;
using Hoist.Cli.Api;
using Hoist.Cli.Output;
using Hoist.Contracts;

namespace Hoist.Cli.Commands;

/// <summary><c>hoist runtime &lt;release&gt;</c>: the container runtime view (容器运行详情) of a release's workload.</summary>
internal sealed class RuntimeCommand : Command, IHasExamples
{
    readonly CliContext context;
    readonly GlobalOptions global;
    readonly Argument<long> id = CommandSupport.ReleaseIdArgument("The release whose workload to show");
    readonly Option<bool> logs = new("--logs") { Description = "Also print the log tail of the release's container in each pod of the new revision (text output)" };
    readonly Option<int?> tail = CommandSupport.CountOption("--tail", "Log lines per container with --logs (default: 20)", 1000);

    public RuntimeCommand(CliContext context, GlobalOptions global)
        : base("runtime", "Show the pods of a release's workload by revision: containers, state and reason, restarts, events")
    {
        this.context = context;
        this.global = global;
        Arguments.Add(id);
        Options.Add(logs);
        Options.Add(tail);
        SetAction((parseResult, ct) => ExecuteAsync(parseResult, ct));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist runtime 42",
        "hoist runtime 42 --logs --tail 50",
        "hoist runtime 42 --output json | jq '.pods[] | {name, phase}'",
    ];

    async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken ct)
    {
        var errors = new List<string>();
        var server = global.ResolveServer(parseResult, context, errors);
        if (parseResult.GetValue(logs) && global.Json(parseResult))
        {
            errors.Add("--logs prints text; with --output json, read the log tails from the API (GET /api/v1/releases/{id}/runtime/pods/{pod}/log)");
        }
        if (errors.Count > 0 || server is null)
        {
            return CommandSupport.Usage(context, "runtime", errors);
        }
        var token = global.ResolveToken(parseResult, context);
        CommandSupport.WarnIfPlainHttp(context, server, token);
        using var api = new HoistApiClient(context, server, token);
        return await CommandSupport.RunAsync(context, async () =>
        {
            var runtime = await api.GetRuntimeAsync(parseResult.GetValue(id), ct);
            if (global.Json(parseResult))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(runtime, CliJsonContext.Indented.RuntimeDto));
            }
            else
            {
                ReleaseText.WriteRuntime(context.Out, runtime, context.Time.GetUtcNow());
                if (parseResult.GetValue(logs))
                {
                    await WriteLogsAsync(api, runtime, parseResult.GetValue(tail) ?? 20, ct);
                }
            }
            return ExitCodes.Succeeded;
        });
    }

    async Task WriteLogsAsync(HoistApiClient api, RuntimeDto runtime, int lines, CancellationToken ct)
    {
        var container = runtime.Workload.Container;
        var pods = runtime.Pods.Where(p => p.IsNew && p.Containers.Any(c => c.Name == container)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (pods.Count == 0)
        {
            await context.Out.WriteLineAsync();
            await context.Out.WriteLineAsync($"No pod of the new revision runs container {TerminalText.Safe(container)} yet.");
        }
        foreach (var pod in pods)
        {
            await context.Out.WriteLineAsync();
            var log = await api.GetPodLogAsync(runtime.ReleaseId, pod.Name, container, lines, ct);
            await context.Out.WriteLineAsync($"Log of {TerminalText.Safe(pod.Name)}/{TerminalText.Safe(container)} (last {log.Lines.Count} line(s){(log.Truncated ? ", truncated" : "")}):");
            foreach (var line in log.Lines)
            {
                await context.Out.WriteLineAsync($"  {TerminalText.Safe(line)}");
            }
        }
    }
}
