using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hoist.Sandbox;

/// <summary>A container of a pod template: a name, an image, and the port it listens on, if any.</summary>
public sealed record ContainerSpec(string Name, string Image, int? Port = null);

/// <summary>
/// Writes the YAML a user would apply for one workload, so that the demo and the tests state only what they care
/// about (names, images, replicas) instead of each keeping its own copy of a Deployment. Every workload selects
/// its pods by <c>app: NAME</c>. Strings are written as JSON strings, which YAML reads as they are.
/// </summary>
public static class WorkloadYaml
{
    public static string Namespace(string name) => $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {Q(name)}\n";

    public static string Deployment(string name, IEnumerable<ContainerSpec> containers, string? ns = null, int replicas = 1,
        int? progressDeadlineSeconds = null, IEnumerable<ContainerSpec>? initContainers = null,
        IReadOnlyDictionary<string, string>? annotations = null, string? podSpecYaml = null)
    {
        var spec = new List<string> { $"replicas: {Num(replicas)}" };
        if (progressDeadlineSeconds is { } deadline) spec.Add($"progressDeadlineSeconds: {Num(deadline)}");
        return Workload("apps/v1", "Deployment", name, ns, annotations, spec, Template(name, containers, initContainers, podSpecYaml));
    }

    public static string ReplicaSet(string name, IEnumerable<ContainerSpec> containers, string? ns = null, int replicas = 1, IEnumerable<ContainerSpec>? initContainers = null) =>
        Workload("apps/v1", "ReplicaSet", name, ns, null, [$"replicas: {Num(replicas)}"], Template(name, containers, initContainers));

    /// <summary>A StatefulSet with a RollingUpdate strategy; <paramref name="partition"/> keeps ordinals below it on the old revision.</summary>
    public static string StatefulSet(string name, IEnumerable<ContainerSpec> containers, string? ns = null, int replicas = 1, int? partition = null, IEnumerable<ContainerSpec>? initContainers = null)
    {
        var spec = new List<string> { $"replicas: {Num(replicas)}", $"serviceName: {Q(name)}" };
        if (partition is { } p) spec.AddRange(["updateStrategy:", "  type: RollingUpdate", "  rollingUpdate:", $"    partition: {Num(p)}"]);
        return Workload("apps/v1", "StatefulSet", name, ns, null, spec, Template(name, containers, initContainers));
    }

    public static string DaemonSet(string name, IEnumerable<ContainerSpec> containers, string? ns = null, IEnumerable<ContainerSpec>? initContainers = null) =>
        Workload("apps/v1", "DaemonSet", name, ns, null, [], Template(name, containers, initContainers));

    public static string Pod(string name, IEnumerable<ContainerSpec> containers, string? ns = null, IEnumerable<ContainerSpec>? initContainers = null)
    {
        var yaml = new StringBuilder();
        Header(yaml, "v1", "Pod", name, ns, null);
        yaml.Append("spec:\n");
        foreach (var line in PodSpec(containers, initContainers, null)) yaml.Append("  ").Append(line).Append('\n');
        return yaml.ToString();
    }

    public static string Job(string name, IEnumerable<ContainerSpec> containers, string? ns = null)
    {
        var yaml = new StringBuilder();
        Header(yaml, "batch/v1", "Job", name, ns, null);
        yaml.Append("spec:\n  template:\n    spec:\n      restartPolicy: Never\n");
        foreach (var line in PodSpec(containers, null, null)) yaml.Append("      ").Append(line).Append('\n');
        return yaml.ToString();
    }

    public static string CronJob(string name, string schedule, IEnumerable<ContainerSpec> containers, string? ns = null, IEnumerable<ContainerSpec>? initContainers = null)
    {
        var yaml = new StringBuilder();
        Header(yaml, "batch/v1", "CronJob", name, ns, null);
        yaml.Append("spec:\n  schedule: ").Append(Q(schedule)).Append("\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n");
        foreach (var line in PodSpec(containers, initContainers, null)) yaml.Append("          ").Append(line).Append('\n');
        return yaml.ToString();
    }

    /// <summary>Several documents in one file, as <c>kubectl apply -f</c> and <c>--manifests</c> read them.</summary>
    public static string Documents(params IEnumerable<string> documents) => string.Join("---\n", documents);

    static string Workload(string apiVersion, string kind, string name, string? ns, IReadOnlyDictionary<string, string>? annotations, IEnumerable<string> specLines, IEnumerable<string> template)
    {
        var yaml = new StringBuilder();
        Header(yaml, apiVersion, kind, name, ns, annotations);
        yaml.Append("spec:\n");
        foreach (var line in specLines) yaml.Append("  ").Append(line).Append('\n');
        yaml.Append("  selector:\n    matchLabels:\n      app: ").Append(Q(name)).Append('\n');
        foreach (var line in template) yaml.Append("  ").Append(line).Append('\n');
        return yaml.ToString();
    }

    static void Header(StringBuilder yaml, string apiVersion, string kind, string name, string? ns, IReadOnlyDictionary<string, string>? annotations)
    {
        yaml.Append("apiVersion: ").Append(apiVersion).Append("\nkind: ").Append(kind).Append("\nmetadata:\n  name: ").Append(Q(name)).Append('\n');
        if (ns is not null) yaml.Append("  namespace: ").Append(Q(ns)).Append('\n');
        yaml.Append("  labels:\n    app: ").Append(Q(name)).Append('\n');
        if (annotations is { Count: > 0 })
        {
            yaml.Append("  annotations:\n");
            foreach (var (key, value) in annotations) yaml.Append("    ").Append(Q(key)).Append(": ").Append(Q(value)).Append('\n');
        }
    }

    static IEnumerable<string> Template(string app, IEnumerable<ContainerSpec> containers, IEnumerable<ContainerSpec>? initContainers, string? podSpecYaml = null) =>
        ["template:", "  metadata:", "    labels:", $"      app: {Q(app)}", "  spec:", .. PodSpec(containers, initContainers, podSpecYaml).Select(l => "    " + l)];

    static IEnumerable<string> PodSpec(IEnumerable<ContainerSpec> containers, IEnumerable<ContainerSpec>? initContainers, string? podSpecYaml)
    {
        if (!string.IsNullOrWhiteSpace(podSpecYaml))
            foreach (var line in podSpecYaml.Split('\n')) yield return line.TrimEnd();
        if (initContainers?.ToList() is { Count: > 0 } init)
        {
            yield return "initContainers:";
            foreach (var line in init.SelectMany(Container)) yield return line;
        }
        yield return "containers:";
        foreach (var line in containers.SelectMany(Container)) yield return line;
    }

    static IEnumerable<string> Container(ContainerSpec c)
    {
        yield return $"- name: {Q(c.Name)}";
        yield return $"  image: {Q(c.Image)}";
        if (c.Port is { } port)
        {
            yield return "  ports:";
            yield return $"  - containerPort: {Num(port)}";
        }
    }

    static string Q(string value) => JsonSerializer.Serialize(value);

    static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
