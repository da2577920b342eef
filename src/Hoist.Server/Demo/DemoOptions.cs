using Hoist.Cli.Output;

namespace Hoist.Server.Demo;

/// <summary>
/// <c>hoist-server demo [--urls URL] [--data-dir DIR] [--no-first-deploy] [--pod-start-delay D] [--pod-stop-delay D]</c>.
/// The demo's own switches are taken out of the arguments before the host sees them: the configuration command line
/// would read a bare <c>--no-first-deploy</c> as a key whose value is the next argument.
/// </summary>
public sealed record DemoOptions
{
    /// <summary>Where the demo listens unless <c>--urls</c> says otherwise: loopback, a port unlikely to be taken.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public bool FirstDeploy { get; init; } = true;

    /// <summary>Long enough for the rollout to print a few progress lines, short enough not to bore.</summary>
    public TimeSpan PodStartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a replaced pod shows Terminating, so the runtime page and <c>kubectl get pods</c> show it as on a real cluster.</summary>
    public TimeSpan PodStopDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The options when <paramref name="args"/> starts with <c>demo</c> (and <paramref name="args"/> becomes what the host should see); otherwise null.</summary>
    public static DemoOptions? Parse(ref string[] args)
    {
        if (args is not ["demo", ..]) return null;
        var options = new DemoOptions();
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--no-first-deploy")
                options = options with { FirstDeploy = false };
            else if (DurationSwitch(args, ref i, "--pod-start-delay") is { } start)
                options = options with { PodStartDelay = start };
            else if (DurationSwitch(args, ref i, "--pod-stop-delay") is { } stop)
                options = options with { PodStopDelay = stop };
            else
                rest.Add(arg);
        }
        if (!rest.Any(a => a == "--urls" || a.StartsWith("--urls=", StringComparison.Ordinal))) rest.AddRange(["--urls", DefaultUrls]);
        args = [.. rest];
        return options;
    }

    /// <summary>The value of <c>NAME D</c> or <c>NAME=D</c> at <paramref name="i"/>; null when the argument is another one.</summary>
    static TimeSpan? DurationSwitch(string[] args, ref int i, string name)
    {
        var arg = args[i];
        if (arg != name && !arg.StartsWith(name + "=", StringComparison.Ordinal)) return null;
        var value = arg.Contains('=', StringComparison.Ordinal) ? arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..]
            : i + 1 < args.Length ? args[++i] : null;
        if (!Duration.TryParse(value, out var delay, out var error))
        {
            // A usage error, not a crash: one line and exit 1, as hoist and hoist-sandbox do.
            Console.Error.WriteLine($"hoist demo: {name}: {error}");
            Environment.Exit(1);
        }
        return delay;
    }
}
