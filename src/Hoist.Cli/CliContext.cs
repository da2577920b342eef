using System.Net;
using Hoist.Cli.Api;

namespace Hoist.Cli;

/// <summary>
/// Everything a command reaches outside itself. The process builds one from the real console and environment;
/// tests build one around string writers, a dictionary and a loopback server, and run the CLI in-process.
/// </summary>
internal sealed class CliContext
{
    public required CliEnvironment Environment { get; init; }
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public Func<HttpMessageHandler> CreateHandler { get; init; } = CreateDefaultHandler;
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>One request (not a stream) that takes longer than this counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An event stream silent for this long is presumed dead and reopened (the server sends keep-alives).</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>hoist deploy</c> waits this much longer than the release timeout it sends, so that the server's own
    /// TimedOut verdict, which names the cause, normally arrives before the client gives up.
    /// </summary>
    public TimeSpan DeployWaitGrace { get; init; } = TimeSpan.FromSeconds(30);

    public static CliContext FromProcess() => new()
    {
        Environment = CliEnvironment.FromProcess(),
        Out = Console.Out,
        Error = Console.Error,
    };

    static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        // Credentials never follow a redirect (HttpClient drops Authorization on redirects as well).
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 3,
    };
}
