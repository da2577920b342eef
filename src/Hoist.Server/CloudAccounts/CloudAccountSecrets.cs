using System.Security.Cryptography;
using System.Text.Json;
using Hoist.Server.Kubernetes;
using Microsoft.AspNetCore.DataProtection;

namespace Hoist.Server.CloudAccounts;

/// <summary>Encrypts and decrypts a cloud account's connection with Data Protection (keys in the database).</summary>
public sealed class CloudAccountSecrets(IDataProtectionProvider provider)
{
    public const string Purpose = "Hoist.CloudAccounts.Connection.v1";
    readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(ClusterConnection connection) => _protector.Protect(JsonSerializer.Serialize(connection));

    /// <summary>The connection, or null when the ciphertext cannot be read (e.g. the key ring was lost).</summary>
    public ClusterConnection? Unprotect(string ciphertext)
    {
        try
        {
            return JsonSerializer.Deserialize<ClusterConnection>(_protector.Unprotect(ciphertext));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
