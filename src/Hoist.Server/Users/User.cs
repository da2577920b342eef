using System.Security.Cryptography;
using Hoist.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Users;

/// <summary>A person (or a CI robot) who logs in with a password or acts through personal access tokens.</summary>
public sealed class User
{
    public long Id { get; set; }
    /// <summary>Lower-case; unique.</summary>
    public string UserName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>PBKDF2 via ASP.NET Core Identity's PasswordHasher (format v3).</summary>
    public string PasswordHash { get; set; } = "";
    /// <summary>Server administrator: every team, the audit log, user management.</summary>
    public bool IsAdmin { get; set; }
    public bool Disabled { get; set; }
    /// <summary>Changes when the password changes or the user is disabled; cookies carrying an old stamp stop working.</summary>
    public string SecurityStamp { get; set; } = NewStamp();
    public DateTimeOffset CreatedAt { get; set; }

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}

sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("Users");
        b.Property(u => u.UserName).HasMaxLength(64);
        b.HasIndex(u => u.UserName).IsUnique();
        b.Property(u => u.DisplayName).HasMaxLength(100);
        b.Property(u => u.PasswordHash).HasMaxLength(200);
        b.Property(u => u.SecurityStamp).HasMaxLength(64);
    }
}
