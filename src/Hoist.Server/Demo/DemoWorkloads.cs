using Hoist.Sandbox;

namespace Hoist.Server.Demo;

/// <summary>What the demo's sandbox runs in namespace <c>demo</c>: one workload of each kind a release can target.</summary>
public static class DemoWorkloads
{
    public const string Namespace = "demo";
    public const string Web = "web";
    public const string WebContainer = "nginx";
    public const string WebImage = "nginx:1.25";

    public static readonly string Yaml = WorkloadYaml.Documents(
        WorkloadYaml.Namespace(Namespace),
        WorkloadYaml.Deployment(Web, [new(WebContainer, WebImage), new("log-shipper", "fluent/fluent-bit:3.0")], Namespace, replicas: 3),
        WorkloadYaml.StatefulSet("db", [new("postgres", "postgres:16")], Namespace, replicas: 2),
        WorkloadYaml.DaemonSet("node-agent", [new("agent", "busybox:1.36")], Namespace),
        WorkloadYaml.CronJob("nightly-report", "0 3 * * *", [new("report", "registry.example.com/shop/report:1.0")], Namespace));
}
