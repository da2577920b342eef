using Hoist.Server.BuildPlans;
using Hoist.Server.Projects;
using Hoist.Server.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Applications;

/// <summary>CD 应用: what releases are grouped under. A team's default application carries the team's name.</summary>
public sealed class Application
{
    public long Id { get; set; }
    public long TeamId { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// 部署流程: one per deploy credential, named <c>&lt;project&gt;-&lt;build plan&gt;-&lt;credential index&gt;</c> unless
/// chosen otherwise; the deploy step must send this name as <c>pipelineName</c>.
/// </summary>
public sealed class Pipeline
{
    public long Id { get; set; }
    public long ApplicationId { get; set; }
    public long ProjectId { get; set; }
    public long BuildPlanId { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public static string DefaultName(string project, string buildPlan, int credentialIndex) => $"{project}-{buildPlan}-{credentialIndex}";
}

sealed class ApplicationConfiguration : IEntityTypeConfiguration<Application>
{
    public void Configure(EntityTypeBuilder<Application> b)
    {
        b.ToTable("Applications");
        b.Property(a => a.Name).HasMaxLength(100);
        b.HasIndex(a => new { a.TeamId, a.Name }).IsUnique();
        b.HasOne<Team>().WithMany().HasForeignKey(a => a.TeamId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class PipelineConfiguration : IEntityTypeConfiguration<Pipeline>
{
    public void Configure(EntityTypeBuilder<Pipeline> b)
    {
        b.ToTable("Pipelines");
        b.Property(p => p.Name).HasMaxLength(210);
        b.HasIndex(p => new { p.ApplicationId, p.Name }).IsUnique();
        b.HasIndex(p => p.ProjectId);
        b.HasOne<Application>().WithMany().HasForeignKey(p => p.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<BuildPlan>().WithMany().HasForeignKey(p => p.BuildPlanId).OnDelete(DeleteBehavior.Restrict);
    }
}
