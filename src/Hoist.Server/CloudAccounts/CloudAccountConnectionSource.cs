using Hoist.Server.Data;
using Hoist.Server.Kubernetes;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.CloudAccounts;

/// <summary>
/// The engine's way to a cloud account's decrypted connection. A singleton (the engine is one), so it opens
/// its own scope per call.
/// </summary>
sealed class CloudAccountConnectionSource(IServiceScopeFactory scopes, CloudAccountSecrets secrets) : IClusterConnectionSource
{
    public async Task<(string Name, ClusterConnection Connection)?> GetAsync(long cloudAccountId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        var account = await db.CloudAccounts.AsNoTracking()
            .Where(c => c.Id == cloudAccountId)
            .Select(c => new { c.Name, c.ProtectedConnection })
            .FirstOrDefaultAsync(ct);
        if (account is null) return null;
        var connection = secrets.Unprotect(account.ProtectedConnection);
        return connection is null ? null : (account.Name, connection);
    }
}
