using Hoist.Sandbox.Store;

namespace Hoist.Sandbox;

/// <summary>Settings of one sandbox cluster; the command line maps onto these one to one.</summary>
public sealed class SandboxOptions
{
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>How long a scheduled pod takes to become Running and Ready.</summary>
    public TimeSpan PodStartDelay { get; set; } = TimeSpan.Zero;

    /// <summary>What <c>/version</c> reports; the kubectl dispatcher picks its binary from it.</summary>
    public string KubeVersion { get; set; } = "1.33";

    public int Nodes { get; set; } = 3;

    /// <summary>YAML files or folders applied at start.</summary>
    public List<string> Manifests { get; } = [];

    /// <summary>When set, every request must carry <c>Authorization: Bearer &lt;token&gt;</c> (else 401).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Clock for controllers and the kubelet; tests pass a FakeTimeProvider.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
