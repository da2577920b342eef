using Hoist.Contracts;
using k8s;
using k8s.Models;

namespace Hoist.Server.Kubernetes;

public sealed partial class KubernetesClusterGateway
{
    /// <summary>The (group, resource) pairs Hoist needs get/list/watch/patch on.</summary>
    static readonly (string Group, string Resource)[] WorkloadResources =
        [("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"), ("", "pods"), ("batch", "cronjobs")];
    static readonly string[] Verbs = ["get", "list", "watch", "patch"];

    public async Task<ConnectionCheck> CheckAsync(CancellationToken ct)
    {
        VersionInfo? version;
        try
        {
            version = await CallAsync("get /version", c => _client.Version.GetCodeAsync(c), ct);
        }
        catch (Exception e) when (e is ClusterUnreachableException or ClusterRequestException)
        {
            return new ConnectionCheck(false, null, e.Message, []);
        }

        var checks = new List<(string Verb, string Group, string Resource)>();
        foreach (var (group, resource) in WorkloadResources)
            foreach (var verb in Verbs) checks.Add((verb, group, resource));
        checks.Add(("get", "", "pods/log"));
        checks.Add(("watch", "", "events"));

        string? error = null;
        var results = new List<PermissionCheck>();
        foreach (var (verb, group, resource) in checks)
        {
            var name = group.Length == 0 ? resource : $"{resource}.{group}";
            var slash = resource.IndexOf('/', StringComparison.Ordinal);
            var review = new V1SelfSubjectAccessReview
            {
                ApiVersion = "authorization.k8s.io/v1",
                Kind = "SelfSubjectAccessReview",
                Spec = new V1SelfSubjectAccessReviewSpec
                {
                    ResourceAttributes = new V1ResourceAttributes
                    {
                        Verb = verb,
                        Group = group,
                        Resource = slash < 0 ? resource : resource[..slash],
                        Subresource = slash < 0 ? null : resource[(slash + 1)..],
                    },
                },
            };
            try
            {
                var answer = await CallAsync($"review {verb} {name}", c => _client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(review, cancellationToken: c), ct);
                if (answer is null)
                {
                    // The API server does not serve SelfSubjectAccessReview (simulators, very old clusters): say so, do not guess "no".
                    error = "the cluster does not answer SelfSubjectAccessReview; permissions were not checked";
                    results.Add(new PermissionCheck(verb, name, true));
                    continue;
                }
                results.Add(new PermissionCheck(verb, name, answer.Status?.Allowed ?? false));
            }
            catch (Exception e) when (e is ClusterUnreachableException or ClusterRequestException)
            {
                error = e.Message;
                results.Add(new PermissionCheck(verb, name, false));
            }
        }
        return new ConnectionCheck(true, Text.Clean(version?.GitVersion, 60), error, results);
    }

