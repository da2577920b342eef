using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// pkg/controller/deployment (sync.go, rolling.go, recreate.go, progress.go, util/deployment_util.go), ported
/// function by function so rollouts, revisions, events and conditions come out as a real cluster computes them.
/// </summary>
internal sealed class DeploymentController(ControllerContext ctx)
{
    const string Component = "deployment-controller";
    const int MaxRevisionHistoryLengthInChars = 2000;

    static readonly HashSet<string> AnnotationsToSkip =
    [
        "kubectl.kubernetes.io/last-applied-configuration",
        Dep.RevisionAnnotation, Dep.RevisionHistoryAnnotation, Dep.DesiredReplicasAnnotation, Dep.MaxReplicasAnnotation,
        "deprecated.deployment.rollback.to",
    ];

    public void Sync(string ns, string name)
    {
        if (ctx.Cache.Get(ResourceKinds.Deployments, ns, name) is not { } obj) return;
        var d = Dep.From(obj);
        if (d.Template is null) return;

        if (d.Selector is not JsonObject selector || selector.All(p => p.Value is null || p.Value is JsonObject { Count: 0 } || p.Value is JsonArray { Count: 0 }))
        {
            ctx.Events.Warning(obj, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.", Component);
            if (d.Status.ObservedGeneration < d.Generation)
            {
                d.Status.ObservedGeneration = d.Generation;
                WriteStatus(d);
            }
            return;
        }

        var rsList = ctx.Cache.Controlled(ResourceKinds.ReplicaSets, obj).Select(Rs.From).ToList();
        if (obj.IsDeleting())
        {
            var (n, o) = GetAllReplicaSetsAndSyncRevision(d, rsList, false);
            SyncDeploymentStatus([.. o, n], n, d);
            return;
        }

        CheckPausedConditions(d);
        if (d.Paused || IsScalingEvent(d, rsList))
        {
            SyncScale(d, rsList);
            return;
        }
        if (d.RollingUpdate) RolloutRolling(d, rsList);
        else RolloutRecreate(d, rsList);
    }

    void CheckPausedConditions(Dep d)
    {
        if (!d.HasProgressDeadline) return;
        var cond = d.Status.Get("Progressing");
        if (cond?.Reason == "ProgressDeadlineExceeded") return;
        var pausedCondExists = cond?.Reason == "DeploymentPaused";
        var needsUpdate = false;
        if (d.Paused && !pausedCondExists)
        {
            d.Status.Set(NewCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
            needsUpdate = true;
        }
        else if (!d.Paused && pausedCondExists)
        {
            d.Status.Set(NewCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"));
            needsUpdate = true;
        }
        if (needsUpdate) WriteStatus(d);
    }

    bool IsScalingEvent(Dep d, List<Rs> rsList)
    {
        var (newRs, oldRss) = GetAllReplicaSetsAndSyncRevision(d, rsList, false);
        foreach (var rs in new List<Rs?>([.. oldRss, newRs]).Active())
        {
            if (rs.AnnotationInt(Dep.DesiredReplicasAnnotation) is not { } desired) continue;
            if (desired != d.Replicas) return true;
        }
        return false;
    }

    /// <summary><c>sync</c>: scaling events and paused deployments.</summary>
    void SyncScale(Dep d, List<Rs> rsList)
    {
        var (newRs, oldRss) = GetAllReplicaSetsAndSyncRevision(d, rsList, false);
        Scale(d, newRs, oldRss);
        if (d.Paused) CleanupDeployment(oldRss, d);
        SyncDeploymentStatus([.. oldRss, newRs], newRs, d);
    }

    void RolloutRolling(Dep d, List<Rs> rsList)
    {
        var (newRs, oldRss) = GetAllReplicaSetsAndSyncRevision(d, rsList, true);
        if (newRs is null) return;
        List<Rs?> allRss = [.. oldRss, newRs];
        if (ReconcileNewReplicaSet(allRss, newRs, d) || ReconcileOldReplicaSets(allRss, oldRss.Active(), newRs, d))
        {
            SyncRolloutStatus(allRss, newRs, d);
            return;
        }
        if (DeploymentComplete(d, d.Status)) CleanupDeployment(oldRss, d);
        SyncRolloutStatus(allRss, newRs, d);
    }

    void RolloutRecreate(Dep d, List<Rs> rsList)
    {
        var (newRs, oldRss) = GetAllReplicaSetsAndSyncRevision(d, rsList, false);
        List<Rs?> allRss = [.. oldRss, newRs];
        var scaledDown = false;
        foreach (var rs in oldRss.Active())
            if (ScaleReplicaSetAndRecordEvent(rs, 0, d)) scaledDown = true;
        if (scaledDown || OldPodsRunning(newRs, oldRss))
        {
            SyncRolloutStatus(allRss, newRs, d);
            return;
        }
        if (newRs is null)
        {
            (newRs, oldRss) = GetAllReplicaSetsAndSyncRevision(d, rsList, true);
            if (newRs is null) return;
            allRss = [.. oldRss, newRs];
        }
        ScaleReplicaSetAndRecordEvent(newRs, d.Replicas, d);
        if (DeploymentComplete(d, d.Status)) CleanupDeployment(oldRss, d);
        SyncRolloutStatus(allRss, newRs, d);
    }

    /// <summary>Recreate waits until no pod of an old ReplicaSet could still be running.</summary>
    bool OldPodsRunning(Rs? newRs, List<Rs> oldRss)
    {
        if (oldRss.StatusSum() > 0) return true;
        foreach (var rs in oldRss)
        {
            if (newRs is not null && rs.Obj.Uid() == newRs.Obj.Uid()) continue;
            foreach (var pod in ctx.Cache.Controlled(ResourceKinds.Pods, rs.Obj))
                if (PodUtil.Phase(pod) is not ("Failed" or "Succeeded")) return true;
        }
        return false;
    }

    (Rs? New, List<Rs> Old) GetAllReplicaSetsAndSyncRevision(Dep d, List<Rs> rsList, bool createIfNotExisted)
    {
        var existingNew = FindNewReplicaSet(d, rsList);
        var allOld = rsList.Where(r => r != existingNew).ToList();
        var newRs = GetNewReplicaSet(d, rsList, allOld, createIfNotExisted);
        if (newRs is not null && existingNew is null)
            allOld = rsList.Where(r => r.Obj.Uid() != newRs.Obj.Uid()).ToList();
        return (newRs, allOld);
    }

    /// <summary>The oldest owned ReplicaSet whose template equals the deployment's, ignoring pod-template-hash.</summary>
    static Rs? FindNewReplicaSet(Dep d, List<Rs> rsList) =>
        rsList.Order(Comparer<Rs>.Create(Rs.ByCreation)).FirstOrDefault(r => Hashing.TemplatesEqualIgnoringHash(r.Template, d.Template));

    Rs? GetNewReplicaSet(Dep d, List<Rs> rsList, List<Rs> oldRss, bool createIfNotExisted)
    {
        var existing = FindNewReplicaSet(d, rsList);
        var maxOldRevision = oldRss.Count == 0 ? 0 : oldRss.Max(r => r.Revision);
        var newRevision = (maxOldRevision + 1).ToString(CultureInfo.InvariantCulture);

        if (existing is not null)
        {
            var annotations = new Dictionary<string, string>(existing.Annotations, StringComparer.Ordinal);
            var annotationsUpdated = SetNewReplicaSetAnnotations(d, annotations, newRevision, exists: true);
            var minReadySecondsNeedsUpdate = existing.MinReadySeconds != d.MinReadySeconds;
            if (annotationsUpdated || minReadySecondsNeedsUpdate)
            {
                var written = ctx.Store.Mutate(ResourceKinds.ReplicaSets, existing.Ns, existing.Name, o =>
                {
                    o.Meta()["annotations"] = annotations.ToJson();
                    o.Obj("spec")["minReadySeconds"] = d.MinReadySeconds;
                });
                if (written is not null) existing.Obj = written;
                existing.Annotations = annotations;
                existing.MinReadySeconds = d.MinReadySeconds;
                return existing;
            }

            var needsUpdate = SetDeploymentRevision(d, existing.Annotations.GetValueOrDefault(Dep.RevisionAnnotation, ""));
            if (d.HasProgressDeadline && d.Status.Get("Progressing") is null)
            {
                d.Status.Set(NewCondition("Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{existing.Name}\""));
                needsUpdate = true;
            }
            if (needsUpdate) WriteStatus(d);
            return existing;
        }

        if (!createIfNotExisted) return null;

        var hash = Hashing.PodTemplateHash(d.Template, d.Status.CollisionCount);
        var template = (JsonObject)d.Template!.DeepClone();
        var templateMeta = template.Obj("metadata");
        templateMeta.Obj("labels")[Hashing.PodTemplateHashLabel] = hash;
        var selector = (JsonObject)d.Selector!.DeepClone();
        selector.Obj("matchLabels")[Hashing.PodTemplateHashLabel] = hash;
        var rsName = $"{d.Name}-{hash}";

        var newAnnotations = new Dictionary<string, string>(StringComparer.Ordinal);
        var newReplicasCount = d.RollingUpdate
            ? RolloutMath.NewReplicaSetSize(d.Replicas, RolloutMath.ScaledValue(d.MaxSurgeValue, d.Replicas, roundUp: true), oldRss.SpecSum(), 0)
            : d.Replicas;
        SetNewReplicaSetAnnotations(d, newAnnotations, newRevision, exists: false);
        var rsObj = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = rsName,
                ["namespace"] = d.Ns,
                ["labels"] = templateMeta["labels"]!.DeepClone(),
                ["annotations"] = newAnnotations.ToJson(),
                ["ownerReferences"] = new JsonArray(Js.ControllerRefTo(d.Obj, ResourceKinds.Deployments)),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = newReplicasCount,
                ["minReadySeconds"] = d.MinReadySeconds,
                ["selector"] = selector,
                ["template"] = template,
            },
        };
        if (d.MinReadySeconds == 0) ((JsonObject)rsObj["spec"]!).Remove("minReadySeconds");

        Rs created;
        var alreadyExists = false;
        try
        {
            created = Rs.From(ctx.Store.Create(ResourceKinds.ReplicaSets, rsObj));
        }
        catch (ApiException e) when (e.Code == 409)
        {
            var current = ctx.Store.Get(ResourceKinds.ReplicaSets, d.Ns, rsName);
            if (current is not null && current.ControllerRef()?["uid"].AsString() == d.Obj.Uid()
                && Hashing.TemplatesEqualIgnoringHash(d.Template, current.At("spec", "template")))
            {
                created = Rs.From(current);
                alreadyExists = true;
            }
            else
            {
                // A hash collision: bump collisionCount so the next sync hashes differently.
                d.Status.CollisionCount = (d.Status.CollisionCount ?? 0) + 1;
                WriteStatus(d);
                throw new SyncAbortedException();
            }
        }
        catch (ApiException e)
        {
            var msg = $"Failed to create new replica set \"{rsName}\": {e.Message}";
            if (d.HasProgressDeadline)
            {
                d.Status.Set(NewCondition("Progressing", "False", "ReplicaSetCreateError", msg));
                WriteStatus(d);
            }
            ctx.Events.Warning(d.Obj, "ReplicaSetCreateError", msg, Component);
            throw;
        }

        if (!alreadyExists && newReplicasCount > 0)
            ctx.Events.Normal(d.Obj, "ScalingReplicaSet", $"Scaled up replica set {created.Name} from 0 to {newReplicasCount}", Component);
        var update = SetDeploymentRevision(d, newRevision);
        if (!alreadyExists && d.HasProgressDeadline)
        {
            d.Status.Set(NewCondition("Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{created.Name}\""));
            update = true;
        }
        if (update) WriteStatus(d);
        return created;
    }

    /// <summary><c>SetNewReplicaSetAnnotations</c>, including the revision-history kept when a rollback reuses an old ReplicaSet.</summary>
    static bool SetNewReplicaSetAnnotations(Dep d, Dictionary<string, string> annotations, string newRevision, bool exists)
    {
        var changed = false;
        foreach (var (k, v) in d.Annotations)
        {
            if (AnnotationsToSkip.Contains(k) || (annotations.TryGetValue(k, out var existing) && existing == v)) continue;
            annotations[k] = v;
            changed = true;
        }
        var hadRevision = annotations.TryGetValue(Dep.RevisionAnnotation, out var oldRevision);
        long oldRevisionInt = 0;
        if (hadRevision && !long.TryParse(oldRevision, NumberStyles.Integer, CultureInfo.InvariantCulture, out oldRevisionInt))
        {
            if (!string.IsNullOrEmpty(oldRevision)) return false;
            oldRevisionInt = 0;
        }
        var newRevisionInt = long.Parse(newRevision, CultureInfo.InvariantCulture);
        if (oldRevisionInt < newRevisionInt)
        {
            annotations[Dep.RevisionAnnotation] = newRevision;
            changed = true;
        }
        if (hadRevision && oldRevisionInt < newRevisionInt)
        {
            var history = annotations.GetValueOrDefault(Dep.RevisionHistoryAnnotation, "");
            var oldRevisions = history.Split(',').ToList();
            if (oldRevisions[0].Length == 0) annotations[Dep.RevisionHistoryAnnotation] = oldRevision!;
            else
            {
                var totalLen = history.Length + oldRevision!.Length + 1;
                var start = 0;
                while (totalLen > MaxRevisionHistoryLengthInChars && start < oldRevisions.Count)
                {
                    totalLen = totalLen - oldRevisions[start].Length - 1;
                    start++;
                }
                if (totalLen <= MaxRevisionHistoryLengthInChars)
                    annotations[Dep.RevisionHistoryAnnotation] = string.Join(',', oldRevisions.Skip(start).Append(oldRevision));
            }
        }
        if (!exists && SetReplicasAnnotations(annotations, d.Replicas, d.Replicas + d.MaxSurge)) changed = true;
        return changed;
    }

    static bool SetReplicasAnnotations(Dictionary<string, string> annotations, int desired, int max)
    {
        var updated = false;
        var desiredString = desired.ToString(CultureInfo.InvariantCulture);
        var maxString = max.ToString(CultureInfo.InvariantCulture);
        if (annotations.GetValueOrDefault(Dep.DesiredReplicasAnnotation) != desiredString)
        {
            annotations[Dep.DesiredReplicasAnnotation] = desiredString;
            updated = true;
        }
        if (annotations.GetValueOrDefault(Dep.MaxReplicasAnnotation) != maxString)
        {
            annotations[Dep.MaxReplicasAnnotation] = maxString;
            updated = true;
        }
        return updated;
    }

    static bool SetDeploymentRevision(Dep d, string revision)
    {
        if (d.Annotations.GetValueOrDefault(Dep.RevisionAnnotation) == revision) return false;
        d.Annotations[Dep.RevisionAnnotation] = revision;
        return true;
    }

    /// <summary><c>reconcileNewReplicaSet</c>: scale the new ReplicaSet up within maxSurge (or down to replicas).</summary>
    bool ReconcileNewReplicaSet(List<Rs?> allRss, Rs newRs, Dep d)
    {
        if (newRs.SpecReplicas == d.Replicas) return false;
        if (newRs.SpecReplicas > d.Replicas) return ScaleReplicaSetAndRecordEvent(newRs, d.Replicas, d);
        var maxSurge = RolloutMath.ScaledValue(d.MaxSurgeValue, d.Replicas, roundUp: true);
        var newReplicasCount = RolloutMath.NewReplicaSetSize(d.Replicas, maxSurge, allRss.SpecSum(), newRs.SpecReplicas);
        return ScaleReplicaSetAndRecordEvent(newRs, newReplicasCount, d);
    }

    /// <summary><c>reconcileOldReplicaSets</c>: first drop unhealthy old replicas, then scale old ReplicaSets down within maxUnavailable.</summary>
    bool ReconcileOldReplicaSets(List<Rs?> allRss, List<Rs> oldRss, Rs newRs, Dep d)
    {
        if (oldRss.SpecSum() == 0) return false;
        var maxScaledDown = RolloutMath.MaxScaledDown(allRss.SpecSum(), d.Replicas, d.MaxUnavailable, newRs.SpecReplicas, newRs.AvailableReplicas);
        if (maxScaledDown <= 0) return false;

        var cleanupCount = CleanupUnhealthyReplicas(oldRss, d, maxScaledDown);
        var scaledDownCount = ScaleDownOldReplicaSetsForRollingUpdate([.. oldRss, newRs], oldRss, d);
        return cleanupCount + scaledDownCount > 0;
    }

    int CleanupUnhealthyReplicas(List<Rs> oldRss, Dep d, int maxCleanupCount)
    {
        oldRss.Sort(Rs.ByCreation);
        var totalScaledDown = 0;
        foreach (var target in oldRss)
        {
            if (totalScaledDown >= maxCleanupCount) break;
            if (target.SpecReplicas == 0) continue;
            if (target.SpecReplicas == target.AvailableReplicas) continue;
            var scaledDownCount = Math.Min(maxCleanupCount - totalScaledDown, target.SpecReplicas - target.AvailableReplicas);
            var newReplicasCount = target.SpecReplicas - scaledDownCount;
            if (newReplicasCount > target.SpecReplicas) throw new InvalidOperationException($"when cleaning up unhealthy replicas, got invalid request to scale down {target.Name} {target.SpecReplicas} -> {newReplicasCount}");
            ScaleReplicaSetAndRecordEvent(target, newReplicasCount, d);
            totalScaledDown += scaledDownCount;
        }
        return totalScaledDown;
    }

    int ScaleDownOldReplicaSetsForRollingUpdate(List<Rs?> allRss, List<Rs> oldRss, Dep d)
    {
        var minAvailable = d.Replicas - d.MaxUnavailable;
        var availablePodCount = allRss.AvailableSum();
        if (availablePodCount <= minAvailable) return 0;
        oldRss.Sort(Rs.ByCreation);
        var totalScaledDown = 0;
        var totalScaleDownCount = availablePodCount - minAvailable;
        foreach (var target in oldRss)
        {
            if (totalScaledDown >= totalScaleDownCount) break;
            if (target.SpecReplicas == 0) continue;
            var scaleDownCount = Math.Min(target.SpecReplicas, totalScaleDownCount - totalScaledDown);
            ScaleReplicaSetAndRecordEvent(target, target.SpecReplicas - scaleDownCount, d);
            totalScaledDown += scaleDownCount;
        }
        return totalScaledDown;
    }

    /// <summary><c>scale</c>: a replicas change outside a rollout, spread proportionally over the active ReplicaSets.</summary>
    void Scale(Dep d, Rs? newRs, List<Rs> oldRss)
    {
        if (FindActiveOrLatest(newRs, oldRss) is { } activeOrLatest)
        {
            if (activeOrLatest.SpecReplicas != d.Replicas) ScaleReplicaSetAndRecordEvent(activeOrLatest, d.Replicas, d);
            return;
        }
        if (IsSaturated(d, newRs))
        {
            foreach (var old in oldRss.Active()) ScaleReplicaSetAndRecordEvent(old, 0, d);
            return;
        }
        if (!d.RollingUpdate) return;

        var allRss = new List<Rs?>([.. oldRss, newRs]).Active();
        var allowedSize = d.Replicas > 0 ? d.Replicas + d.MaxSurge : 0;
        var replicasToAdd = allowedSize - allRss.SpecSum();
        var operation = "";
        if (replicasToAdd > 0)
        {
            allRss.Sort(Rs.BySizeNewer);
            operation = "up";
        }
        else if (replicasToAdd < 0)
        {
            allRss.Sort(Rs.BySizeOlder);
            operation = "down";
        }

        var added = 0;
        var nameToSize = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rs in allRss)
        {
            if (replicasToAdd != 0)
            {
                var fraction = RolloutMath.ReplicaSetFraction(rs.SpecReplicas, d.Replicas, d.MaxSurge, rs.AnnotationInt(Dep.MaxReplicasAnnotation), d.Status.Replicas);
                var proportion = RolloutMath.Proportion(rs.SpecReplicas, fraction, replicasToAdd, added);
                nameToSize[rs.Name] = rs.SpecReplicas + proportion;
                added += proportion;
            }
            else nameToSize[rs.Name] = rs.SpecReplicas;
        }
        for (var i = 0; i < allRss.Count; i++)
        {
            var rs = allRss[i];
            if (i == 0 && replicasToAdd != 0)
                nameToSize[rs.Name] = Math.Max(0, nameToSize[rs.Name] + replicasToAdd - added);
            ScaleReplicaSet(rs, nameToSize[rs.Name], d, operation);
        }
    }

