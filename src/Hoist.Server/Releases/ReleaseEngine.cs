using System.Collections.Concurrent;
using System.Threading.Channels;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Releases;

/// <summary>A command on a release that cannot be done (unknown release, nothing to roll back).</summary>
public sealed class ReleaseCommandException(string code, int status, string message) : InvalidOperationException(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;
}

/// <summary>
/// Runs releases. A scheduler loop (like eShop's GracePeriodManagerService) wakes when a release is queued, when
/// one finishes, and every <see cref="ReleaseEngineOptions.TakeoverInterval"/>; for each workload it picks the
/// first waiting release, claims it with a lease (<see cref="ReleaseLease"/>: an atomic conditional UPDATE, so
/// replicas sharing one database never run the same release twice) and runs it with a <see cref="ReleaseRunner"/>.
/// A rollback release goes right after the release it rolls back. At start-up the same loop resumes whatever was
/// left. A runner that crashes is retried after a back-off that doubles up to a minute, holding its lease meanwhile
/// so that other replicas wait too.
/// </summary>
public sealed partial class ReleaseEngine(
    ReleaseStore store,
    IClusterConnectionSource connections,
    IRolloutGatewayFactory gateways,
    IOptions<ReleaseEngineOptions> options,
    TimeProvider time,
    ILogger<ReleaseEngine> log) : BackgroundService, IReleaseNotifier, IReleaseCommands
{
    static readonly ReleaseStatus[] Active = [ReleaseStatus.Queued, ReleaseStatus.Validating, ReleaseStatus.Patching, ReleaseStatus.RollingOut, ReleaseStatus.RollingBack];

    readonly Channel<long> _wake = Channel.CreateUnbounded<long>();
    readonly ConcurrentDictionary<long, RunningRelease> _running = new();
    // A runner that crashed (a database error, a bug) is not restarted at once: 1 s, 2 s, 4 s … up to a minute.
    readonly ConcurrentDictionary<long, (int Failures, DateTimeOffset NotBefore)> _backoff = new();
    static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    readonly ReleaseEngineOptions _options = options.Value;
    readonly ILogger _log = log;

    /// <summary>This replica's name in leases.</summary>
    public string InstanceId { get; } = Truncate(options.Value.InstanceId ?? $"{Environment.MachineName}-{Guid.NewGuid():N}", 100);

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>Releases this replica is running now.</summary>
    public IReadOnlyCollection<long> Running => _running.Keys.ToList();

    public void ReleaseQueued(long releaseId) => _wake.Writer.TryWrite(releaseId);

    /// <summary>Stores a new release and wakes the engine: the whole "create and queue" path for callers that have a spec.</summary>
    public async Task<Release> QueueAsync(ReleaseSpec spec, CancellationToken ct)
    {
        var release = await store.AddAsync(spec, ct);
        ReleaseQueued(release.Id);
        return release;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(InstanceId);
        while (!stoppingToken.IsCancellationRequested)
        {
            var passStarted = time.GetUtcNow();
            var nextCheck = passStarted + _options.TakeoverInterval;
            while (_wake.Reader.TryRead(out _)) { }
            try
            {
                await ScheduleAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogScheduleFailed(e);
            }

            // Wake when a back-off ends. Compared with the pass's start, not with now: a back-off that ended while
            // the pass ran may have been skipped by it, and must not wait for the next takeover check.
            foreach (var wait in _backoff.Values)
                if (wait.NotBefore > passStarted && wait.NotBefore < nextCheck) nextCheck = wait.NotBefore;
            using var pause = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var woken = _wake.Reader.WaitToReadAsync(pause.Token).AsTask();
            var due = nextCheck - time.GetUtcNow();
            var timer = Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, time, pause.Token);
            if (time.GetUtcNow() < nextCheck) await Task.WhenAny(woken, timer);
            await pause.CancelAsync();
        }

        // Stopping: runners see the token, leave their releases where they are and give up their leases.
        await Task.WhenAll(_running.Values.Select(r => r.Task));
    }

    sealed record Candidate(long Id, long CloudAccountId, string Namespace, WorkloadKind Kind, string WorkloadName, long? RollbackOfId, ReleaseStatus Status, string? LeaseOwner, DateTimeOffset? LeaseExpiresAt)
    {
        public WorkloadKey Key => new(CloudAccountId, Namespace, Kind, WorkloadName);
    }

    async Task ScheduleAsync(CancellationToken stop)
    {
        var candidates = await store.ReadAsync((db, c) => db.Releases.AsNoTracking()
            .Where(r => Active.Contains(r.Status))
            .Select(r => new Candidate(r.Id, r.CloudAccountId, r.Namespace, r.Kind, r.WorkloadName, r.RollbackOfId, r.Status, r.LeaseOwner, r.LeaseExpiresAt))
            .ToListAsync(c), stop);

        var now = time.GetUtcNow();
        // Back-offs of releases that ended elsewhere (another replica, a cancel) are no longer needed.
        var active = candidates.Select(c => c.Id).ToHashSet();
        foreach (var id in _backoff.Keys)
            if (!active.Contains(id)) _backoff.TryRemove(id, out _);
        // A release waiting for its rollback (RollingBack) is not itself run; its rollback release is.
        foreach (var queue in candidates.Where(c => c.Status != ReleaseStatus.RollingBack).GroupBy(c => c.Key))
        {
            var head = queue.OrderBy(c => c.RollbackOfId ?? c.Id).ThenBy(c => c.Id).First();
            if (_running.ContainsKey(head.Id)) continue;
            if (_backoff.TryGetValue(head.Id, out var wait) && wait.NotBefore > now) continue;
            if (_running.Values.Any(r => r.Key == head.Key)) continue;
            if (head.LeaseOwner is not null && head.LeaseOwner != InstanceId && head.LeaseExpiresAt > now) continue;
            if (!await TryClaimAsync(head.Id, stop)) continue;
            Start(head.Id, head.Key, stop);
        }
    }

    async Task<bool> TryClaimAsync(long id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var claimed = await store.ReadAsync((db, c) => ReleaseLease.ClaimAsync(db, id, InstanceId, now, now + _options.LeaseDuration, c), ct);
        return claimed == 1;
    }

    Task ReleaseLeaseAsync(long id) =>
        store.ReadAsync((db, c) => ReleaseLease.GiveUpAsync(db, id, InstanceId, c), CancellationToken.None);

    Task HoldLeaseAsync(long id, DateTimeOffset until) =>
        store.ReadAsync((db, c) => ReleaseLease.ExtendAsync(db, id, InstanceId, until, c), CancellationToken.None);

    void Start(long id, WorkloadKey key, CancellationToken stop)
    {
        var run = new RunningRelease(id, key, CancellationTokenSource.CreateLinkedTokenSource(stop));
        if (!_running.TryAdd(id, run)) return;
        run.Task = Task.Run(async () =>
        {
            LogRunning(id, key.Kind, key.Name);
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(run.Cts.Token);
            var renew = RenewLeaseAsync(run, renewal.Token);
            DateTimeOffset? retryAt = null;
            try
            {
                var runner = new ReleaseRunner(store, connections, gateways, _options, time, _log, run);
                var follow = await runner.RunAsync();
                _backoff.TryRemove(id, out _);
                if (follow is { } next) ReleaseQueued(next);
            }
            catch (Exception e) when (run.Cts.IsCancellationRequested)
            {
                LogRunnerStopped(id, e.GetType().Name);
            }
            catch (Exception e)
            {
                var failures = (_backoff.TryGetValue(id, out var previous) ? previous.Failures : 0) + 1;
                var delay = Backoff(failures);
                retryAt = time.GetUtcNow() + delay;
                _backoff[id] = (failures, retryAt.Value);
                LogRunnerFailed(e, id, failures, delay);
            }
            finally
            {
                await renewal.CancelAsync();
                try { await renew; } catch (OperationCanceledException) { }
                // After a crash the lease is kept until the retry, so no other replica retries sooner; if this one
                // dies meanwhile, the lease simply runs out then.
                try { await (retryAt is { } until ? HoldLeaseAsync(id, until) : ReleaseLeaseAsync(id)); }
                catch (Exception e) { LogLeaseReleaseFailed(e, id); }
                _running.TryRemove(id, out _);
                run.Cts.Dispose();
                run.Done.TrySetResult();
                ReleaseQueued(id);
            }
        }, CancellationToken.None);
    }

    /// <summary>1 s, 2 s, 4 s … after the first, second, third crash in a row, never more than a minute.</summary>
    internal static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, failures - 1)));

    // Keeps the claim alive while running; a lost lease (another replica took over) stops this runner without
    // any transition, and a cancel request written by another replica is honoured here. A renewal that fails (the
    // database did not answer) is tried again next period while the lease still holds; once the next try would
    // come too late, the runner stops, before another replica can take the release over.
    async Task RenewLeaseAsync(RunningRelease run, CancellationToken ct)
    {
        var period = _options.LeaseDuration / 3;
        var heldUntil = time.GetUtcNow() + _options.LeaseDuration;
        var me = InstanceId;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(period, time, ct);
            var until = time.GetUtcNow() + _options.LeaseDuration;
            int renewed;
            string? cancelBy;
            try
            {
                (renewed, cancelBy) = await store.ReadAsync(async (db, c) =>
                {
                    var rows = await ReleaseLease.ExtendAsync(db, run.Id, me, until, c);
                    var by = await db.Releases.Where(r => r.Id == run.Id).Select(r => r.CancelRequestedBy).FirstOrDefaultAsync(c);
                    return (rows, by);
                }, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Another try is worth it only if it comes well before the lease runs out (half a period of slack
                // for late timers and slow answers); with the default third, that is one retry.
                if (time.GetUtcNow() + period < heldUntil - period / 2)
                {
                    LogLeaseRenewalFailed(e, run.Id);
                    continue;
                }
                LogLeaseRunningOut(e, run.Id);
                run.Stop();
                return;
            }
            if (renewed == 0)
            {
                LogLeaseLost(run.Id);
                run.Stop();
                return;
            }
            heldUntil = until;
            if (cancelBy is not null) run.Cancel(cancelBy);
        }
    }

    public async Task<Release> RollbackAsync(long releaseId, long? requestedByUserId, CancellationToken ct)
    {
        var release = await store.FindAsync(releaseId, ct)
            ?? throw new ReleaseCommandException(ProblemCodes.NotFound, 404, $"release #{releaseId} does not exist");
        if (release.RolledBackById is { } existing)
            return await store.FindAsync(existing, ct) ?? throw new ReleaseCommandException(ProblemCodes.NotFound, 404, $"release #{existing} does not exist");
        if (release.Status is not (ReleaseStatus.Failed or ReleaseStatus.TimedOut or ReleaseStatus.Succeeded))
            throw new InvalidReleaseTransitionException(release.Id, release.Status, ReleaseStatus.RollingBack);
        if (release.PatchedAt is null || release.ImageBefore is null)
            throw new ReleaseCommandException(ProblemCodes.Conflict, 409, $"release #{release.Id} never changed the workload, so there is nothing to roll back");
        var rollback = await store.CreateRollbackAsync(release, RollbackSpec(release, requestedByUserId), null, ct);
        LogRollbackQueued(release.Id, rollback.Id);
        ReleaseQueued(rollback.Id);
        return rollback;
    }

    public async Task<Release> CancelAsync(long releaseId, string requestedBy, CancellationToken ct)
    {
        var release = await store.FindAsync(releaseId, ct)
            ?? throw new ReleaseCommandException(ProblemCodes.NotFound, 404, $"release #{releaseId} does not exist");
        if (!release.CanMoveTo(ReleaseStatus.Cancelled))
            throw new InvalidReleaseTransitionException(release.Id, release.Status, ReleaseStatus.Cancelled);

        if (_running.TryGetValue(releaseId, out var run))
        {
            run.Cancel(requestedBy);
            await run.Done.Task.WaitAsync(ct);
        }
        else if (await TryClaimAsync(releaseId, ct))
        {
            try
            {
                var fresh = await store.FindAsync(releaseId, ct);
                if (fresh is not null && fresh.CanMoveTo(ReleaseStatus.Cancelled))
                {
                    fresh.Cancel(time.GetUtcNow(), requestedBy);
                    await store.CommitAsync(fresh, null, ct);
                }
            }
            finally
            {
                await ReleaseLeaseAsync(releaseId);
                ReleaseQueued(releaseId);
            }
        }
        else
        {
            // Another replica runs it: leave the request where its lease renewal will read it.
            await store.ReadAsync((db, c) => db.Releases.Where(r => r.Id == releaseId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequestedBy, requestedBy), c), ct);
        }
        return await store.FindAsync(releaseId, ct) ?? release;
    }

    internal static ReleaseSpec RollbackSpec(Release r, long? userId) => new()
    {
        ProjectId = r.ProjectId,
        BuildPlanId = r.BuildPlanId,
        CredentialId = r.CredentialId,
        TriggeredByUserId = userId ?? r.TriggeredByUserId,
        Application = r.Application,
        Pipeline = r.Pipeline,
        BuildNumber = r.BuildNumber,
        GitCommit = r.GitCommit,
        BuildUrl = r.BuildUrl,
        CloudAccountId = r.CloudAccountId,
        CloudAccountName = r.CloudAccountName,
        Workload = r.Workload,
        Container = r.Container,
        Image = r.ImageBefore!,
        RollbackOnFailure = false,
        RestartIfUnchanged = false,
        Timeout = r.Timeout,
        RollbackOfId = r.Id,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Release engine {InstanceId} started")]
    partial void LogStarted(string instanceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling releases failed; retrying")]
    partial void LogScheduleFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Running release {ReleaseId} on {Kind} {Workload}")]
    partial void LogRunning(long releaseId, WorkloadKind kind, string workload);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} stopped ({Cause}); it resumes from its stored state")]
    partial void LogRunnerStopped(long releaseId, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Release {ReleaseId} stopped unexpectedly ({Failures} time(s) in a row); it resumes from its stored state in {Delay}")]
    partial void LogRunnerFailed(Exception e, long releaseId, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give up the lease on release {ReleaseId}; it expires by itself")]
    partial void LogLeaseReleaseFailed(Exception e, long releaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease on release {ReleaseId} was taken over by another replica")]
    partial void LogLeaseLost(long releaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease on release {ReleaseId}; trying again while it holds")]
    partial void LogLeaseRenewalFailed(Exception e, long releaseId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not renew the lease on release {ReleaseId} before it runs out; stopping here so that another replica can take it over")]
    partial void LogLeaseRunningOut(Exception e, long releaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Release {ReleaseId} is rolled back by release {RollbackId}")]
    partial void LogRollbackQueued(long releaseId, long rollbackId);
}

/// <summary>One release this replica is running: how to stop it, and why it was stopped.</summary>
public sealed class RunningRelease(long id, WorkloadKey key, CancellationTokenSource cts)
{
    public long Id { get; } = id;
    public WorkloadKey Key { get; } = key;
    public CancellationTokenSource Cts { get; } = cts;
    public Task Task { get; set; } = Task.CompletedTask;
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a user cancelled: the runner then records Cancelled; otherwise a stop leaves the release to resume.</summary>
    public string? CancelledBy { get; private set; }

    public void Cancel(string by)
    {
        CancelledBy ??= by;
        Stop();
    }

    public void Stop()
    {
        try { Cts.Cancel(); } catch (ObjectDisposedException) { }
    }
}
