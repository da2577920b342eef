namespace Hoist.Server.IntegrationTests;

/// <summary>One workload of each kind, as YAML a user would apply; every pod template has an init container and two containers.</summary>
public static class Manifests
{
    public static string PodSpec(string image, string extra = "") => $"""
          {extra}
          initContainers:
          - name: migrate
            image: busybox:1.36
          containers:
          - name: web
            image: {image}
          - name: sidecar
            image: envoy:1.30
        """;

    public static string Deployment(string name = "web", string image = "nginx:1.26", int replicas = 3, int progressDeadlineSeconds = 600, string ns = "default", string podExtra = "") => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          replicas: {replicas}
          progressDeadlineSeconds: {progressDeadlineSeconds}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
        {Indent(PodSpec(image, podExtra), 4)}
        """;

    public static string StatefulSet(string name = "db", string image = "postgres:16", int replicas = 3, int partition = 0) => $"""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {name}
        spec:
          replicas: {replicas}
          serviceName: {name}
          updateStrategy:
            type: RollingUpdate
            rollingUpdate:
              partition: {partition}
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
        {Indent(PodSpec(image), 4)}
        """;

    public static string DaemonSet(string name = "agent", string image = "fluentbit:3") => $"""
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
        {Indent(PodSpec(image), 4)}
        """;

    public static string ReplicaSet(string name = "bare", string image = "nginx:1.26", int replicas = 2) => $"""
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: {name}
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
        {Indent(PodSpec(image), 4)}
        """;

    public static string Pod(string name = "solo", string image = "nginx:1.26") => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
        spec:
        {Indent(PodSpec(image), 0)}
        """;

    public static string CronJob(string name = "nightly", string image = "backup:1", string schedule = "0 3 * * *") => $"""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: {name}
        spec:
          schedule: "{schedule}"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
        {Indent(PodSpec(image), 8)}
        """;

    public static string Job(string name = "once", string image = "busybox:1.36") => $"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {name}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: web
                image: {image}
        """;

    static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));
}
