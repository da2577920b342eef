using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Kubernetes;

/// <summary>
/// One <see cref="KubernetesClusterGateway"/> (one HTTP client, one connection pool) per cloud account, reused
/// across requests and releases. A changed connection (new token, new context) replaces the client.
/// </summary>
public sealed class ClusterGatewayFactory(IOptions<KubernetesOptions> options, TimeProvider time, ILoggerFactory loggers)
    : IClusterGatewayFactory, IRolloutGatewayFactory, IDisposable
{
    readonly ConcurrentDictionary<long, (string Fingerprint, Lazy<KubernetesClusterGateway> Gateway)> _gateways = new();

    public IClusterGateway Get(long cloudAccountId, ClusterConnection connection) => Resolve(cloudAccountId, connection);

    public IRolloutGateway GetRollouts(long cloudAccountId, ClusterConnection connection) => Resolve(cloudAccountId, connection);

    KubernetesClusterGateway Resolve(long id, ClusterConnection connection)
    {
        var fingerprint = Fingerprint(connection);
        while (true)
        {
            var entry = _gateways.GetOrAdd(id, _ => (fingerprint, New(connection)));
            if (entry.Fingerprint == fingerprint) return entry.Gateway.Value;
            if (_gateways.TryUpdate(id, (fingerprint, New(connection)), entry)) Dispose(entry.Gateway);
        }
    }

    Lazy<KubernetesClusterGateway> New(ClusterConnection connection) =>
        new(() => new KubernetesClusterGateway(connection, options.Value, time, loggers.CreateLogger<KubernetesClusterGateway>()));

    public void Evict(long cloudAccountId)
    {
        if (_gateways.TryRemove(cloudAccountId, out var entry)) Dispose(entry.Gateway);
    }

    public void Dispose()
    {
        foreach (var entry in _gateways.Values) Dispose(entry.Gateway);
        _gateways.Clear();
    }

    static void Dispose(Lazy<KubernetesClusterGateway> gateway)
    {
        if (gateway.IsValueCreated) gateway.Value.Dispose();
    }

    // A hash, so that the secrets themselves are not kept twice in memory as dictionary keys.
    static string Fingerprint(ClusterConnection c) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\0', c.Kubeconfig, c.Context, c.Server, c.Token, c.CaData, c.InsecureSkipTlsVerify ? "1" : "0"))));
}