    static Rs? FindActiveOrLatest(Rs? newRs, List<Rs> oldRss)
    {
        if (newRs is null && oldRss.Count == 0) return null;
        var sortedOld = oldRss.OrderByDescending(r => r, Comparer<Rs>.Create(Rs.ByCreation)).ToList();
        var active = new List<Rs?>([.. sortedOld, newRs]).Active();
        return active.Count switch
        {
            0 => newRs ?? sortedOld[0],
            1 => active[0],
            _ => null,
        };
    }

    static bool IsSaturated(Dep d, Rs? rs) =>
        rs is not null && rs.AnnotationInt(Dep.DesiredReplicasAnnotation) is { } desired
        && rs.SpecReplicas == d.Replicas && desired == d.Replicas && rs.AvailableReplicas == d.Replicas;

    bool ScaleReplicaSetAndRecordEvent(Rs rs, int newScale, Dep d)
    {
        if (rs.SpecReplicas == newScale) return false;
        return ScaleReplicaSet(rs, newScale, d, rs.SpecReplicas > newScale ? "down" : "up");
    }

    bool ScaleReplicaSet(Rs rs, int newScale, Dep d, string operation)
    {
        var sizeNeedsUpdate = rs.SpecReplicas != newScale;
        var annotations = new Dictionary<string, string>(rs.Annotations, StringComparer.Ordinal);
        var annotationsNeedUpdate = SetReplicasAnnotations(annotations, d.Replicas, d.Replicas + d.MaxSurge);
        if (!sizeNeedsUpdate && !annotationsNeedUpdate) return false;
        var oldScale = rs.SpecReplicas;
        var written = ctx.Store.Mutate(ResourceKinds.ReplicaSets, rs.Ns, rs.Name, o =>
        {
            o.Obj("spec")["replicas"] = newScale;
            var meta = o.Obj("metadata").Obj("annotations");
            meta[Dep.DesiredReplicasAnnotation] = annotations[Dep.DesiredReplicasAnnotation];
            meta[Dep.MaxReplicasAnnotation] = annotations[Dep.MaxReplicasAnnotation];
        }) ?? throw ApiException.NotFound(ResourceKinds.ReplicaSets, rs.Name);
        rs.Obj = written;
        rs.SpecReplicas = newScale;
        rs.Annotations = annotations;
        if (!sizeNeedsUpdate) return false;
        ctx.Events.Normal(d.Obj, "ScalingReplicaSet", $"Scaled {operation} replica set {rs.Name} to {newScale} from {oldScale}", Component);
        return true;
    }

