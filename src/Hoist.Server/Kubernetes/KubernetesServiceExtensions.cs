namespace Hoist.Server.Kubernetes;

public static class KubernetesServiceExtensions
{
    /// <summary>Registers <see cref="IClusterGatewayFactory"/> (one KubernetesClient per cloud account). Filled in by issue #3.</summary>
    public static IServiceCollection AddClusterGateways(this IServiceCollection services) => services;
}
