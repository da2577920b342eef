using System.CommandLine;
using System.Text.Json;
using Hoist.Cli.Api;
using Hoist.Cli.Output;

namespace Hoist.Cli.Commands;

internal sealed class ReleaseGetCommand : Command, IHasExamples
{
    readonly CliContext context;
    readonly GlobalOptions global;
    readonly Argument<long> id = CommandSupport.ReleaseIdArgument("The release to show");

    public ReleaseGetCommand(CliContext context, GlobalOptions global)
        : base("get", "Show one release: status and reason, image before and after, build, transitions, pods")
    {
        this.context = context;
        this.global = global;
        Arguments.Add(id);
        SetAction((parseResult, ct) => ExecuteAsync(parseResult, ct));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist release get 42",
        "hoist release get 42 --output json | jq -r .status",
    ];

    async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken ct)
    {
        var errors = new List<string>();
        if (global.ResolveServer(parseResult, context, errors) is not { } server)
        {
            return CommandSupport.Usage(context, "release get", errors);
        }
        var token = global.ResolveToken(parseResult, context);
        CommandSupport.WarnIfPlainHttp(context, server, token);
        using var api = new HoistApiClient(context, server, token);
        return await CommandSupport.RunAsync(context, async () =>
        {
            var release = await api.GetReleaseAsync(parseResult.GetValue(id), ct);
            if (global.Json(parseResult))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(release, CliJsonContext.Indented.ReleaseDto));
            }
            else
            {
                ReleaseText.WriteRelease(context.Out, release, server);
            }
            return ExitCodes.Succeeded;
        });
    }
}
