using Hoist.Cli.Api;

namespace Hoist.Cli.Tests.Fakes;

public sealed record CliRun(int ExitCode, string Out, string Error);

/// <summary>Runs the real command tree in-process with captured stdout/stderr, a given environment and fast retries.</summary>
public static class CliRunner
{
    internal static async Task<CliRun> RunAsync(IDictionary<string, string> environment, string[] args, TimeProvider? time = null, RetryPolicy? retry = null,
        TimeSpan? deployWaitGrace = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Environment = new CliEnvironment(new Dictionary<string, string>(environment)),
            Out = stdout,
            Error = stderr,
            Retry = retry ?? new RetryPolicy(3, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)),
            Time = time ?? TimeProvider.System,
            RequestTimeout = TimeSpan.FromSeconds(20),
            StreamIdleTimeout = TimeSpan.FromSeconds(30),
            DeployWaitGrace = deployWaitGrace ?? TimeSpan.Zero,
        };
        var code = await CliApp.RunAsync(args, context);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A CODING build's environment, as the demo's demo.env and a CODING CI job provide it.</summary>
    public static Dictionary<string, string> CodingBuild(Uri server, string buildNumber = "17") => new()
    {
        ["HOIST_SERVER"] = server.ToString(),
        ["CD_PERSONAL_ACCESS_TOKEN"] = "hoist_pat_secret123",
        ["CCI_CURRENT_TEAM"] = "demo",
        ["PROJECT_NAME"] = "shop",
        ["CCI_JOB_NAME"] = "build-and-deploy",
        ["JOB_ID"] = "7",
        ["CD_CREDENTIAL_INDEX"] = "1",
        ["CD_CREDENTIAL_ID"] = "2f74c95a6441484d9f362bbc461a049b",
        ["CD_ACCOUNT_NAME"] = "sandbox",
        ["CD_NAMESPACE_NAME"] = "demo",
        ["CD_MANIFEST_TYPE"] = "Deployment",
        ["CD_MANIFEST_NAME"] = "web",
        ["CD_CONTAINER_NAME"] = "nginx",
        ["CI_BUILD_NUMBER"] = buildNumber,
        ["GIT_COMMIT"] = "0123456789abcdef",
    };
}
