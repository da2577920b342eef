using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>What a fresh cluster has before anyone applies anything: Ready nodes and the system namespaces.</summary>
internal static class ClusterSeed
{
    public static readonly string[] Namespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static string NodeName(int i) => $"sandbox-node-{i}";

    /// <summary>The node's address; pods on node i get addresses from 10.244.i.0/24.</summary>
    public static string NodeIp(int i) => $"172.18.0.{i + 1}";

    public static void Seed(ObjectStore store, SandboxOptions options)
    {
        foreach (var ns in Namespaces)
            CreateIfMissing(store, ResourceKinds.Namespaces, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns } },
                ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
                ["status"] = new JsonObject { ["phase"] = "Active" },
            });
        for (var i = 1; i <= options.Nodes; i++) CreateIfMissing(store, ResourceKinds.Nodes, Node(i, options));
    }

    static void CreateIfMissing(ObjectStore store, ResourceKind kind, JsonObject obj)
    {
        if (store.Get(kind, null, obj.Name()) is not null) return;
        try
        {
            var status = obj["status"]?.DeepClone();
            var created = store.Create(kind, obj);
            // Create keeps the status it is given, but a real apiserver would not: write it the way a kubelet would.
            if (status is not null && !JsonNode.DeepEquals(created["status"], status))
                store.Mutate(kind, null, obj.Name(), o => o["status"] = status.DeepClone(), statusOnly: true);
        }
        catch (ApiException e) when (e.Code == 409)
        {
        }
    }

    static JsonObject Node(int i, SandboxOptions options)
    {
        var name = NodeName(i);
        var now = Js.Timestamp(options.Time.GetUtcNow());
        var version = $"v{options.KubeVersion.TrimStart('v')}.0";
        JsonObject Resources() => new()
        {
            ["cpu"] = "4",
            ["ephemeral-storage"] = "102626232Ki",
            ["hugepages-2Mi"] = "0",
            ["memory"] = "16374616Ki",
            ["pods"] = "110",
        };
        JsonObject Condition(string type, string status, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = status,
            ["lastHeartbeatTime"] = now,
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject
                {
                    ["beta.kubernetes.io/arch"] = "amd64",
                    ["beta.kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = "amd64",
                    ["kubernetes.io/hostname"] = name,
                    ["kubernetes.io/os"] = "linux",
                },
                ["annotations"] = new JsonObject { ["node.alpha.kubernetes.io/ttl"] = "0" },
            },
            ["spec"] = new JsonObject
            {
                ["podCIDR"] = $"10.244.{i}.0/24",
                ["podCIDRs"] = new JsonArray($"10.244.{i}.0/24"),
            },
            ["status"] = new JsonObject
            {
                ["capacity"] = Resources(),
                ["allocatable"] = Resources(),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = NodeIp(i) },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["machineID"] = Hashing.Sha256Hex("machine/" + name)[..32],
                    ["systemUUID"] = Guid.Parse(Hashing.Sha256Hex("system/" + name)[..32]).ToString(),
                    ["bootID"] = Guid.Parse(Hashing.Sha256Hex("boot/" + name)[..32]).ToString(),
                    ["kernelVersion"] = "6.1.0-sandbox",
                    ["osImage"] = "Debian GNU/Linux 12 (bookworm)",
                    ["containerRuntimeVersion"] = "containerd://1.7.24",
                    ["kubeletVersion"] = version,
                    ["kubeProxyVersion"] = version,
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                },
            },
        };
    }

    public static int NodeIndex(string nodeName) =>
        nodeName.StartsWith("sandbox-node-", StringComparison.Ordinal)
        && int.TryParse(nodeName.AsSpan("sandbox-node-".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
}
