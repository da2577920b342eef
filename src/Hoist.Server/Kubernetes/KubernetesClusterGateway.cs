using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.KubeConfigModels;
using k8s.Models;

namespace Hoist.Server.Kubernetes;

/// <summary>
/// <see cref="IClusterGateway"/> and <see cref="IRolloutGateway"/> over one KubernetesClient for one cloud account.
/// Every call goes through <see cref="CallAsync{T}"/>: transient failures (connection errors, 429, 5xx) are retried
/// with back-off, 404 becomes null, and anything else becomes <see cref="ClusterRequestException"/> or
/// <see cref="ClusterUnreachableException"/> whose message names the status and reason, never the body.
/// </summary>
public sealed partial class KubernetesClusterGateway : IClusterGateway, IRolloutGateway, IDisposable
{
    const string FieldManager = "hoist";
    readonly IKubernetes _client;
    readonly KubernetesOptions _options;
    readonly TimeProvider _time;
    readonly ILogger _log;

    public KubernetesClusterGateway(ClusterConnection connection, KubernetesOptions options, TimeProvider time, ILogger log)
    {
        _options = options;
        _time = time;
        _log = log;
        var config = BuildConfig(connection);
        config.HttpClientTimeout = options.RequestTimeout;
        _client = new k8s.Kubernetes(config);
    }

    /// <summary>For tests: a gateway over an existing client.</summary>
    internal KubernetesClusterGateway(IKubernetes client, KubernetesOptions options, TimeProvider time, ILogger log)
    {
        _client = client;
        _options = options;
        _time = time;
        _log = log;
    }

    public void Dispose() => _client.Dispose();

