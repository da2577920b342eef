using Microsoft.Extensions.Time.Testing;

namespace Hoist.Server.Tests.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells when something starts waiting for a given moment (a timer or
/// <c>Task.Delay</c> due then): how a test knows that the engine went to sleep until exactly that time.
/// </summary>
public sealed class WatchedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    readonly Lock _gate = new();
    readonly HashSet<DateTimeOffset> _armed = [];
    readonly List<(DateTimeOffset Due, TaskCompletionSource Armed)> _waiters = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            var due = GetUtcNow() + dueTime;
            lock (_gate)
            {
                _armed.Add(due);
                foreach (var w in _waiters.Where(w => w.Due == due)) w.Armed.TrySetResult();
                _waiters.RemoveAll(w => w.Due == due);
            }
        }
        return timer;
    }

    /// <summary>Completes once a timer due at <paramref name="due"/> has been created (now or earlier).</summary>
    public Task TimerArmedAsync(DateTimeOffset due)
    {
        lock (_gate)
        {
            if (_armed.Contains(due)) return Task.CompletedTask;
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((due, tcs));
            return tcs.Task;
        }
    }

    /// <summary>Every moment a timer was set for, in order.</summary>
    public IReadOnlyList<DateTimeOffset> ArmedTimes()
    {
        lock (_gate) return _armed.Order().ToList();
    }
}
