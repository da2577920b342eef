using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Deploys;

/// <summary>
/// Makes retried deploy calls find their release. Written in the same transaction as the release; the primary
/// key on <see cref="Key"/> is what lets exactly one of many parallel identical calls win, on SQLite and
/// PostgreSQL alike (the losers hit the unique violation and read the winner's release).
/// Two keys may point at one release: one from the Idempotency-Key header, one from build number + parameters.
/// </summary>
public sealed class DeployIdempotencyKey
{
    /// <summary>SHA-256 hex of the kind, the credential and the header value (or the build number).</summary>
    public string Key { get; set; } = "";
    /// <summary>SHA-256 hex of the deploy parameters, to tell a retry from a reused key.</summary>
    public string ParametersHash { get; set; } = "";
    public long ReleaseId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

sealed class DeployIdempotencyKeyConfiguration : IEntityTypeConfiguration<DeployIdempotencyKey>
{
    public void Configure(EntityTypeBuilder<DeployIdempotencyKey> b)
    {
        b.ToTable("DeployIdempotencyKeys");
        b.HasKey(k => k.Key);
        b.Property(k => k.Key).HasMaxLength(64);
        b.Property(k => k.ParametersHash).HasMaxLength(64);
        b.HasIndex(k => k.ReleaseId);
    }
}