    internal static KubernetesClientConfiguration BuildConfig(ClusterConnection c)
    {
        try
        {
            if (!string.IsNullOrEmpty(c.Kubeconfig))
            {
                var kubeconfig = KubernetesYaml.Deserialize<K8SConfiguration>(c.Kubeconfig);
                var context = string.IsNullOrEmpty(c.Context) ? kubeconfig.CurrentContext : c.Context;
                PrepareUser(kubeconfig, context);
                return KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, context);
            }
            if (string.IsNullOrEmpty(c.Server)) throw new ClusterUnreachableException("the cloud account has neither a kubeconfig nor a server address");
            var config = new KubernetesClientConfiguration
            {
                Host = c.Server,
                AccessToken = string.IsNullOrEmpty(c.Token) ? null : c.Token,
                SkipTlsVerify = c.InsecureSkipTlsVerify,
            };
            if (!string.IsNullOrWhiteSpace(c.CaData)) config.SslCaCerts = LoadCa(c.CaData);
            return config;
        }
        catch (ClusterUnreachableException) { throw; }
        catch (Exception e)
        {
            // The kubeconfig's content must not leak into messages: name only what kind of problem it was.
            throw new ClusterUnreachableException($"the cluster connection settings could not be used ({e.GetType().Name})");
        }
    }

    /// <summary>
    /// Makes the chosen context's user usable by KubernetesClient, which insists on credentials where kubectl does
    /// not: a user with none at all (<c>user: {}</c>, for a cluster behind an authenticating proxy or with anonymous
    /// auth) is dropped from the context, so requests carry no Authorization header, as kubectl sends them. A user
    /// or cluster that would make the client run a command or read a file on this server is refused here as well
    /// as when the account is saved (<c>KubeconfigInspector</c>), because this is where the client would do it.
    /// </summary>
    static void PrepareUser(K8SConfiguration kubeconfig, string? contextName)
    {
        var context = kubeconfig.Contexts?.FirstOrDefault(x => string.Equals(x.Name, contextName, StringComparison.OrdinalIgnoreCase))?.ContextDetails;
        if (context is null) return; // the client names the problem
        var cluster = kubeconfig.Clusters?.FirstOrDefault(x => string.Equals(x.Name, context.Cluster, StringComparison.OrdinalIgnoreCase))?.ClusterEndpoint;
        if (!string.IsNullOrEmpty(cluster?.CertificateAuthority))
            throw new ClusterUnreachableException("the kubeconfig's cluster refers to a certificate file on the Hoist server; only inline data is accepted");
        if (string.IsNullOrWhiteSpace(context.User)) return;
        var user = kubeconfig.Users?.FirstOrDefault(x => string.Equals(x.Name, context.User, StringComparison.OrdinalIgnoreCase));
        if (user is null) return;
        var u = user.UserCredentials;
        if (u?.ExternalExecution is not null || u?.AuthProvider is not null)
            throw new ClusterUnreachableException("the kubeconfig's user runs a command or an auth provider to get credentials; Hoist refuses that");
        if (!string.IsNullOrEmpty(u?.ClientCertificate) || !string.IsNullOrEmpty(u?.ClientKey))
            throw new ClusterUnreachableException("the kubeconfig's user refers to a key or certificate file on the Hoist server; only inline data is accepted");
        var hasCredentials = u is not null && new[] { u.Token, u.UserName, u.Password, u.ClientCertificateData, u.ClientKeyData }.Any(v => !string.IsNullOrEmpty(v));
        if (!hasCredentials) context.User = null;
    }

    static X509Certificate2Collection LoadCa(string data)
    {
        var pem = data.Contains("-----BEGIN", StringComparison.Ordinal) ? data : Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
        var certs = new X509Certificate2Collection();
        if (pem.Contains("-----BEGIN", StringComparison.Ordinal)) certs.ImportFromPem(pem);
        else certs.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(data.Trim())));
        return certs;
    }

    // ---- calls, retries, error mapping ----------------------------------------------------------------------

    /// <summary>Runs one API call with retries of transient failures; a 404 answers null.</summary>
    async Task<T?> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken ct) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(ct);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (Exception e) when (IsTransient(e, ct) && attempt < _options.MaxAttempts)
            {
                LogRetry(what, attempt, Describe(e));
                await Task.Delay(Backoff(attempt), _time, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                throw Map(what, e, ct);
            }
        }
    }

    internal TimeSpan Backoff(int attempt)
    {
        var ms = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble() / 2));
    }

    static bool IsTransient(Exception e, CancellationToken ct) => e switch
    {
        HttpOperationException h => (int)h.Response.StatusCode is 429 or 500 or 502 or 503 or 504,
        HttpRequestException or IOException or SocketException => true,
        TaskCanceledException => !ct.IsCancellationRequested, // the request's own timeout
        KubernetesException k => k.Status?.Code is 429 or 500 or 502 or 503 or 504,
        _ => false,
    };

    static int? StatusOf(Exception e) => e switch
    {
        HttpOperationException h => (int)h.Response.StatusCode,
        KubernetesException k => k.Status?.Code,
        _ => null,
    };

    /// <summary>Status code and the Status reason word (NotFound, Forbidden, Conflict…), never the body's message.</summary>
    static string Describe(Exception e)
    {
        if (e is HttpOperationException h)
        {
            var reason = ReasonOf(h.Response.Content) ?? h.Response.ReasonPhrase;
            return $"{(int)h.Response.StatusCode} {Word(reason)}".TrimEnd();
        }
        if (e is KubernetesException k) return $"{k.Status?.Code} {Word(k.Status?.Reason)}".TrimEnd();
        if (e is TaskCanceledException) return "timed out";
        if (e is HttpRequestException { HttpRequestError: var kind }) return $"connection failed ({kind})";
        return e.GetType().Name;
    }

    static string? ReasonOf(string? body)
    {
        if (string.IsNullOrEmpty(body) || body.Length > 64 * 1024) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    static string Word(string? s) => s is { Length: > 0 and <= 40 } && s.All(char.IsAsciiLetter) ? s : "";

    Exception Map(string what, Exception e, CancellationToken ct)
    {
        var status = StatusOf(e);
        if (status is null || IsTransient(e, ct))
            return new ClusterUnreachableException($"{what}: {Describe(e)}", e);
        return new ClusterRequestException(status.Value, $"{what}: {Describe(e)}", e);
    }

    // ---- IRolloutGateway ----------------------------------------------------------------------------------------

    public async Task<bool> NamespaceExistsAsync(string ns, CancellationToken ct) =>
        await CallAsync($"get namespace {ns}", c => _client.CoreV1.ReadNamespaceAsync(ns, cancellationToken: c), ct) is not null;

    public async Task<WorkloadState?> ReadWorkloadAsync(WorkloadRef w, CancellationToken ct)
    {
        var what = $"get {w.Kind.Resource()} {w.Name}";
        switch (w.Kind)
        {
            case WorkloadKind.Deployment:
                return await CallAsync(what, c => _client.AppsV1.ReadNamespacedDeploymentAsync(w.Name, w.Namespace, cancellationToken: c), ct) is { } d ? K8sProjection.Deployment(d) : null;
            case WorkloadKind.StatefulSet:
                return await CallAsync(what, c => _client.AppsV1.ReadNamespacedStatefulSetAsync(w.Name, w.Namespace, cancellationToken: c), ct) is { } s ? K8sProjection.StatefulSet(s) : null;
            case WorkloadKind.DaemonSet:
                var ds = await CallAsync(what, c => _client.AppsV1.ReadNamespacedDaemonSetAsync(w.Name, w.Namespace, cancellationToken: c), ct);
                if (ds is null) return null;
                var revisions = await CallAsync($"list controllerrevisions of {w.Name}",
                    c => _client.AppsV1.ListNamespacedControllerRevisionAsync(w.Namespace, labelSelector: K8sProjection.Selector(ds.Spec.Selector), cancellationToken: c), ct);
                return K8sProjection.DaemonSet(ds, NewestRevisionHash(ds, revisions?.Items ?? []));
            case WorkloadKind.ReplicaSet:
                return await CallAsync(what, c => _client.AppsV1.ReadNamespacedReplicaSetAsync(w.Name, w.Namespace, cancellationToken: c), ct) is { } rs ? K8sProjection.ReplicaSet(rs) : null;
            case WorkloadKind.Pod:
                return await CallAsync(what, c => _client.CoreV1.ReadNamespacedPodAsync(w.Name, w.Namespace, cancellationToken: c), ct) is { } p ? K8sProjection.Pod(p) : null;
            case WorkloadKind.CronJob:
                return await CallAsync(what, c => _client.BatchV1.ReadNamespacedCronJobAsync(w.Name, w.Namespace, cancellationToken: c), ct) is { } cj ? K8sProjection.CronJob(cj) : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(w), w.Kind, "unsupported kind");
        }
    }

    public async Task<PatchResult> PatchAsync(WorkloadRef w, string patch, CancellationToken ct)
    {
        var body = new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch);
        var what = $"patch {w.Kind.Resource()} {w.Name}";
        try
        {
            WorkloadState? after = w.Kind switch
            {
                WorkloadKind.Deployment => await CallAsync(what, c => _client.AppsV1.PatchNamespacedDeploymentAsync(body, w.Name, w.Namespace, fieldManager: FieldManager, cancellationToken: c), ct) is { } d ? K8sProjection.Deployment(d) : null,
                WorkloadKind.StatefulSet => await CallAsync(what, c => _client.AppsV1.PatchNamespacedStatefulSetAsync(body, w.Name, w.Namespace, fieldManager: FieldManager, cancellationToken: c), ct) is { } s ? K8sProjection.StatefulSet(s) : null,
                WorkloadKind.DaemonSet => await CallAsync(what, c => _client.AppsV1.PatchNamespacedDaemonSetAsync(body, w.Name, w.Namespace, fieldManager: FieldManager, cancellationToken: c), ct) is { } ds ? K8sProjection.DaemonSet(ds, null) : null,
                WorkloadKind.ReplicaSet => await CallAsync(what, c => _client.AppsV1.PatchNamespacedReplicaSetAsync(body, w.Name, w.Namespace, fieldManager: FieldManager, cancellationToken: c), ct) is { } rs ? K8sProjection.ReplicaSet(rs) : null,
                WorkloadKind.Pod => await CallAsync(what, c => _client.CoreV1.PatchNamespacedPodAsync(body, w.Name, w.Namespace, fieldManager: FieldManager, cancellationToken: c), ct) is { } p ? K8sProjection.Pod(p) : null,
                WorkloadKind.CronJob => await CallAsync(what, c => _client.BatchV1.PatchNamespacedCronJobAsync(body, w.Name, w.Namespace, fieldManager: FieldManager, cancellationToken: c), ct) is { } cj ? K8sProjection.CronJob(cj) : null,
                _ => throw new ArgumentOutOfRangeException(nameof(w), w.Kind, "unsupported kind"),
            };
            return after is null ? new PatchResult(PatchOutcome.NotFound, null) : new PatchResult(PatchOutcome.Applied, after);
        }
        catch (ClusterRequestException e) when (e.StatusCode == 409)
        {
            return new PatchResult(PatchOutcome.Conflict, null);
        }
    }

    public async Task<IReadOnlyList<string>> ReadLogLinesAsync(string ns, string pod, string container, bool previous, int lines, CancellationToken ct)
    {
        try
        {
            var stream = await CallAsync($"get log of {pod}/{container}",
                c => _client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, previous: previous, tailLines: lines, limitBytes: _options.MaxLogBytes, cancellationToken: c), ct);
            if (stream is null) return [];
            return (await ReadLinesAsync(stream, lines, ct)).Lines;
        }
        catch (ClusterRequestException e) when (e.StatusCode == 400)
        {
            return []; // no previous run, or the container has not started: nothing to show
        }
    }

    async Task<(List<string> Lines, bool Truncated)> ReadLinesAsync(Stream stream, int max, CancellationToken ct)
    {
        await using (stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = new List<string>();
            var read = 0L;
            var truncated = false;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                read += line.Length + 1;
                if (read > _options.MaxLogBytes) { truncated = true; break; }
                lines.Add(line.Length > 2000 ? line[..2000] + "…" : line);
            }
            if (lines.Count > max) { lines.RemoveRange(0, lines.Count - max); truncated = true; }
            return (lines, truncated);
        }
    }

    public async Task DeletePodAsync(string ns, string pod, CancellationToken ct) =>
        await CallAsync($"delete pod {pod}", c => _client.CoreV1.DeleteNamespacedPodAsync(pod, ns, cancellationToken: c), ct);

    internal static string? NewestRevisionHash(V1DaemonSet ds, IEnumerable<V1ControllerRevision> revisions)
    {
        var newest = revisions
            .Where(r => r.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == ds.Metadata.Uid) ?? false)
            .OrderByDescending(r => r.Revision).FirstOrDefault();
        if (newest is null) return null;
        return K8sProjection.Label(newest.Metadata, K8sProjection.ControllerRevisionHash)
            ?? (newest.Metadata.Name.StartsWith(ds.Metadata.Name + "-", StringComparison.Ordinal) ? newest.Metadata.Name[(ds.Metadata.Name.Length + 1)..] : newest.Metadata.Name);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cluster call {What} failed transiently (attempt {Attempt}: {Cause}); retrying")]
    partial void LogRetry(string what, int attempt, string cause);
}
