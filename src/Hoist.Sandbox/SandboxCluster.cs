using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Api;
using Hoist.Sandbox.Controllers;
using Hoist.Sandbox.Store;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Sandbox;

/// <summary>Settings of one sandbox cluster; the command line maps onto these one to one.</summary>
public sealed class SandboxOptions
{
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>How long a scheduled pod takes to become Running and Ready.</summary>
    public TimeSpan PodStartDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long a pod's containers take to stop once it is deleted (SIGTERM to exit), so it shows Terminating for
    /// that long; the pod's grace period caps it (the kubelet then kills with SIGKILL). At 0 the kubelet removes a
    /// deleted pod as soon as it sees the deletion.
    /// </summary>
    /// <remarks>
    /// At 0 a deleted pod still passes through one Terminating write (the apiserver's <c>deletionTimestamp</c>)
    /// before the kubelet's delete removes it: one more MODIFIED event per deleted pod than a plain removal. That
    /// is kept on purpose: a real apiserver always writes the mark first, so every watcher of a real cluster
    /// (informers, Hoist's rollout watch, <c>kubectl get -w</c>) sees it, and the StatefulSet, DaemonSet and
    /// Recreate logic that waits for a terminating pod to go runs as it does there. Skipping it would make the
    /// default sandbox a cluster in which pods vanish, which no real one is.
    /// </remarks>
    public TimeSpan PodStopDelay { get; set; } = TimeSpan.Zero;

    /// <summary>What <c>/version</c> reports; the kubectl dispatcher picks its binary from it.</summary>
    public string KubeVersion { get; set; } = "1.33";

    public int Nodes { get; set; } = 3;

    /// <summary>YAML files or folders applied at start.</summary>
    public List<string> Manifests { get; } = [];

    /// <summary>When set, every request must carry <c>Authorization: Bearer &lt;token&gt;</c> (else 401).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Clock for controllers and the kubelet; tests pass a FakeTimeProvider.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>How many changes the store keeps for resuming watches; older resourceVersions get 410 Expired.</summary>
    public int WatchHistory { get; set; } = 1000;

    /// <summary>Faults in effect from the start; change them later through <see cref="SandboxCluster.Faults"/>.</summary>
    public FaultSettings Faults { get; set; } = FaultSettings.None;

    /// <summary>
    /// Run the controllers and simulated kubelets (the default). Off, the sandbox is a bare API server, as
    /// controller-runtime's envtest is: for tests of API semantics that must see only their own writes.
    /// </summary>
    public bool RunControllers { get; set; } = true;

    /// <summary>Called once per HTTP request with <c>METHOD path?query status elapsed</c> (for debugging; off by default).</summary>
    public Action<string>? RequestLog { get; set; }
}

/// <summary>
/// A running sandbox: an in-memory Kubernetes API server on 127.0.0.1 that the real kubectl and the
/// KubernetesClient library accept, with its controllers. Start one per test (start-up takes milliseconds).
/// </summary>
public sealed class SandboxCluster : IAsyncDisposable
{
    static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    readonly CancellationTokenSource _stopping = new();
    WebApplication? _app;
    FaultSettings _faults;
    bool _disposed;

    SandboxCluster(SandboxOptions options)
    {
        Options = options;
        Store = new ObjectStore(options.Time, options.WatchHistory);
        Writer = new ResourceWriter(Store);
        Controllers = new ControllerManager(Store, options);
        _faults = options.Faults;
    }