    public async Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken ct)
    {
        var list = await CallAsync("list namespaces", c => _client.CoreV1.ListNamespaceAsync(cancellationToken: c), ct);
        return list?.Items.Select(n => n.Metadata.Name).Order(StringComparer.Ordinal).ToList() ?? [];
    }

    public async Task<IReadOnlyList<string>> ListWorkloadsAsync(string ns, WorkloadKind kind, CancellationToken ct)
    {
        var what = $"list {kind.Resource()}s in {ns}";
        IEnumerable<V1ObjectMeta>? items = kind switch
        {
            WorkloadKind.Deployment => (await CallAsync(what, c => _client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: c), ct))?.Items.Select(i => i.Metadata),
            WorkloadKind.StatefulSet => (await CallAsync(what, c => _client.AppsV1.ListNamespacedStatefulSetAsync(ns, cancellationToken: c), ct))?.Items.Select(i => i.Metadata),
            WorkloadKind.DaemonSet => (await CallAsync(what, c => _client.AppsV1.ListNamespacedDaemonSetAsync(ns, cancellationToken: c), ct))?.Items.Select(i => i.Metadata),
            // A Deployment's ReplicaSets are managed by it; patching them would be undone. Offer only bare ones.
            WorkloadKind.ReplicaSet => (await CallAsync(what, c => _client.AppsV1.ListNamespacedReplicaSetAsync(ns, cancellationToken: c), ct))?.Items
                .Where(i => !(i.Metadata.OwnerReferences?.Any(o => o.Controller == true) ?? false)).Select(i => i.Metadata),
            WorkloadKind.Pod => (await CallAsync(what, c => _client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: c), ct))?.Items
                .Where(i => !(i.Metadata.OwnerReferences?.Any(o => o.Controller == true) ?? false)).Select(i => i.Metadata),
            WorkloadKind.CronJob => (await CallAsync(what, c => _client.BatchV1.ListNamespacedCronJobAsync(ns, cancellationToken: c), ct))?.Items.Select(i => i.Metadata),
            _ => null,
        };
        return items?.Select(m => m.Name).Order(StringComparer.Ordinal).ToList() ?? [];
    }

    public async Task<IReadOnlyList<ContainerInfo>?> GetContainersAsync(WorkloadRef workload, CancellationToken ct) =>
        (await ReadWorkloadAsync(workload, ct))?.Containers;

    public async Task<LogTailDto?> GetLogTailAsync(string ns, string pod, string container, int lines, CancellationToken ct)
    {
        lines = Math.Clamp(lines, 1, 5000);
        try
        {
            var stream = await CallAsync($"get log of {pod}/{container}",
                c => _client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, tailLines: lines, limitBytes: _options.MaxLogBytes, cancellationToken: c), ct);
            if (stream is null) return null;
            var (read, truncated) = await ReadLinesAsync(stream, lines, ct);
            return new LogTailDto(pod, container, read.Select(l => Text.Clean(l, 2000) ?? "").ToList(), truncated);
        }
        catch (ClusterRequestException e) when (e.StatusCode == 400)
        {
            return new LogTailDto(pod, container, [], false); // container not started yet
        }
    }

    /// <summary>
    /// The runtime view: pods grouped by revision (the current template's marked new), containers, recent
    /// events. <see cref="RuntimeDto.ReleaseId"/> and the workload's cloud account are left for the caller to fill.
    /// </summary>
    public async Task<RuntimeDto?> GetRuntimeAsync(WorkloadRef workload, string? container, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        await using var watch = new RuntimeReader(this, _client, workload).GetAsyncEnumerator(ct);
        if (!await watch.MoveNextAsync()) return null;
        var snapshot = watch.Current;
        if (snapshot.Workload is not { } w) return null;
        var c = container ?? w.Containers.FirstOrDefault(x => !x.IsInit)?.Name ?? "";
        var target = new RolloutTarget(workload.Kind, workload.Name, c, w.ImageOf(c) ?? "", 0);
        var assessed = RolloutHealth.Evaluate(snapshot, target);
        return new RuntimeDto
        {
            ReleaseId = 0,
            Workload = new WorkloadRefDto("", workload.Namespace, workload.Kind.ToString(), workload.Name, c),
            Exists = true,
            Desired = assessed.Progress.Desired,
            Updated = assessed.Progress.Updated,
            Ready = assessed.Progress.Ready,
            Available = assessed.Progress.Available,
            NewRevision = snapshot.NewRevision,
            Pods = snapshot.Pods.Select(p => new RuntimePodDto
            {
                Name = p.Name,
                Revision = p.Revision,
                IsNew = RolloutHealth.IsNew(p, snapshot, target),
                Phase = p.Phase,
                Ready = p.Ready,
                Terminating = p.Terminating,
                Node = p.Node,
                CreatedAt = p.CreatedAt,
                Containers = p.Containers.Select(x => new RuntimeContainerDto
                {
                    Name = x.Name,
                    IsInit = x.IsInit,
                    Image = x.Image ?? x.SpecImage,
                    ImageId = x.ImageId,
                    State = x.State,
                    Reason = Text.Clean(x.Reason, 100),
                    Message = Text.Clean(x.Message, 1000),
                    Ready = x.Ready,
                    Restarts = x.Restarts,
                    LastTermination = x.LastTermination is { } t ? new RuntimeTerminationDto(t.ExitCode, Text.Clean(t.Reason, 100), Text.Clean(t.Message, 1000), t.StartedAt, t.FinishedAt) : null,
                }).ToList(),
            }).ToList(),
            Events = snapshot.Events.Select(e => new RuntimeEventDto(e.Type, Text.Clean(e.Reason, 100) ?? "", Text.Clean(e.Message, 1000) ?? "",
                $"{e.ObjectKind.ToLowerInvariant()}/{e.ObjectName}", e.Count, null, e.LastSeen)).ToList(),
            ReadAt = now,
        };
    }

    /// <summary>One snapshot of a workload from lists only (no watch), for the runtime page.</summary>
    sealed class RuntimeReader(KubernetesClusterGateway gateway, IKubernetes client, WorkloadRef target) : IAsyncEnumerable<RolloutSnapshot>
    {
        public async IAsyncEnumerator<RolloutSnapshot> GetAsyncEnumerator(CancellationToken ct = default)
        {
            // The rollout informer in list-only mode reads exactly what the view needs, with the same projection.
            await foreach (var s in new RolloutWatch(gateway, client, target, allEvents: true, listOnly: true).RunAsync(ct))
            {
                yield return s;
                yield break;
            }
        }
    }
}
