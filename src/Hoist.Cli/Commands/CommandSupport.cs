using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Hoist.Cli.Api;
using Hoist.Cli.Output;

namespace Hoist.Cli.Commands;

/// <summary>A command that shows examples under its help (every Hoist command does).</summary>
internal interface IHasExamples
{
    IReadOnlyList<string> Examples { get; }
}

/// <summary>The options every command has, as in Argo CD's root flags: where the server is, the token, the output.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Server { get; } = new("--server")
    {
        Description = "Base URL of the Hoist server, e.g. https://hoist.example.com [env: HOIST_SERVER]",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Personal access token [env: CD_PERSONAL_ACCESS_TOKEN]. Prefer the environment variable: " +
                      "a token on the command line shows in process lists and shell history",
        HelpName = "token",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutput();

    static Option<string> CreateOutput()
    {
        var o = new Option<string>("--output", "-o")
        {
            Description = "text for people (progress and messages always go to stderr), json for scripts (data on stdout)",
            HelpName = "text|json",
            DefaultValueFactory = _ => "text",
            Recursive = true,
        };
        o.AcceptOnlyFromAmong("text", "json");
        return o;
    }

    public bool Json(ParseResult parseResult) => parseResult.GetValue(Output) == "json";

    /// <summary>The server from <c>--server</c> or HOIST_SERVER; adds a usage error naming both when absent or malformed.</summary>
    public Uri? ResolveServer(ParseResult parseResult, CliContext context, List<string> errors)
    {
        var text = parseResult.GetValue(Server) is { Length: > 0 } s ? s : context.Environment.Get("HOIST_SERVER");
        if (text is null)
        {
            errors.Add("missing --server (or the environment variable HOIST_SERVER): the Hoist server's base URL");
            return null;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0)
        {
            errors.Add($"--server '{TerminalText.Safe(text)}' is not an http(s) base URL like https://hoist.example.com");
            return null;
        }
        return uri;
    }

    public string? ResolveToken(ParseResult parseResult, CliContext context) =>
        parseResult.GetValue(Token) is { Length: > 0 } t ? t : context.Environment.Get("CD_PERSONAL_ACCESS_TOKEN");
}

internal static class CommandSupport
{
    public static Option<TimeSpan?> TimeoutOption(string description, TimeSpan? min = null, TimeSpan? max = null) => new("--timeout")
    {
        Description = description,
        HelpName = "duration",
        CustomParser = r =>
        {
            if (!Duration.TryParse(r.Tokens.Count > 0 ? r.Tokens[0].Value : null, out var value, out var error))
            {
                r.AddError($"--timeout: {error}");
                return null;
            }
            if (value < min || value > max)
            {
                r.AddError($"--timeout: must be between {Duration.Format(min ?? TimeSpan.Zero)} and {Duration.Format(max ?? Duration.Max)}, not {Duration.Format(value)}");
                return null;
            }
            return value;
        },
    };

    /// <summary>A whole number in [1, max]; range errors are parse errors, so they read like every other usage error.</summary>
    public static Option<int?> CountOption(string name, string description, int max) => new(name)
    {
        Description = description,
        HelpName = "n",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max)
            {
                return n;
            }
            r.AddError($"{name}: '{TerminalText.Safe(text)}' is not a whole number between 1 and {max}");
            return null;
        },
    };

    public static Argument<long> ReleaseIdArgument(string description) => new("id")
    {
        Description = description,
        HelpName = "release-id",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value.TrimStart('#') : "";
            if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return id;
            }
            r.AddError($"'{TerminalText.Safe(r.Tokens.Count > 0 ? r.Tokens[0].Value : "")}' is not a release id (a positive number, like 42)");
            return 0;
        },
    };

    public static int Usage(CliContext context, string command, IEnumerable<string> errors)
    {
        foreach (var e in errors)
        {
            context.Error.WriteLine($"hoist: {e}");
        }
        context.Error.WriteLine($"hoist: see 'hoist {command} --help'");
        return ExitCodes.Usage;
    }

    /// <summary>Warns once when a token would cross the network in clear text; loopback is fine (the demo).</summary>
    public static void WarnIfPlainHttp(CliContext context, Uri server, string? token)
    {
        if (token is not null && server.Scheme == "http" && !server.IsLoopback)
        {
            context.Error.WriteLine($"hoist: warning: the token is sent to {server.Host} over plain HTTP; use an https:// server URL");
        }
    }

    /// <summary>The outcomes every command shares: a refusal is 5, a lost server 2, Ctrl-C 130.</summary>
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ProblemException e)
        {
            return ProblemReporter.Report(e.Problem, context.Error);
        }
        catch (ServerUnreachableException e)
        {
            await context.Error.WriteLineAsync($"hoist: {e.Message}");
            return ExitCodes.ServerUnreachable;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("hoist: interrupted");
            return ExitCodes.Interrupted;
        }
    }
}

/// <summary>Prints the command's examples after System.CommandLine's own help.</summary>
internal sealed class ExamplesHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var result = inner.Invoke(parseResult);
        if (parseResult.CommandResult.Command is IHasExamples { Examples.Count: > 0 } command)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in command.Examples)
            {
                output.WriteLine($"  {example}");
            }
            output.WriteLine();
        }
        return result;
    }
}
