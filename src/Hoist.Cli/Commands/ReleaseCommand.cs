using System.CommandLine;

namespace Hoist.Cli.Commands;

/// <summary><c>hoist release</c>: the noun that groups get, list, wait and rollback.</summary>
internal sealed class ReleaseCommand : Command, IHasExamples
{
    public ReleaseCommand(CliContext context, GlobalOptions global)
        : base("release", "Show, list, follow and roll back releases")
    {
        Subcommands.Add(new ReleaseGetCommand(context, global));
        Subcommands.Add(new ReleaseListCommand(context, global));
        Subcommands.Add(new ReleaseWaitCommand(context, global));
        Subcommands.Add(new ReleaseRollbackCommand(context, global));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "hoist release list --application demo --status Failed",
        "hoist release get 42",
        "hoist release wait 42 --timeout 10m",
        "hoist release rollback 42 --wait",
    ];
}
