using Hoist.Sandbox;

namespace Hoist.Server.IntegrationTests.Infrastructure;

/// <summary>The workloads <see cref="World"/> deploys to, for a sandbox cluster.</summary>
public static class SandboxManifests
{
    public const string InitialImage = "registry.example.com/shop/web:1.0.0";

    public static readonly string Shop = WorkloadYaml.Documents(
        WorkloadYaml.Deployment("web", [new("app", InitialImage), new("sidecar", "registry.example.com/shop/proxy:1.0.0")], "default", replicas: 2),
        WorkloadYaml.StatefulSet("db", [new("postgres", "postgres:16")], "default", replicas: 1));
}
