using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hoist.Server.Kubernetes;

public static class KubernetesServiceExtensions
{
    /// <summary>
    /// Registers <see cref="IClusterGatewayFactory"/> and <see cref="IRolloutGatewayFactory"/> (one KubernetesClient
    /// per cloud account, shared by both). Settings: section <c>Kubernetes</c> (<see cref="KubernetesOptions"/>).
    /// </summary>
    public static IServiceCollection AddClusterGateways(this IServiceCollection services)
    {
        services.AddOptions<KubernetesOptions>().BindConfiguration("Kubernetes").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClusterGatewayFactory>();
        services.AddSingleton<IClusterGatewayFactory>(sp => sp.GetRequiredService<ClusterGatewayFactory>());
        services.AddSingleton<IRolloutGatewayFactory>(sp => sp.GetRequiredService<ClusterGatewayFactory>());
        return services;
    }
}
