namespace Hoist.Server.Releases;

public static class ReleaseEngineExtensions
{
    /// <summary>
    /// Registers the release engine (a hosted service) and its seams: <see cref="IReleaseNotifier"/>,
    /// <see cref="IReleaseEventFeed"/>, <see cref="IReleaseCommands"/>. Filled in by issue #3.
    /// </summary>
    public static IServiceCollection AddReleaseEngine(this IServiceCollection services) => services;
}
