using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hoist.Cli.Api;
using Hoist.Cli.Output;
using Hoist.Contracts;

namespace Hoist.Cli.Commands;

internal sealed class ReleaseListCommand : Command, IHasExamples
{
    readonly CliContext context;
    readonly GlobalOptions global;
    readonly Option<string?> status = new("--status") { Description = $"Only releases in this status: {string.Join(", ", Enum.GetNames<ReleaseStatus>())}", HelpName = "status" };
    readonly Option<string?> application = new("--application") { Description = "Only this application", HelpName = "name" };
    readonly Option<string?> pipeline = new("--pipeline") { Description = "Only this pipeline (project-buildPlan-index)", HelpName = "name" };
    readonly Option<string?> project = new("--project") { Description = "Only this project", HelpName = "name" };
    readonly Option<string?> workload = new("--workload") { Description = "Only releases of this workload (its name)", HelpName = "name" };
    readonly Option<int?> page = CommandSupport.CountOption("--page", "Page number, from 1", int.MaxValue);
    readonly Option<int?> pageSize = CommandSupport.CountOption("--page-size", "Releases per page (up to 500)", 500);

    public ReleaseListCommand(CliContext context, GlobalOptions global)
        : base("list", "List releases, newest first")
    {
        this.context = context;
        this.global = global;
        status.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !Enum.TryParse<ReleaseStatus>(r.Tokens[0].Value, ignoreCase: true, out _))
            {
                r.AddError($"--status '{r.Tokens[0].Value}' is not a release status; use one of {string.Join(", ", Enum.GetNames<ReleaseStatus>())}");
            }
        });
        Options.Add(status);
        Options.Add(application);
        Options.Add(pipeline);
        Options.Add(project);
        Options.Add(workload);
        Options.Add(page);
        Options.Add(pageSize);
        SetAction((parseResult, ct) => ExecuteAsync(parseResult, ct));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist release list",
        "hoist release list --application demo --workload web --status Failed",
        "hoist release list --pipeline shop-build-and-deploy-1 --output json | jq '.items[].id'",
    ];

    async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken ct)
    {
        var errors = new List<string>();
        if (global.ResolveServer(parseResult, context, errors) is not { } server)
        {
            return CommandSupport.Usage(context, "release list", errors);
        }
        var token = global.ResolveToken(parseResult, context);
        CommandSupport.WarnIfPlainHttp(context, server, token);
        using var api = new HoistApiClient(context, server, token);
        var statusValue = parseResult.GetValue(status) is { } s ? Enum.Parse<ReleaseStatus>(s, ignoreCase: true).ToString() : null;
        var query = new Dictionary<string, string?>
        {
            ["application"] = parseResult.GetValue(application),
            ["pipeline"] = parseResult.GetValue(pipeline),
            ["project"] = parseResult.GetValue(project),
            ["status"] = statusValue,
            ["workload"] = parseResult.GetValue(workload),
            ["page"] = parseResult.GetValue(page)?.ToString(CultureInfo.InvariantCulture),
            ["pageSize"] = parseResult.GetValue(pageSize)?.ToString(CultureInfo.InvariantCulture),
        };
        return await CommandSupport.RunAsync(context, async () =>
        {
            var list = await api.ListReleasesAsync(query, ct);
            if (global.Json(parseResult))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(list, CliJsonContext.Indented.ReleaseListDto));
            }
            else
            {
                ReleaseText.WriteList(context.Out, list, context.Time.GetUtcNow());
            }
            return ExitCodes.Succeeded;
        });
    }
}
