using System.Text.Json.Serialization;
using Hoist.Server.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.CloudAccounts;

[JsonConverter(typeof(JsonStringEnumConverter<CloudAccountKind>))]
public enum CloudAccountKind { Kubeconfig, Token }

[JsonConverter(typeof(JsonStringEnumConverter<ConnectionStatus>))]
public enum ConnectionStatus { Unchecked, Ok, MissingPermissions, Unreachable }

/// <summary>
/// 云账号: one Kubernetes cluster a team deploys to. The connection (kubeconfig or token, CA) is kept only as
/// Data Protection ciphertext; what is readable here (server URL, context) is not secret.
/// </summary>
public sealed class CloudAccount
{
    public long Id { get; set; }
    public long TeamId { get; set; }
    public string Name { get; set; } = "";
    public CloudAccountKind Kind { get; set; }
    /// <summary>The API server URL, for display.</summary>
    public string Server { get; set; } = "";
    public string? Context { get; set; }
    /// <summary>The serialized ClusterConnection, protected with purpose <see cref="CloudAccountSecrets.Purpose"/>.</summary>
    public string ProtectedConnection { get; set; } = "";
    public ConnectionStatus Status { get; set; }
    public string? StatusReason { get; set; }
    public string? ServerVersion { get; set; }
    public DateTimeOffset? CheckedAt { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

sealed class CloudAccountConfiguration : IEntityTypeConfiguration<CloudAccount>
{
    public void Configure(EntityTypeBuilder<CloudAccount> b)
    {
        b.ToTable("CloudAccounts");
        b.Property(c => c.Name).HasMaxLength(63);
        b.HasIndex(c => new { c.TeamId, c.Name }).IsUnique();
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(c => c.Server).HasMaxLength(500);
        b.Property(c => c.Context).HasMaxLength(253);
        b.Property(c => c.StatusReason).HasMaxLength(500);
        b.Property(c => c.ServerVersion).HasMaxLength(64);
        b.HasOne<Team>().WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Restrict);
    }
}
