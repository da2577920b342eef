using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Teams;

/// <summary>团队: owns projects, cloud accounts and applications. Its name is CI's <c>CCI_CURRENT_TEAM</c>.</summary>
public sealed class Team
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<TeamRole>))]
public enum TeamRole { Member, Admin, Owner }

public sealed class TeamMember
{
    public long TeamId { get; set; }
    public long UserId { get; set; }
    public TeamRole Role { get; set; }
    /// <summary>部署设置权限 granted to a plain member; owners and admins hold it anyway.</summary>
    public bool DeploySettingsGranted { get; set; }
    public DateTimeOffset AddedAt { get; set; }

    public bool HasDeploySettings => Role is TeamRole.Owner or TeamRole.Admin || DeploySettingsGranted;
}

sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("Teams");
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Name).IsUnique();
    }
}

sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.ToTable("TeamMembers");
        b.HasKey(m => new { m.TeamId, m.UserId });
        b.HasIndex(m => m.UserId);
        b.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        b.Ignore(m => m.HasDeploySettings);
        b.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Users.User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