    /// <summary><c>cleanupDeployment</c>: keep at most revisionHistoryLimit old ReplicaSets, deleting the oldest revisions first.</summary>
    void CleanupDeployment(List<Rs> oldRss, Dep d)
    {
        if (d.RevisionHistoryLimit is not { } limit) return;
        var cleanable = oldRss.Where(r => !r.Obj.IsDeleting()).ToList();
        var diff = cleanable.Count - limit;
        if (diff <= 0) return;
        cleanable.Sort(Rs.ByRevision);
        for (var i = 0; i < diff; i++)
        {
            var rs = cleanable[i];
            if (rs.StatusReplicas != 0 || rs.SpecReplicas != 0 || rs.Generation > rs.ObservedGeneration || rs.Obj.IsDeleting()) continue;
            try
            {
                ctx.Store.Delete(ResourceKinds.ReplicaSets, rs.Ns, rs.Name);
            }
            catch (ApiException e) when (e.Code == 404)
            {
            }
        }
    }

    /// <summary><c>calculateStatus</c>: counts over all owned ReplicaSets and the Available condition.</summary>
    DepStatus CalculateStatus(List<Rs?> allRss, Rs? newRs, Dep d)
    {
        var available = allRss.AvailableSum();
        var status = new DepStatus
        {
            ObservedGeneration = d.Generation,
            Replicas = allRss.StatusSum(),
            UpdatedReplicas = newRs?.StatusReplicas ?? 0,
            ReadyReplicas = allRss.ReadySum(),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, allRss.SpecSum() - available),
            CollisionCount = d.Status.CollisionCount,
            Conditions = [.. d.Status.Conditions],
        };
        status.Set(available >= d.Replicas - d.MaxUnavailable
            ? NewCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
            : NewCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."));
        return status;
    }

