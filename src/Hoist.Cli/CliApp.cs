using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using Hoist.Cli.Commands;

namespace Hoist.Cli;

/// <summary>The composition root: builds the command tree around a <see cref="CliContext"/> and runs it.</summary>
internal static class CliApp
{
    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static RootCommand CreateRootCommand(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new RootCommandWithExamples("hoist: deploy images to Kubernetes through a Hoist server, and follow the releases");
        root.Options.Add(global.Server);
        root.Options.Add(global.Token);
        root.Options.Add(global.Output);
        root.Subcommands.Add(new DeployCommand(context, global));
        root.Subcommands.Add(new ReleaseCommand(context, global));
        root.Subcommands.Add(new RuntimeCommand(context, global));

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!);
        var version = root.Options.OfType<VersionOption>().Single();
        version.Action = new VersionAction();
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        // No @response-files: a CI value such as "@/etc/passwd" must stay a value, never pull a file into the arguments.
        var parseResult = CreateRootCommand(context).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Action is ParseErrorAction parseError)
        {
            // A CI log wants the one line that says what is wrong, not two screens of help after it.
            parseError.ShowHelp = false;
        }
        var exitCode = await parseResult.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error });
        await context.Out.FlushAsync();
        await context.Error.FlushAsync();
        return exitCode;
    }

    sealed class RootCommandWithExamples(string description) : RootCommand(description), IHasExamples
    {
        public IReadOnlyList<string> Examples { get; } =
        [
            "source demo.env && hoist deploy --image nginx:1.27",
            "hoist release wait 42",
            "hoist runtime 42",
        ];
    }

    /// <summary>The version of this tool, not of whatever process hosts it (tests run it in-process).</summary>
    sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Succeeded;
        }
    }
}
