using System.CommandLine;
using Hoist.Cli.Api;
using Hoist.Cli.Output;

namespace Hoist.Cli.Commands;

/// <summary>Reattaches to a release (after a lost connection or a <c>--no-wait</c> deploy) and exits like deploy.</summary>
internal sealed class ReleaseWaitCommand : Command, IHasExamples
{
    readonly CliContext context;
    readonly GlobalOptions global;
    readonly Argument<long> id = CommandSupport.ReleaseIdArgument("The release to follow");
    readonly Option<TimeSpan?> timeout = CommandSupport.TimeoutOption("How long to wait before giving up with exit 4 (default: 10m); the release itself keeps running");

    public ReleaseWaitCommand(CliContext context, GlobalOptions global)
        : base("wait", "Follow a release until it finishes; exit 0 succeeded, 3 failed, 4 timed out, 2 server lost, 5 rejected")
    {
        this.context = context;
        this.global = global;
        Arguments.Add(id);
        Options.Add(timeout);
        SetAction((parseResult, ct) => ExecuteAsync(parseResult, ct));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist release wait 42",
        "hoist release wait 42 --timeout 15m --output json",
    ];

    async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken ct)
    {
        var errors = new List<string>();
        if (global.ResolveServer(parseResult, context, errors) is not { } server)
        {
            return CommandSupport.Usage(context, "release wait", errors);
        }
        var token = global.ResolveToken(parseResult, context);
        CommandSupport.WarnIfPlainHttp(context, server, token);
        using var api = new HoistApiClient(context, server, token);
        var releaseId = parseResult.GetValue(id);
        return await CommandSupport.RunAsync(context, () =>
            new ReleaseWaiter(api, context, global.Json(parseResult)).WaitAsync(releaseId, parseResult.GetValue(timeout) ?? TimeSpan.FromMinutes(10), ct));
    }
}