    public SandboxOptions Options { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public ObjectStore Store { get; }
    public ControllerManager Controllers { get; }

    /// <summary>The injected faults; assign a new value at any time (requests read it as they arrive).</summary>
    public FaultSettings Faults
    {
        get => Volatile.Read(ref _faults);
        set => Volatile.Write(ref _faults, value ?? FaultSettings.None);
    }

    public SandboxStats Stats { get; } = new();

    /// <summary>The admission path (defaulting, validation) in front of the store, shared by HTTP and <see cref="ApplyAsync"/>.</summary>
    public ResourceWriter Writer { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>The user RBAC messages name: the token's owner, or the anonymous user.</summary>
    internal string UserName => string.IsNullOrEmpty(Options.BearerToken) ? "system:anonymous" : "system:serviceaccount:default:sandbox";

    public static async Task<SandboxCluster> StartAsync(SandboxOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        DiscoveryApi.ParseVersion(options.KubeVersion);
        var cluster = new SandboxCluster(options);
        try
        {
            await cluster.StartCoreAsync(ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    async Task StartCoreAsync(CancellationToken ct)
    {
        _app = ApiServer.Build(this);
        await _app.StartAsync(ct);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.EndsWith('/') ? address : address + "/");

        if (Options.RunControllers) Controllers.Start();
        // The controllers seed the system namespaces; make sure they exist even if they have not yet.
        foreach (var ns in SystemNamespaces)
        {
            if (Store.Get(ResourceKinds.Namespaces, null, ns) is not null) continue;
            try { Writer.Create(ResourceKinds.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }); }
            catch (ApiException e) when (e.Code == 409) { }
        }

        foreach (var path in ManifestFiles())
            await ApplyAsync(await File.ReadAllTextAsync(path, ct), ct);
    }

    IEnumerable<string> ManifestFiles()
    {
        foreach (var path in Options.Manifests)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal))
                    yield return file;
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                throw new FileNotFoundException($"manifest path not found: {path}", path);
            }
        }
    }

    /// <summary>A client configuration for this cluster (plain http, the bearer token when one is set).</summary>
    public KubernetesClientConfiguration ClientConfiguration() => new()
    {
        Host = Url.ToString().TrimEnd('/'),
        AccessToken = string.IsNullOrEmpty(Options.BearerToken) ? null : Options.BearerToken,
    };

    /// <summary>A kubeconfig whose current context (<paramref name="context"/>) points at this cluster.</summary>
    public string KubeconfigYaml(string context = "sandbox")
    {
        var user = string.IsNullOrEmpty(Options.BearerToken) ? "{}" : $"\n    token: {Options.BearerToken}";
        var sb = new StringBuilder();
        sb.Append("apiVersion: v1\nkind: Config\n");
        sb.Append($"clusters:\n- name: {context}\n  cluster:\n    server: {Url.ToString().TrimEnd('/')}\n");
        sb.Append($"contexts:\n- name: {context}\n  context:\n    cluster: {context}\n    user: {context}\n    namespace: default\n");
        sb.Append($"current-context: {context}\n");
        sb.Append($"users:\n- name: {context}\n  user:{(user == "{}" ? " {}" : user)}\n");
        sb.Append("preferences: {}\n");
        return sb.ToString();
    }

    public void WriteKubeconfig(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, KubeconfigYaml());
        // The file may hold the bearer token.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// Creates or replaces every object of a multi-document YAML (a <c>kind: List</c> is unpacked), namespaces
    /// first, through the same defaulting and validation as POST/PUT. Namespaced objects without a namespace
    /// go to <c>default</c>. Throws <see cref="ApiException"/> like the API would (422, 404 for a missing namespace).
    /// </summary>
    public Task ApplyAsync(string yaml, CancellationToken ct = default)
    {
        List<JsonNode> docs;
        try { docs = Yaml.ParseDocuments(yaml); }
        catch (FormatException e) { throw ApiException.BadRequest(e.Message); }
        var objects = new List<JsonObject>();
        foreach (var doc in docs)
        {
            if (doc is not JsonObject o) throw ApiException.BadRequest("a manifest document must be an object");
            if (o.Str("kind") == "List" && o["items"] is JsonArray items) objects.AddRange(items.OfType<JsonObject>());
            else objects.Add(o);
        }
        foreach (var o in objects.OrderBy(o => o.Str("kind") == "Namespace" ? 0 : 1))
        {
            ct.ThrowIfCancellationRequested();
            var apiVersion = o.Str("apiVersion") ?? "";
            var kindName = o.Str("kind") ?? "";
            var kind = ResourceKinds.FindByKind(apiVersion, kindName)
                ?? throw ApiException.BadRequest($"no matches for kind \"{kindName}\" in version \"{apiVersion}\"");
            var ns = kind.Namespaced ? o.Namespace() is { Length: > 0 } n ? n : "default" : null;
            var name = o.Name();
            var body = (JsonObject)o.DeepClone();
            body.Meta().Remove("resourceVersion");
            LastApplied(body, kind, ns);
            if (name.Length > 0 && Store.Get(kind, ns, name) is { } existing)
            {
                if (kind == ResourceKinds.Jobs) KeepGeneratedJobSelector(body, existing);
                Writer.Update(kind, ns, name, body);
            }
            else
            {
                Writer.Create(kind, ns, body);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Records the manifest as <c>kubectl apply</c> does, so a later <c>kubectl apply</c> of the same file
    /// computes its three-way patch instead of warning about a missing annotation.
    /// </summary>
    static void LastApplied(JsonObject body, ResourceKind kind, string? ns)
    {
        var copy = (JsonObject)body.DeepClone();
        var meta = copy.Meta();
        if (kind.Namespaced) meta["namespace"] = ns;
        var annotations = meta.Obj("annotations");
        annotations.Remove(LastAppliedAnnotation);
        var text = Encoding.UTF8.GetString(HttpJson.Serialize(copy));
        body.Meta().Obj("annotations")[LastAppliedAnnotation] = text;
    }

    /// <summary>A Job's selector is generated on create and immutable; a re-applied manifest keeps it (as kubectl apply's merge would).</summary>
    static void KeepGeneratedJobSelector(JsonObject body, JsonObject existing)
    {
        var spec = body.Obj("spec");
        if (spec["selector"] is not null || existing["spec"]?["selector"] is not JsonObject selector) return;
        spec["selector"] = selector.DeepClone();
        var labels = spec.Obj("template").Obj("metadata").Obj("labels");
        foreach (var key in new[] { "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name" })
            if (existing["spec"]?["template"]?["metadata"]?["labels"]?[key] is JsonNode v) labels[key] = v.DeepClone();
    }

    const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stopping.CancelAsync();
        await Controllers.DisposeAsync();
        Store.CloseAllWatches();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _stopping.Dispose();
    }
}
