namespace Hoist.Server.Demo;

/// <summary>What the demo's sandbox runs in namespace <c>demo</c>: one workload of each kind a release can target.</summary>
public static class DemoWorkloads
{
    public const string Namespace = "demo";
    public const string Web = "web";
    public const string WebContainer = "nginx";
    public const string WebImage = "nginx:1.25";

    public const string Yaml = $$"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {{Namespace}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{Web}}
          namespace: {{Namespace}}
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: {{WebContainer}}
                image: {{WebImage}}
              - name: log-shipper
                image: fluent/fluent-bit:3.0
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
          namespace: {{Namespace}}
        spec:
          replicas: 2
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
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: node-agent
          namespace: {{Namespace}}
        spec:
          selector:
            matchLabels: {app: node-agent}
          template:
            metadata:
              labels: {app: node-agent}
            spec:
              containers:
              - name: agent
                image: busybox:1.36
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly-report
          namespace: {{Namespace}}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: report
                    image: registry.example.com/shop/report:1.0
        """;
}
