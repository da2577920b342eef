using Hoist.Sandbox;

namespace Hoist.Server.IntegrationTests;

/// <summary>One workload of each kind, as YAML a user would apply; every pod template has an init container and two containers.</summary>
public static class Manifests
{
    static readonly ContainerSpec[] Init = [new("migrate", "busybox:1.36")];

    static ContainerSpec[] Containers(string image) => [new("web", image), new("sidecar", "envoy:1.30")];

    public static string Deployment(string name = "web", string image = "nginx:1.26", int replicas = 3, int progressDeadlineSeconds = 600, string ns = "default", string podExtra = "") =>
        WorkloadYaml.Deployment(name, Containers(image), ns, replicas, progressDeadlineSeconds, Init, podSpecYaml: podExtra);

    public static string StatefulSet(string name = "db", string image = "postgres:16", int replicas = 3, int partition = 0) =>
        WorkloadYaml.StatefulSet(name, Containers(image), replicas: replicas, partition: partition, initContainers: Init);

    public static string DaemonSet(string name = "agent", string image = "fluentbit:3") => WorkloadYaml.DaemonSet(name, Containers(image), initContainers: Init);

    public static string ReplicaSet(string name = "bare", string image = "nginx:1.26", int replicas = 2) =>
        WorkloadYaml.ReplicaSet(name, Containers(image), replicas: replicas, initContainers: Init);

    public static string Pod(string name = "solo", string image = "nginx:1.26") => WorkloadYaml.Pod(name, Containers(image), initContainers: Init);

    public static string CronJob(string name = "nightly", string image = "backup:1", string schedule = "0 3 * * *") =>
        WorkloadYaml.CronJob(name, schedule, Containers(image), initContainers: Init);

    public static string Job(string name = "once", string image = "busybox:1.36") => WorkloadYaml.Job(name, [new("web", image)]);
}
