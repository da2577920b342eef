using Hoist.Server.Teams;
using Hoist.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Projects;

/// <summary>项目: belongs to a team; its name is CI's <c>PROJECT_NAME</c>.</summary>
public sealed class Project
{
    public long Id { get; set; }
    public long TeamId { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A user who may work in a project. Team owners and admins may anyway.</summary>
public sealed class ProjectMember
{
    public long ProjectId { get; set; }
    public long UserId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.ToTable("Projects");
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasIndex(p => new { p.TeamId, p.Name }).IsUnique();
        b.HasOne<Team>().WithMany().HasForeignKey(p => p.TeamId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class ProjectMemberConfiguration : IEntityTypeConfiguration<ProjectMember>
{
    public void Configure(EntityTypeBuilder<ProjectMember> b)
    {
        b.ToTable("ProjectMembers");
        b.HasKey(m => new { m.ProjectId, m.UserId });
        b.HasIndex(m => m.UserId);
        b.HasOne<Project>().WithMany().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
