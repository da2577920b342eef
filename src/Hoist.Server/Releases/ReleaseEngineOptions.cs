using System.ComponentModel.DataAnnotations;

namespace Hoist.Server.Releases;

/// <summary>The release engine's settings, section <c>Engine</c>.</summary>
public sealed class ReleaseEngineOptions
{
    /// <summary>
    /// How long a failure (ImagePullBackOff, CrashLoopBackOff, …) on a pod of the new revision must persist
    /// before it fails the release: long enough to ride out one flaky pull, short enough to name the cause in seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FailureGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Release timeout when the request does not give one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a replica's claim on a release lasts without renewal; renewed at a third of it while running.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often to look for releases whose holder stopped renewing (another replica died).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TakeoverInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Re-read-and-retry rounds after a 409 on the patch.</summary>
    [Range(1, 50)]
    public int MaxPatchAttempts { get; set; } = 8;

    /// <summary>Log lines kept with a CrashLoop verdict.</summary>
    [Range(0, 200)]
    public int CrashLogLines { get; set; } = 20;

    /// <summary>Identifies this replica in leases; defaults to host name plus a random suffix.</summary>
    public string? InstanceId { get; set; }
}
