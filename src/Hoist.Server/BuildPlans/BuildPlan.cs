using Hoist.Server.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.BuildPlans;

/// <summary>
/// 构建计划: a CI job's identity. Hoist runs no builds; it only needs to know which job is calling, by name
/// (<c>CCI_JOB_NAME</c>) and optionally by the CI system's id (<c>JOB_ID</c>).
/// </summary>
public sealed class BuildPlan
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public string Name { get; set; } = "";
    public string? ExternalId { get; set; }
    /// <summary>Set when the plan was copied from another; its credentials do not carry over.</summary>
    public long? CopiedFromId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

sealed class BuildPlanConfiguration : IEntityTypeConfiguration<BuildPlan>
{
    public void Configure(EntityTypeBuilder<BuildPlan> b)
    {
        b.ToTable("BuildPlans");
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.ExternalId).HasMaxLength(100);
        b.HasIndex(p => new { p.ProjectId, p.Name }).IsUnique();
        b.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Restrict);
    }
}
