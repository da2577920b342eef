namespace Hoist.Sandbox.Tests.Api;

/// <summary>Manifests the integration tests apply.</summary>
public static class Manifests
{
    public static string Deployment(string name = "web", int replicas = 2, string image = "nginx:1.25", string ns = "default") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
          labels:
            app: {name}
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: app
                image: {image}
                ports:
                - containerPort: 80
              - name: sidecar
                image: busybox:1.36
        """;

    public static string StatefulSet(string name = "db") => $"""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {name}
        spec:
          serviceName: {name}
          replicas: 2
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: db
                image: postgres:16
        """;

    public static string DaemonSet(string name = "agent") => $"""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: {name}
        spec:
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: agent
                image: agent:1.0
        """;

    /// <summary>
    /// The web Deployment of issue #2's rollout checks: <c>nginx</c> (the container a release changes) next to a
    /// <c>log-shipper</c> that must keep its image.
    /// </summary>
    public static string WebWithLogShipper(int replicas = 2, string image = "nginx:1.25", int? progressDeadlineSeconds = null, string? changeCause = null)
    {
        var annotations = changeCause is null ? "" : $"\n  annotations:\n    kubernetes.io/change-cause: \"{changeCause}\"";
        var deadline = progressDeadlineSeconds is { } s ? $"\n  progressDeadlineSeconds: {s}" : "";
        return $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                app: web{annotations}
            spec:
              replicas: {replicas}{deadline}
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: nginx
                    image: {image}
                    ports:
                    - containerPort: 80
                  - name: log-shipper
                    image: fluent/fluent-bit:2.2
            """;
    }
}