    void SyncDeploymentStatus(List<Rs?> allRss, Rs? newRs, Dep d)
    {
        var newStatus = CalculateStatus(allRss, newRs, d);
        if (newStatus.Canonical() == d.Status.Canonical()) return;
        d.Status = newStatus;
        WriteStatus(d);
    }

    /// <summary><c>syncRolloutStatus</c>: status plus the Progressing condition, and the progress-deadline timer.</summary>
    void SyncRolloutStatus(List<Rs?> allRss, Rs? newRs, Dep d)
    {
        var newStatus = CalculateStatus(allRss, newRs, d);
        if (!d.HasProgressDeadline) newStatus.Remove("Progressing");
        var currentCond = d.Status.Get("Progressing");
        var isCompleteDeployment = newStatus.Replicas == newStatus.UpdatedReplicas && currentCond?.Reason == "NewReplicaSetAvailable";
        if (d.HasProgressDeadline && !isCompleteDeployment)
        {
            if (DeploymentComplete(d, newStatus))
            {
                var msg = newRs is not null ? $"ReplicaSet \"{newRs.Name}\" has successfully progressed." : $"Deployment \"{d.Name}\" has successfully progressed.";
                newStatus.Set(NewCondition("Progressing", "True", "NewReplicaSetAvailable", msg));
            }
            else if (DeploymentProgressing(d, newStatus))
            {
                var msg = newRs is not null ? $"ReplicaSet \"{newRs.Name}\" is progressing." : $"Deployment \"{d.Name}\" is progressing.";
                var condition = NewCondition("Progressing", "True", "ReplicaSetUpdated", msg);
                if (currentCond is not null)
                {
                    if (currentCond.Status == "True") condition = condition with { LastTransitionTime = currentCond.LastTransitionTime };
                    newStatus.Remove("Progressing");
                }
                newStatus.Set(condition);
            }
            else if (DeploymentTimedOut(d, newStatus))
            {
                var msg = newRs is not null ? $"ReplicaSet \"{newRs.Name}\" has timed out progressing." : $"Deployment \"{d.Name}\" has timed out progressing.";
                newStatus.Set(NewCondition("Progressing", "False", "ProgressDeadlineExceeded", msg));
            }
        }

        var failure = allRss.OfType<Rs>()
            .Select(r => r.Obj.At("status", "conditions").Objects().FirstOrDefault(c => c["type"].AsString() == "ReplicaFailure" && c["status"].AsString() == "True"))
            .OfType<JsonObject>().FirstOrDefault();
        if (failure is not null)
            newStatus.Set(new Cond("ReplicaFailure", "True", failure["reason"].AsString(), failure["message"].AsString(), Js.Timestamp(ctx.Now), Js.Timestamp(ctx.Now)));
        else newStatus.Remove("ReplicaFailure");

        if (newStatus.Canonical() == d.Status.Canonical())
        {
            RequeueStuckDeployment(d, newStatus);
            return;
        }
        d.Status = newStatus;
        WriteStatus(d);
    }

