using System.Threading.Channels;
using Hoist.Contracts;
using Hoist.Server.Kubernetes;

namespace Hoist.Server.Releases;

/// <summary>
/// Runs one claimed release from its stored status to a verdict, one step per status (Orca-style tasks):
/// Queued → Validating → Patching → RollingOut → Succeeded | Failed | TimedOut. Every transition is committed
/// before the next step, so a stopped runner resumes where it left off; Patching is safe to repeat because a
/// workload that already carries this release's annotation is never patched again.
/// </summary>
sealed partial class ReleaseRunner(
    ReleaseStore store,
    IClusterConnectionSource connections,
    IRolloutGatewayFactory gateways,
    ReleaseEngineOptions options,
    TimeProvider time,
    ILogger log,
    RunningRelease run)
{
    readonly ILogger _log = log;

    CancellationToken Ct => run.Cts.Token;
    DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Runs to the next stop; returns the id of a rollback release it queued, if any.</summary>
    public async Task<long?> RunAsync()
    {
        var r = await store.FindAsync(run.Id, Ct);
        if (r is null || r.Status.IsTerminal() || r.Status == ReleaseStatus.RollingBack) return null;
        if (r.CancelRequestedBy is { } requested) run.Cancel(requested);
        try
        {
            IRolloutGateway? gateway = null;
            while (true)
            {
                Ct.ThrowIfCancellationRequested();
                switch (r.Status)
                {
                    case ReleaseStatus.Queued:
                        r.StartValidating(Now);
                        await store.CommitAsync(r, null, Ct);
                        break;
                    case ReleaseStatus.Validating:
                        gateway ??= await GatewayAsync(r);
                        if (gateway is null) return null;
                        await ValidateAsync(r, gateway);
                        break;
                    case ReleaseStatus.Patching:
                        gateway ??= await GatewayAsync(r);
                        if (gateway is null) return null;
                        if (await PatchAsync(r, gateway) is { } afterPatch) return afterPatch;
                        break;
                    case ReleaseStatus.RollingOut:
                        gateway ??= await GatewayAsync(r);
                        if (gateway is null) return null;
                        return await RollOutAsync(r, gateway);
                    default:
                        return null;
                }
            }
        }
        catch (OperationCanceledException) when (run.CancelledBy is { } by && r.CanMoveTo(ReleaseStatus.Cancelled))
        {
            r.Cancel(Now, by);
            await store.CommitAsync(r, null, CancellationToken.None);
            LogCancelled(r.Id);
            return null;
        }
    }

    async Task<IRolloutGateway?> GatewayAsync(Release r)
    {
        var account = await connections.GetAsync(r.CloudAccountId, Ct);
        if (account is not null) return gateways.GetRollouts(r.CloudAccountId, account.Value.Connection);
        await FinishAsync(r, x => x.Fail(Now, FailureReason.ClusterUnreachable, $"failed: cloud account \"{r.CloudAccountName}\" no longer exists"), []);
        return null;
    }

    async Task ValidateAsync(Release r, IRolloutGateway gateway)
    {
        if (!ImageReference.TryParse(r.ImageAfter, out _, out var why))
        {
            await FinishAsync(r, x => x.Fail(Now, FailureReason.ValidationFailed, $"failed: invalid image reference — {why}"), []);
            return;
        }
        var check = await ReleaseTargetValidator.CheckClusterAsync(gateway, r.CloudAccountName, r.Workload, r.Container, Ct);
        if (check.Problem is { } p)
        {
            var reason = p.Code == ProblemCodes.ClusterUnreachable ? FailureReason.ClusterUnreachable : FailureReason.ValidationFailed;
            await FinishAsync(r, x => x.Fail(Now, reason, $"failed: {p.Title} — {p.Detail}"), []);
            return;
        }
        r.ImageBefore = check.CurrentImage(r.Container);
        r.RevisionBefore = Text.Clean(check.State!.Revision, 300);
        r.StartPatching(Now);
        await store.CommitAsync(r, null, Ct);
    }

    /// <summary>Patches (or finds the patch already applied); returns a rollback id only when it finished the release.</summary>
    async Task<long?> PatchAsync(Release r, IRolloutGateway gateway)
    {
        try
        {
            for (var attempt = 1; attempt <= options.MaxPatchAttempts; attempt++)
            {
                var w = await gateway.ReadWorkloadAsync(r.Workload, Ct);
                if (w is null)
                {
                    await FinishAsync(r, x => x.Fail(Now, FailureReason.WorkloadDeleted, $"failed: {r.Kind.Resource()} \"{r.WorkloadName}\" no longer exists in namespace \"{r.Namespace}\""), []);
                    return null;
                }
                if (ImagePatch.CarriesRelease(w, r.Id))
                {
                    // The patch went through before (a lost answer, or a restart after sending it): never send it twice.
                    r.PatchedGeneration ??= w.Generation;
                    r.PatchedAt ??= Now;
                    return await AfterPatchAsync(r, w, "The workload already carries this release's patch");
                }
                var current = w.ImageOf(r.Container);
                if (current is null)
                {
                    await FinishAsync(r, x => x.Fail(Now, FailureReason.ValidationFailed, $"failed: container \"{r.Container}\" no longer exists in {r.Kind.Resource()}/{r.WorkloadName}"), []);
                    return null;
                }
                r.ImageBefore = current;
                var unchanged = ImageReference.SameImage(current, r.ImageAfter);
                var canRestart = r.Kind is not (WorkloadKind.Pod or WorkloadKind.CronJob);
                if (unchanged && !(r.RestartIfUnchanged && canRestart))
                {
                    var note = r.RestartIfUnchanged ? $" (a {r.Kind} has no pods to restart)" : "";
                    r.Succeed(Now, $"image unchanged: container \"{r.Container}\" already runs {current}{note}");
                    await store.CommitAsync(r, null, Ct);
                    return null;
                }

                var body = ImagePatch.Build(w, new ImageChange
                {
                    Container = r.Container,
                    Image = r.ImageAfter,
                    ReleaseId = r.Id,
                    ChangeCause = ChangeCause(r, current),
                    RestartedAt = unchanged ? Now : null,
                })!;
                r.PatchSent = body;
                var result = await gateway.PatchAsync(r.Workload, body, Ct);
                switch (result.Outcome)
                {
                    case PatchOutcome.Applied:
                        LogPatched(r.Id, attempt);
                        r.PatchedGeneration = result.Workload?.Generation ?? w.Generation + 1;
                        r.PatchedAt = Now;
                        return await AfterPatchAsync(r, result.Workload ?? w,
                            unchanged ? $"Restarting pods of {r.Kind.Resource()}/{r.WorkloadName} (image {current} unchanged)" : $"Patched container \"{r.Container}\": {current} → {r.ImageAfter}");
                    case PatchOutcome.NotFound:
                        continue; // re-read: reports the deletion
                    case PatchOutcome.Conflict:
                        LogConflict(r.Id, attempt);
                        continue;
                }
            }
            await FinishAsync(r, x => x.Fail(Now, FailureReason.PatchFailed, $"failed: the workload kept changing; {options.MaxPatchAttempts} patch attempts met a conflict"), []);
            return null;
        }
        catch (ClusterUnreachableException e)
        {
            await FinishAsync(r, x => x.Fail(Now, FailureReason.ClusterUnreachable, $"failed: cluster unreachable — {e.Message}"), []);
            return null;
        }
        catch (ClusterRequestException e)
        {
            await FinishAsync(r, x => x.Fail(Now, FailureReason.PatchFailed, $"failed: the cluster refused the patch — {e.Message}"), []);
            return null;
        }
    }

    async Task<long?> AfterPatchAsync(Release r, WorkloadState w, string message)
    {
        if (r.Kind == WorkloadKind.CronJob)
        {
            // A CronJob has nothing to roll out: the next job simply uses the new template.
            r.Succeed(Now, RolloutHealth.CronJobMessage(w, Now));
            await store.CommitAsync(r, null, Ct);
            return null;
        }
        r.StartRollingOut(Now, message);
        await store.CommitAsync(r, null, Ct);
        return null;
    }

    static string ChangeCause(Release r, string before)
    {
        var cause = $"Hoist release #{r.Id}: {r.Container} {before} → {r.ImageAfter}";
        if (r.RollbackOfId is { } of) cause += $" (rollback of release #{of})";
        else if (r.BuildNumber is not null) cause += $" ({r.Pipeline} build {r.BuildNumber})";
        return cause;
    }

    async Task<long?> RollOutAsync(Release r, IRolloutGateway gateway)
    {
        var target = new RolloutTarget(r.Kind, r.WorkloadName, r.Container, r.ImageAfter, r.PatchedGeneration ?? 0);
        var deadline = (r.StartedAt ?? r.CreatedAt) + r.Timeout;
        var tracker = new FailureTracker(options.FailureGracePeriod);
        var snapshots = Channel.CreateBounded<RolloutSnapshot>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest, // only the newest state matters for the verdict
            SingleReader = true,
            SingleWriter = true,
        });
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pump = PumpAsync(gateway.WatchRolloutAsync(r.Workload, watching.Token), snapshots.Writer, watching.Token);
        try
        {
            RolloutSnapshot? last = null;
            RolloutAssessment? assessed = null;
            string? said = null;
            var replaced = new HashSet<string>(StringComparer.Ordinal);
            var warned = new HashSet<string>(StringComparer.Ordinal);
            Task<bool>? more = null;
            while (true)
            {
                var now = Now;
                if (tracker.Confirmed(now) is { } confirmed) return await FailOnAsync(r, confirmed, last, target, gateway);
                if (now >= deadline)
                {
                    var state = assessed?.Message ?? "no status was read from the cluster";
                    var text = assessed is null ? "" : $" ({assessed.ProgressText})";
                    if (last is not null) RecordOutcome(r, last, target, null);
                    return await FinishAsync(r, x => x.TimeOut(Now, $"timed out after {Format(r.Timeout)}: {state}{text}"), []);
                }

                if (snapshots.Reader.TryRead(out var snapshot))
                {
                    last = snapshot;
                    assessed = RolloutHealth.Evaluate(snapshot, target);
                    LogAssessed(r.Id, assessed.Phase, assessed.Message);
                    if (assessed.Phase == RolloutPhase.Complete)
                    {
                        RecordOutcome(r, snapshot, target, assessed);
                        var events = assessed.ProgressText == said ? [] : new List<NewReleaseEvent> { Progress(assessed) };
                        r.Succeed(Now, assessed.Message);
                        await store.CommitAsync(r, events, CancellationToken.None);
                        LogSucceeded(r.Id);
                        return null;
                    }
                    if (assessed.Failure is { } immediate) return await FailOnAsync(r, immediate, snapshot, target, gateway);
                    tracker.Observe(assessed.Suspects, now);
                    var lines = Warnings(snapshot, assessed, warned);
                    if (assessed.ProgressText != said)
                    {
                        said = assessed.ProgressText;
                        lines.Insert(0, Progress(assessed));
                    }
                    if (lines.Count > 0) await store.CommitAsync(r, lines, Ct);
                    if (assessed.PodToReplace is { } old && replaced.Add(old))
                    {
                        await gateway.DeletePodAsync(r.Namespace, old, Ct);
                        await store.CommitAsync(r, [new NewReleaseEvent(ReleaseEvent.ProgressType, $"Replacing pod {old} so the ReplicaSet recreates it from the new template", assessed.Progress)], Ct);
                    }
                    continue;
                }

                more ??= snapshots.Reader.WaitToReadAsync(Ct).AsTask();
                var wake = tracker.NextDeadline is { } d && d < deadline ? d : deadline;
                using (var pause = CancellationTokenSource.CreateLinkedTokenSource(Ct))
                {
                    var delay = wake - Now;
                    var timer = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time, pause.Token);
                    // The clock may have moved between reading it and arming the timer; then do not wait at all.
                    if (Now < wake) await Task.WhenAny(more, timer);
                    await pause.CancelAsync();
                }
                if (more.IsCompleted)
                {
                    if (!await more) throw new ClusterUnreachableException("the rollout watch ended");
                    more = null;
                }
            }
        }
        catch (ClusterRequestException e)
        {
            return await FinishAsync(r, x => x.Fail(Now, FailureReason.ClusterUnreachable, $"failed: cannot watch the rollout — {e.Message}"), []);
        }
        finally
        {
            await watching.CancelAsync();
            try { await pump; } catch (Exception) { /* the pump's error was already surfaced through the channel */ }
        }
    }

    static async Task PumpAsync(IAsyncEnumerable<RolloutSnapshot> source, ChannelWriter<RolloutSnapshot> into, CancellationToken ct)
    {
        try
        {
            await foreach (var s in source.WithCancellation(ct)) await into.WriteAsync(s, ct);
            into.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            into.TryComplete();
        }
        catch (Exception e)
        {
            into.TryComplete(e);
        }
    }

    async Task<long?> FailOnAsync(Release r, FailureSignal signal, RolloutSnapshot? snapshot, RolloutTarget target, IRolloutGateway gateway)
    {
        var events = new List<NewReleaseEvent>();
        var message = signal.Message;
        if (signal is { Reason: FailureReason.CrashLoop, Pod: { } pod, Container: { } container } && options.CrashLogLines > 0)
        {
            var lines = await LogLinesAsync(gateway, r.Namespace, pod, container);
            if (lines.Count > 0)
            {
                r.FailureLog = string.Join('\n', lines);
                events.Add(new NewReleaseEvent(ReleaseEvent.LogType, $"Last log lines of {pod}/{container}:\n{r.FailureLog}"));
                message += $"; last log line: {lines[^1]}";
            }
        }
        if (snapshot is not null) RecordOutcome(r, snapshot, target, null);
        LogFailed(r.Id, signal.Reason);
        return await FinishAsync(r, x => x.Fail(Now, signal.Reason, message), events);
    }

    async Task<IReadOnlyList<string>> LogLinesAsync(IRolloutGateway gateway, string ns, string pod, string container)
    {
        try
        {
            var lines = await gateway.ReadLogLinesAsync(ns, pod, container, previous: true, options.CrashLogLines, Ct);
            if (lines.Count == 0) lines = await gateway.ReadLogLinesAsync(ns, pod, container, previous: false, options.CrashLogLines, Ct);
            return lines.Select(l => Text.Clean(l, 500) ?? "").ToList();
        }
        catch (Exception e) when (e is ClusterUnreachableException or ClusterRequestException)
        {
            return [];
        }
    }

    /// <summary>
    /// Applies a terminal transition and commits it. A failed release that asked for it is rolled back in the
    /// same transaction: it moves on to RollingBack and a rollback release is queued (its id is returned).
    /// </summary>
    async Task<long?> FinishAsync(Release r, Action<Release> verdict, IReadOnlyList<NewReleaseEvent> events)
    {
        verdict(r);
        if (r.Status is ReleaseStatus.Failed or ReleaseStatus.TimedOut && r.RollbackOnFailure && r.RollbackOfId is null
            && r.PatchedAt is not null && r.ImageBefore is not null && !ImageReference.SameImage(r.ImageBefore, r.ImageAfter))
        {
            var rollback = await store.CreateRollbackAsync(r, ReleaseEngine.RollbackSpec(r, null), events, CancellationToken.None);
            return rollback.Id;
        }
        await store.CommitAsync(r, events, CancellationToken.None);
        return null;
    }

    static void RecordOutcome(Release r, RolloutSnapshot s, RolloutTarget target, RolloutAssessment? assessed)
    {
        assessed ??= RolloutHealth.Evaluate(s, target);
        r.RunningDigest = RolloutHealth.RunningDigest(assessed.NewPods, r.Container);
        r.RevisionAfter = Text.Clean(s.Workload?.Revision ?? s.NewRevision, 300);
        r.Pods.Clear();
        foreach (var p in s.Pods.Take(200))
        {
            var problem = p.Containers.FirstOrDefault(c => c.State is "waiting" or "terminated" && c.Reason is not null && !(c.IsInit && c.ExitCode == 0));
            var unscheduled = p.Scheduled is { Status: "False" } ? p.Scheduled : null;
            r.Pods.Add(new ReleasePod
            {
                Name = p.Name,
                Revision = p.Revision,
                New = RolloutHealth.IsNew(p, s, target),
                Phase = p.Phase,
                Ready = p.Ready,
                Reason = Text.Clean(unscheduled?.Reason ?? problem?.Reason, 100),
                Message = Text.Clean(unscheduled?.Message ?? problem?.Message, 1000),
                Restarts = p.Containers.Sum(c => c.Restarts),
                ImageId = Text.Clean(p.Containers.FirstOrDefault(c => c.Name == r.Container)?.ImageId, 600),
            });
        }
    }

    /// <summary>Warning events about the workload or its new pods, each (object, reason) once: the story behind the counts.</summary>
    static List<NewReleaseEvent> Warnings(RolloutSnapshot s, RolloutAssessment a, HashSet<string> warned)
    {
        var newPods = a.NewPods.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var lines = new List<NewReleaseEvent>();
        foreach (var e in s.Events.Where(e => e.Type == "Warning").OrderBy(e => e.LastSeen))
        {
            var ours = newPods.Contains(e.ObjectName) || (e.ObjectName == s.Workload?.Ref.Name && e.ObjectKind == s.Workload.Ref.Kind.ToString());
            if (!ours || !warned.Add($"{e.ObjectKind}/{e.ObjectName}/{e.Reason}")) continue;
            lines.Add(new NewReleaseEvent(ReleaseEvent.ProgressType,
                $"Warning {Text.Clean(e.Reason, 60)} {e.ObjectKind.ToLowerInvariant()}/{e.ObjectName}: {Text.Clean(e.Message, 300)}", a.Progress));
        }
        return lines;
    }

    static NewReleaseEvent Progress(RolloutAssessment a) => new(ReleaseEvent.ProgressType, a.ProgressText, a.Progress);

    static string Format(TimeSpan t) => t.TotalMinutes >= 1 && t.Seconds == 0 ? $"{(int)t.TotalMinutes}m" : $"{(int)t.TotalSeconds}s";

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} patched (attempt {Attempt})")]
    partial void LogPatched(long releaseId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId}: the workload changed before the patch (attempt {Attempt}); re-reading")]
    partial void LogConflict(long releaseId, int attempt);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Release {ReleaseId}: {Phase} {Message}")]
    partial void LogAssessed(long releaseId, RolloutPhase phase, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} succeeded")]
    partial void LogSucceeded(long releaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} failed: {Reason}")]
    partial void LogFailed(long releaseId, FailureReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} cancelled")]
    partial void LogCancelled(long releaseId);
}
