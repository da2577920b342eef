using Hoist.Server.Kubernetes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hoist.Server.Releases;

sealed class ReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    // Stored as UTC ticks so that "lease expired" is a plain integer comparison that SQLite (which cannot compare
    // DateTimeOffset values) and PostgreSQL both translate into the atomic UPDATE that claims a release.
    static readonly ValueConverter<DateTimeOffset?, long?> UtcTicks = new(
        v => v.HasValue ? v.Value.UtcTicks : null,
        v => v.HasValue ? new DateTimeOffset(v.Value, TimeSpan.Zero) : null);

    public void Configure(EntityTypeBuilder<Release> b)
    {
        b.ToTable("Releases");
        b.HasKey(r => r.Id);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Reason).HasConversion<string>().HasMaxLength(40);
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Application).HasMaxLength(200);
        b.Property(r => r.Pipeline).HasMaxLength(300);
        b.Property(r => r.BuildNumber).HasMaxLength(100);
        b.Property(r => r.GitCommit).HasMaxLength(100);
        b.Property(r => r.BuildUrl).HasMaxLength(2000);
        b.Property(r => r.IdempotencyKey).HasMaxLength(128);
        b.Property(r => r.CloudAccountName).HasMaxLength(200);
        b.Property(r => r.Namespace).HasMaxLength(253);
        b.Property(r => r.WorkloadName).HasMaxLength(253);
        b.Property(r => r.Container).HasMaxLength(253);
        b.Property(r => r.ImageAfter).HasMaxLength(512);
        b.Property(r => r.ImageBefore).HasMaxLength(512);
        b.Property(r => r.StatusMessage).HasMaxLength(2000);
        b.Property(r => r.RunningDigest).HasMaxLength(600);
        b.Property(r => r.RevisionBefore).HasMaxLength(300);
        b.Property(r => r.RevisionAfter).HasMaxLength(300);
        b.Property(r => r.PatchSent).HasMaxLength(8000);
        b.Property(r => r.FailureLog).HasMaxLength(8000);
        b.Property(r => r.LeaseOwner).HasMaxLength(100);
        b.Property(r => r.CancelRequestedBy).HasMaxLength(200);
        b.Property(r => r.LeaseExpiresAt).HasConversion(UtcTicks);
        b.Ignore(r => r.Workload);
        b.Ignore(r => r.Key);

        b.HasIndex(r => r.Status);
        b.HasIndex(r => new { r.CloudAccountId, r.Namespace, r.Kind, r.WorkloadName });
        b.HasIndex(r => r.IdempotencyKey).IsUnique();
        b.HasIndex(r => r.ProjectId);

        b.HasMany(r => r.Transitions).WithOne().HasForeignKey(t => t.ReleaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(r => r.Pods).WithOne().HasForeignKey(p => p.ReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class ReleaseTransitionConfiguration : IEntityTypeConfiguration<ReleaseTransition>
{
    public void Configure(EntityTypeBuilder<ReleaseTransition> b)
    {
        b.ToTable("ReleaseTransitions");
        b.Property(t => t.From).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.To).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Message).HasMaxLength(2000);
        b.HasIndex(t => t.ReleaseId);
    }
}

sealed class ReleaseEventConfiguration : IEntityTypeConfiguration<ReleaseEvent>
{
    public void Configure(EntityTypeBuilder<ReleaseEvent> b)
    {
        b.ToTable("ReleaseEvents");
        b.Property(e => e.Type).HasMaxLength(20);
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.Message).HasMaxLength(4000);
        b.Property(e => e.ProgressJson).HasMaxLength(4000);
        b.HasIndex(e => new { e.ReleaseId, e.Sequence }).IsUnique();
        b.HasOne<Release>().WithMany().HasForeignKey(e => e.ReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class ReleasePodConfiguration : IEntityTypeConfiguration<ReleasePod>
{
    public void Configure(EntityTypeBuilder<ReleasePod> b)
    {
        b.ToTable("ReleasePods");
        b.Property(p => p.Name).HasMaxLength(253);
        b.Property(p => p.Revision).HasMaxLength(300);
        b.Property(p => p.Phase).HasMaxLength(40);
        b.Property(p => p.Reason).HasMaxLength(100);
        b.Property(p => p.Message).HasMaxLength(1000);
        b.Property(p => p.ImageId).HasMaxLength(600);
        b.HasIndex(p => p.ReleaseId);
    }
}
