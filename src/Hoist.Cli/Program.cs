namespace Hoist.Cli;

// An explicit, namespaced entry point: top-level statements would make a global `Program`, which clashes with the
// server's `Program` in tests that host the server and run the CLI side by side.
static class Program
{
    static Task<int> Main(string[] args) => CliApp.RunAsync(args, CliContext.FromProcess());
}
