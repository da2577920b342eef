using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Hoist.Cli.Api;
using Hoist.Cli.Output;

namespace Hoist.Cli.Commands;

/// <summary>Restores the image a release replaced, as a new release linked to it.</summary>
internal sealed class ReleaseRollbackCommand : Command, IHasExamples
{
    readonly CliContext context;
    readonly GlobalOptions global;
    readonly Argument<long> id = CommandSupport.ReleaseIdArgument("The release to undo: its workload gets back the image it had before");
    readonly Option<bool> wait = new("--wait") { Description = "Follow the rollback release and exit like deploy (0/3/4)" };
    readonly Option<TimeSpan?> timeout = CommandSupport.TimeoutOption("With --wait: how long to wait (default: 10m)");

    public ReleaseRollbackCommand(CliContext context, GlobalOptions global)
        : base("rollback", "Roll a release back: a new release restores the image it replaced")
    {
        this.context = context;
        this.global = global;
        Arguments.Add(id);
        Options.Add(wait);
        Options.Add(timeout);
        SetAction((parseResult, ct) => ExecuteAsync(parseResult, ct));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist release rollback 42",
        "hoist release rollback 42 --wait --timeout 5m",
    ];

    async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken ct)
    {
        var errors = new List<string>();
        if (global.ResolveServer(parseResult, context, errors) is not { } server)
        {
            return CommandSupport.Usage(context, "release rollback", errors);
        }
        var token = global.ResolveToken(parseResult, context);
        CommandSupport.WarnIfPlainHttp(context, server, token);
        using var api = new HoistApiClient(context, server, token);
        var releaseId = parseResult.GetValue(id);
        var json = global.Json(parseResult);
        // Random per invocation: the CLI's own retries of this request must not roll back twice, a second command may.
        var key = "hoist-rollback-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return await CommandSupport.RunAsync(context, async () =>
        {
            var accepted = await api.RollbackAsync(releaseId, key, ct);
            await context.Error.WriteLineAsync(
                $"hoist: rollback of release {releaseId} is release {accepted.ReleaseId} ({accepted.Status}) — {Verdicts.PageUrl(accepted.Url, server)}");
            if (parseResult.GetValue(wait))
            {
                return await new ReleaseWaiter(api, context, json).WaitAsync(accepted.ReleaseId, parseResult.GetValue(timeout) ?? TimeSpan.FromMinutes(10), ct);
            }
            if (json)
            {
                var release = await api.GetReleaseAsync(accepted.ReleaseId, ct);
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(release, CliJsonContext.Indented.ReleaseDto));
            }
            else
            {
                await context.Error.WriteLineAsync($"hoist: follow it with: hoist release wait {accepted.ReleaseId}");
            }
            return ExitCodes.Succeeded;
        });
    }
}