    void RequeueStuckDeployment(Dep d, DepStatus newStatus)
    {
        var currentCond = d.Status.Get("Progressing");
        if (!d.HasProgressDeadline || currentCond is null) return;
        if (DeploymentComplete(d, newStatus) || currentCond.Reason == "ProgressDeadlineExceeded") return;
        if (currentCond.LastUpdateTime is null || Js.AsTime(JsonValue.Create(currentCond.LastUpdateTime)) is not { } from) return;
        // Timed out means strictly after the deadline, so wake just past it.
        var after = from.AddSeconds(d.ProgressDeadlineSeconds!.Value) - ctx.Now;
        ctx.EnqueueAfter(new WorkItem(Work.Deployment, d.Ns, d.Name), after + TimeSpan.FromMilliseconds(1));
    }

    static bool DeploymentComplete(Dep d, DepStatus s) =>
        s.UpdatedReplicas == d.Replicas && s.Replicas == d.Replicas && s.AvailableReplicas == d.Replicas && s.ObservedGeneration >= d.Generation;

    static bool DeploymentProgressing(Dep d, DepStatus s)
    {
        var old = d.Status;
        var oldStatusOldReplicas = old.Replicas - old.UpdatedReplicas;
        var newStatusOldReplicas = s.Replicas - s.UpdatedReplicas;
        return s.UpdatedReplicas > old.UpdatedReplicas || newStatusOldReplicas < oldStatusOldReplicas
            || s.ReadyReplicas > old.ReadyReplicas || s.AvailableReplicas > old.AvailableReplicas;
    }

