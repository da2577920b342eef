namespace Hoist.Sandbox.Tests.Api;

/// <summary>Manifests the integration tests apply.</summary>
public static class Manifests
{
    public static string Deployment(string name = "web", int replicas = 2, string image = "nginx:1.25", string ns = "default") =>
        WorkloadYaml.Deployment(name, [new("app", image, Port: 80), new("sidecar", "busybox:1.36")], ns, replicas);

    public static string StatefulSet(string name = "db") => WorkloadYaml.StatefulSet(name, [new("db", "postgres:16")], replicas: 2);

    public static string DaemonSet(string name = "agent") => WorkloadYaml.DaemonSet(name, [new("agent", "agent:1.0")]);

    /// <summary>
    /// The web Deployment of issue #2's rollout checks: <c>nginx</c> (the container a release changes) next to a
    /// <c>log-shipper</c> that must keep its image.
    /// </summary>
    public static string WebWithLogShipper(int replicas = 2, string image = "nginx:1.25", int? progressDeadlineSeconds = null, string? changeCause = null) =>
        WorkloadYaml.Deployment("web", [new("nginx", image, Port: 80), new("log-shipper", "fluent/fluent-bit:2.2")], replicas: replicas,
            progressDeadlineSeconds: progressDeadlineSeconds,
            annotations: changeCause is null ? null : new Dictionary<string, string> { ["kubernetes.io/change-cause"] = changeCause });
}
