using System.Globalization;

namespace Hoist.Sandbox;

/// <summary>The <c>hoist-sandbox</c> command line, parsed without dependencies; bad input is a <see cref="UsageException"/>.</summary>
public sealed record CommandLine(SandboxOptions Options, string? Kubeconfig, bool Verbose, bool Help)
{
    public const string Usage = """
        usage: hoist-sandbox [options]

          --port N               loopback port to listen on (default 0: any free port)
          --kubeconfig FILE      write a kubeconfig with context "sandbox" pointing at the sandbox
          --manifests PATH       YAML file or folder applied at start (repeatable)
          --pod-start-delay D    time for a scheduled pod to become Running and Ready (300ms, 2s, 1m; a number is ms)
          --pod-stop-delay D     time a deleted pod stays Terminating while its containers stop (default 0; capped
                                 by the pod's grace period)
          --kube-version V       version /version reports, e.g. 1.33 (kubectl picks its binary from it)
          --nodes N              simulated nodes (default 3)
          --token T              require "Authorization: Bearer T" on every API request
          --verbose              log every request to stderr
          --help                 show this help
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var options = new SandboxOptions();
        string? kubeconfig = null;
        var verbose = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal))
            {
                inline = arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
                arg = arg[..arg.IndexOf('=', StringComparison.Ordinal)];
            }
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new UsageException($"{arg} needs a value");
                return args[++i];
            }
            switch (arg)
            {
                case "--help" or "-h":
                    return new CommandLine(options, kubeconfig, verbose, Help: true);
                case "--port":
                    options.Port = Int(arg, Value(), 0, 65535);
                    break;
                case "--kubeconfig":
                    kubeconfig = Value();
                    break;
                case "--manifests":
                    options.Manifests.Add(Value());
                    break;
                case "--pod-start-delay":
                    options.PodStartDelay = Duration(arg, Value());
                    break;
                case "--pod-stop-delay":
                    options.PodStopDelay = Duration(arg, Value());
                    break;
                case "--kube-version":
                    var version = Value();
                    try { Api.DiscoveryApi.ParseVersion(version); }
                    catch (FormatException e) { throw new UsageException($"{arg}: {e.Message}"); }
                    options.KubeVersion = version;
                    break;
                case "--nodes":
                    options.Nodes = Int(arg, Value(), 0, 1000);
                    break;
                case "--token":
                    options.BearerToken = Value();
                    break;
                case "--verbose" or "-v":
                    verbose = true;
                    break;
                default:
                    throw new UsageException($"unknown argument: {args[i]}");
            }
        }
        return new CommandLine(options, kubeconfig, verbose, Help: false);
    }

    static int Int(string flag, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{flag} must be a whole number from {min} to {max}, not \"{text}\"");

    /// <summary><c>300ms</c>, <c>2s</c>, <c>1m</c>, <c>1h</c>, or a plain number of milliseconds.</summary>
    public static TimeSpan Duration(string flag, string text)
    {
        var units = new (string Suffix, double Ms)[] { ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000) };
        foreach (var (suffix, ms) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var number = text[..^suffix.Length];
            // "ms" also ends with "s": only accept a number before the suffix.
            if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v))
                return TimeSpan.FromMilliseconds(v * ms);
        }
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var plain))
            return TimeSpan.FromMilliseconds(plain);
        throw new UsageException($"{flag} must be a duration like 300ms, 2s or 1m, not \"{text}\"");
    }
}

public sealed class UsageException(string message) : Exception(message);
