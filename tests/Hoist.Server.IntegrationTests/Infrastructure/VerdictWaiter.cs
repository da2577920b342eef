using System.Collections.Concurrent;
using Hoist.Contracts;
using Hoist.Server.Releases;

namespace Hoist.Server.IntegrationTests.Infrastructure;

/// <summary>Hears every verdict from the engine (an <see cref="IReleaseObserver"/>), so tests await it instead of polling.</summary>
public sealed class VerdictWaiter : IReleaseObserver
{
    readonly ConcurrentDictionary<long, TaskCompletionSource<Release>> _verdicts = new();

    public void VerdictReached(Release release) => For(release.Id).TrySetResult(release);

    /// <summary>The first verdict of the release (bounded by a generous timeout).</summary>
    public Task<Release> WaitAsync(long releaseId, TimeSpan? timeout = null) =>
        For(releaseId).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

    public async Task<Release> WaitForAsync(long releaseId, ReleaseStatus expected)
    {
        var release = await WaitAsync(releaseId);
        release.Status.ShouldBe(expected, release.StatusMessage);
        return release;
    }

    TaskCompletionSource<Release> For(long id) => _verdicts.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}
