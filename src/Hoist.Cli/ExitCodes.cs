namespace Hoist.Cli;

/// <summary>
/// The process exit codes CI scripts branch on (DESIGN.md §3). Timeout is kept apart from failure because a slow
/// rollout and a broken image call for different reactions.
/// </summary>
internal static class ExitCodes
{
    public const int Succeeded = 0;
    public const int Usage = 1;
    public const int ServerUnreachable = 2;
    public const int ReleaseFailed = 3;
    public const int TimedOut = 4;
    public const int Rejected = 5;

    /// <summary>Ctrl-C while waiting: the shell convention (128 + SIGINT), outside the CI contract on purpose.</summary>
    public const int Interrupted = 130;
}
