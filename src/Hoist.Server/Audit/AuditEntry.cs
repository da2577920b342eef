using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Audit;

/// <summary>
/// One security-relevant action, allowed or refused. Never holds a secret: details are built from names and
/// ids, and anything that came from a request is sanitized and cut short.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>e.g. <c>token.create</c>, <c>deploy.accepted</c>, <c>deploy.refused</c>; see <see cref="AuditActions"/>.</summary>
    public string Action { get; set; } = "";
    public bool Allowed { get; set; } = true;
    /// <summary>The ProblemDetails code of a refusal.</summary>
    public string? Code { get; set; }
    public long? ActorUserId { get; set; }
    public string? ActorName { get; set; }
    /// <summary>The personal access token used, if any (its id, never the secret).</summary>
    public long? TokenId { get; set; }
    public long? TeamId { get; set; }
    public long? ProjectId { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? Detail { get; set; }
    public string? SourceIp { get; set; }
}

sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.Property(a => a.Action).HasMaxLength(64);
        b.Property(a => a.Code).HasMaxLength(64);
        b.Property(a => a.ActorName).HasMaxLength(64);
        b.Property(a => a.TargetType).HasMaxLength(32);
        b.Property(a => a.TargetId).HasMaxLength(64);
        b.Property(a => a.Detail).HasMaxLength(1000);
        b.Property(a => a.SourceIp).HasMaxLength(64);
        b.HasIndex(a => a.At);
        b.HasIndex(a => a.TeamId);
    }
}
