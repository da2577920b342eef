using Microsoft.Extensions.DependencyInjection.Extensions;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Releases;

public static class ReleaseEngineExtensions
{
    /// <summary>
    /// Registers the release engine (a hosted service) and its seams: <see cref="IReleaseNotifier"/>,
    /// <see cref="IReleaseEventFeed"/>, <see cref="IReleaseCommands"/>, <see cref="IReleaseTargetValidator"/>.
    /// Needs <c>HoistDb</c>, <see cref="IClusterConnectionSource"/> and the gateways (<c>AddClusterGateways()</c>).
    /// Settings: section <c>Engine</c> (<see cref="ReleaseEngineOptions"/>).
    /// </summary>
    public static IServiceCollection AddReleaseEngine(this IServiceCollection services)
    {
        services.AddOptions<ReleaseEngineOptions>().BindConfiguration("Engine").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ReleaseEventHub>();
        services.AddSingleton<IReleaseEventFeed>(sp => sp.GetRequiredService<ReleaseEventHub>());
        services.AddSingleton<ReleaseStore>();
        services.AddSingleton<ReleaseEngine>();
        services.AddSingleton<IReleaseNotifier>(sp => sp.GetRequiredService<ReleaseEngine>());
        services.AddSingleton<IReleaseCommands>(sp => sp.GetRequiredService<ReleaseEngine>());
        services.AddHostedService(sp => sp.GetRequiredService<ReleaseEngine>());
        services.AddSingleton<IReleaseTargetValidator, ReleaseTargetValidator>();
        return services;
    }
}
