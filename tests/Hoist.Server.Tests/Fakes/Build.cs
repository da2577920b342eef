using Hoist.Server.Kubernetes;

namespace Hoist.Server.Tests.Fakes;

/// <summary>Workloads and pods as a cluster would report them, with sensible defaults (a settled rollout).</summary>
public static class Build
{
    public static WorkloadRef Ref(WorkloadKind kind = WorkloadKind.Deployment, string name = "web", string ns = "default") => new(ns, kind, name);

    public static IReadOnlyList<ContainerInfo> Containers(string image, string container = "web") =>
        [new ContainerInfo("migrate", "busybox:1.36", true), new ContainerInfo(container, image, false), new ContainerInfo("sidecar", "envoy:1.30", false)];

    public static WorkloadState Deployment(string name = "web", string image = "nginx:1.26", int replicas = 3, long generation = 1, string revision = "1", string ns = "default") => new()
    {
        Ref = Ref(WorkloadKind.Deployment, name, ns),
        Uid = "uid-" + name,
        Generation = generation,
        ObservedGeneration = generation,
        Annotations = new Dictionary<string, string> { ["deployment.kubernetes.io/revision"] = revision },
        Containers = Containers(image),
        Revision = revision,
        PodSelector = "app=" + name,
        Status = new DeploymentStatus
        {
            Replicas = replicas, StatusReplicas = replicas, UpdatedReplicas = replicas, ReadyReplicas = replicas, AvailableReplicas = replicas,
            Conditions = [new KubeCondition("Available", "True", "MinimumReplicasAvailable", null), new KubeCondition("Progressing", "True", "NewReplicaSetAvailable", null)],
        },
    };

    public static WorkloadState StatefulSet(string name = "db", string image = "postgres:16", int replicas = 3, long generation = 1, int? partition = 0) => new()
    {
        Ref = Ref(WorkloadKind.StatefulSet, name),
        Uid = "uid-" + name,
        Generation = generation,
        ObservedGeneration = generation,
        Containers = Containers(image),
        Revision = name + "-rev1",
        Status = new StatefulSetStatus
        {
            Replicas = replicas, Partition = partition, StatusReplicas = replicas, ReadyReplicas = replicas, CurrentReplicas = replicas, UpdatedReplicas = replicas,
            AvailableReplicas = replicas, CurrentRevision = name + "-rev1", UpdateRevision = name + "-rev1",
        },
    };

    public static WorkloadState DaemonSet(string name = "agent", string image = "fluentbit:3", int nodes = 3, long generation = 1) => new()
    {
        Ref = Ref(WorkloadKind.DaemonSet, name),
        Uid = "uid-" + name,
        Generation = generation,
        ObservedGeneration = generation,
        Containers = Containers(image),
        Revision = "h1",
        Status = new DaemonSetStatus { DesiredNumberScheduled = nodes, CurrentNumberScheduled = nodes, UpdatedNumberScheduled = nodes, NumberReady = nodes, NumberAvailable = nodes },
    };

    public static WorkloadState ReplicaSet(string name = "bare", string image = "nginx:1.26", int replicas = 2, long generation = 1) => new()
    {
        Ref = Ref(WorkloadKind.ReplicaSet, name),
        Uid = "uid-" + name,
        Generation = generation,
        ObservedGeneration = generation,
        Containers = Containers(image),
        Revision = "fp-old",
        Status = new ReplicaSetStatus { Replicas = replicas, StatusReplicas = replicas, ReadyReplicas = replicas, AvailableReplicas = replicas },
    };

    public static WorkloadState BarePod(string name = "solo", string image = "nginx:1.26") => new()
    {
        Ref = Ref(WorkloadKind.Pod, name),
        Uid = "uid-" + name,
        Generation = 1,
        ObservedGeneration = 1,
        Containers = Containers(image),
        Status = new PodWorkloadStatus(),
    };

    public static WorkloadState CronJob(string name = "nightly", string image = "backup:1", string schedule = "0 3 * * *") => new()
    {
        Ref = Ref(WorkloadKind.CronJob, name),
        Uid = "uid-" + name,
        Generation = 1,
        ObservedGeneration = 1,
        Containers = Containers(image),
        Status = new CronJobStatus { Schedule = schedule },
    };

    /// <summary>A pod whose "web" container runs <paramref name="image"/>; Ready unless a waiting reason or crash is given.</summary>
    public static PodState Pod(string name, string? revision, string image = "nginx:1.27", string? waiting = null, string? message = null,
        int restarts = 0, int? lastExit = null, bool? ready = null, string? imageId = null, bool unschedulable = false, string container = "web")
    {
        var isReady = ready ?? (waiting is null && !unschedulable);
        var c = new PodContainer
        {
            Name = container,
            SpecImage = image,
            Image = waiting is "ErrImagePull" or "ImagePullBackOff" || unschedulable ? image : "docker.io/library/" + image,
            ImageId = imageId ?? (waiting is null && !unschedulable ? "docker.io/library/" + image.Split(':')[0] + "@sha256:" + new string('a', 64) : null),
            Ready = isReady,
            Restarts = restarts,
            State = unschedulable ? "unknown" : waiting is null ? "running" : "waiting",
            Reason = waiting,
            Message = message,
            LastTermination = lastExit is { } x ? new Termination(x, x == 0 ? "Completed" : "Error", null, null, null) : null,
        };
        return new PodState
        {
            Name = name,
            Uid = "uid-" + name,
            Revision = revision,
            Phase = unschedulable || waiting is "ErrImagePull" or "ImagePullBackOff" or "ContainerCreating" ? "Pending" : "Running",
            Ready = isReady,
            Scheduled = unschedulable
                ? new KubeCondition("PodScheduled", "False", "Unschedulable", "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.")
                : new KubeCondition("PodScheduled", "True", null, null),
            Containers = [c],
        };
    }
}
