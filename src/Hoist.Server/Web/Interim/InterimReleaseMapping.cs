using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

// INTERIM (web branch only): the release engine (issue #3) owns the Release mapping in Releases/. This file lets
// the pages and their tests run before that lands; delete it when merging main brings the engine's mapping.
#pragma warning disable IDE0130
namespace Hoist.Server.Data;

public partial class HoistDb
{
    public DbSet<Release> Releases => Set<Release>();
}

sealed class InterimReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> b)
    {
        b.Ignore(r => r.Workload);
        b.Property(r => r.Kind).HasConversion<string>();
        b.Property(r => r.Status).HasConversion<string>();
        b.Property(r => r.Reason).HasConversion<string>();
        // SQLite cannot compare or order DateTimeOffset text; a long keeps date filters in SQL.
        b.Property(r => r.CreatedAt).HasConversion(new DateTimeOffsetToBinaryConverter());
        b.HasMany(r => r.Transitions).WithOne().HasForeignKey(t => t.ReleaseId);
        b.HasIndex(r => r.CreatedAt);
        b.HasIndex(r => r.Status);
        b.HasIndex(r => r.ProjectId);
    }
}
