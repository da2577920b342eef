namespace Hoist.Server.IntegrationTests.Infrastructure;

/// <summary>The workloads <see cref="World"/> deploys to, for a sandbox cluster.</summary>
public static class SandboxManifests
{
    public const string InitialImage = "registry.example.com/shop/web:1.0.0";

    public const string Shop = $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: app
                image: {{InitialImage}}
              - name: sidecar
                image: registry.example.com/shop/proxy:1.0.0
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
          namespace: default
        spec:
          replicas: 1
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
              - name: postgres
                image: postgres:16
        """;
}
