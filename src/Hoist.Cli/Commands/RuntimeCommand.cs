using System.CommandLine;
using System.Text.Json;
using Hoist.Cli.Api;
using Hoist.Cli.Output;

namespace Hoist.Cli.Commands;

/// <summary><c>hoist runtime &lt;release&gt;</c>: the container runtime view (容器运行详情) of a release's workload.</summary>
internal sealed class RuntimeCommand : Command, IHasExamples
{
    readonly CliContext context;
    readonly GlobalOptions global;
    readonly Argument<long> id = CommandSupport.ReleaseIdArgument("The release whose workload to show");

    public RuntimeCommand(CliContext context, GlobalOptions global)
        : base("runtime", "Show the pods of a release's workload by revision: containers, state and reason, restarts, events")
    {
        this.context = context;
        this.global = global;
        Arguments.Add(id);
        SetAction((parseResult, ct) => ExecuteAsync(parseResult, ct));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist runtime 42",
        "hoist runtime 42 --output json | jq '.pods[] | {name, phase}'",
    ];

    async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken ct)
    {
        var errors = new List<string>();
        if (global.ResolveServer(parseResult, context, errors) is not { } server)
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
            }
            return ExitCodes.Succeeded;
        });
    }
}
