using System.Runtime.InteropServices;

namespace Hoist.Sandbox;

// A named entry point instead of top-level statements: a top-level Program would be a second global `Program`
// next to Hoist.Server's, and WebApplicationFactory<Program> in the tests would become ambiguous.
public static class SandboxProgram
{
    public static async Task<int> Main(string[] args)
    {
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"hoist-sandbox: {e.Message}");
            Console.Error.WriteLine(CommandLine.Usage);
            return 1;
        }
        if (commandLine.Help)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }
        if (commandLine.Verbose) commandLine.Options.RequestLog = line => Console.Error.WriteLine(line);

        var stop = new TaskCompletionSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });

        SandboxCluster cluster;
        try
        {
            cluster = await SandboxCluster.StartAsync(commandLine.Options);
        }
        catch (Exception e)
        {
            // Start-up failures (port taken, bad manifest) are the user's to fix: say what, no stack trace.

            Console.Error.WriteLine($"hoist-sandbox: {e.Message}");
            return 1;
        }
        await using (cluster)
        {
            if (commandLine.Kubeconfig is not null) cluster.WriteKubeconfig(commandLine.Kubeconfig);
            Console.WriteLine($"listening on {cluster.Url.ToString().TrimEnd('/')}");
            await stop.Task;
        }
        return 0;
    }
}
