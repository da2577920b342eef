using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Data;

// STOPGAP until the engine branch lands: it owns the mapping of Release and ReleaseTransition. This file only
// puts them in the model so that the deploy API can store releases; delete it when merging the engine.
sealed class ReleaseStopgapConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> b)
    {
        b.ToTable("Releases");
        b.Ignore(r => r.Workload);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Reason).HasConversion<string>().HasMaxLength(32);
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        b.HasMany(r => r.Transitions).WithOne().HasForeignKey(t => t.ReleaseId);
    }
}