    bool DeploymentTimedOut(Dep d, DepStatus s)
    {
        if (!d.HasProgressDeadline) return false;
        var condition = s.Get("Progressing");
        if (condition is null) return false;
        if (condition.Reason == "NewReplicaSetAvailable") return false;
        if (condition.Reason == "ProgressDeadlineExceeded") return true;
        if (Js.AsTime(JsonValue.Create(condition.LastUpdateTime)) is not { } from) return false;
        return from.AddSeconds(d.ProgressDeadlineSeconds!.Value) < ctx.Now;
    }

    Cond NewCondition(string type, string status, string reason, string message)
    {
        var now = Js.Timestamp(ctx.Now);
        return new Cond(type, status, reason, message, now, now);
    }

    /// <summary>
    /// <c>UpdateStatus</c>: the status and the deployment's revision annotation, without bumping generation (the
    /// Deployment status strategy keeps metadata.annotations from the request).
    /// </summary>
    void WriteStatus(Dep d)
    {
        var status = d.Status.ToJson();
        var revision = d.Annotations.GetValueOrDefault(Dep.RevisionAnnotation);
        ctx.Store.MutateObject(ResourceKinds.Deployments, d.Ns, d.Name, o =>
        {
            o["status"] = status;
            if (revision is not null) o.Meta().Obj("annotations")[Dep.RevisionAnnotation] = revision;
        });
    }
}

/// <summary>A sync stopped after a write that will itself queue the object again (a hash collision).</summary>
internal sealed class SyncAbortedException : Exception
{
    public SyncAbortedException() : base("sync aborted; the write it made queues the object again")
    {
    }
}
