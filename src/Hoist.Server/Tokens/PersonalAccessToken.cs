using System.Security.Cryptography;
using System.Text;
using Hoist.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Tokens;

/// <summary>
/// 个人访问令牌. Only the SHA-256 of the secret is stored: the secret has 200+ random bits, so a fast hash is
/// enough and a lookup by hash never compares secrets. The visible prefix lets people tell tokens apart.
/// </summary>
public sealed class PersonalAccessToken
{
    public const string SecretPrefix = "hoist_pat_";
    const int RandomLength = 40;
    const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public long Id { get; set; }
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    /// <summary><c>hoist_pat_</c> plus the first 6 random characters.</summary>
    public string Prefix { get; set; } = "";
    /// <summary>Lower-case hex SHA-256 of the whole secret.</summary>
    public string Hash { get; set; } = "";
    /// <summary>Space-separated; see <see cref="TokenScopes"/>.</summary>
    public string Scopes { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string NewSecret() => SecretPrefix + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string PrefixOf(string secret) => secret[..(SecretPrefix.Length + 6)];

    /// <summary>Cheap shape check before any lookup, so junk never reaches the database.</summary>
    public static bool LooksLikeSecret(string candidate) =>
        candidate.Length == SecretPrefix.Length + RandomLength
        && candidate.StartsWith(SecretPrefix, StringComparison.Ordinal)
        && candidate.AsSpan(SecretPrefix.Length).IndexOfAnyExcept(Alphabet) < 0;
}

public static class TokenScopes
{
    /// <summary>Deploy (<c>POST /api/v1/deploys</c>), roll back, cancel, and read releases of one's projects.</summary>
    public const string ProjectDeployment = "project:deployment";
    /// <summary>Read releases, runtime and logs of one's projects.</summary>
    public const string ProjectRead = "project:read";
    /// <summary>Everything else the user may do: teams, projects, credentials, cloud accounts, tokens, audit.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [ProjectDeployment, ProjectRead, Admin];
}

sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> b)
    {
        b.ToTable("PersonalAccessTokens");
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Prefix).HasMaxLength(20);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.HasIndex(t => t.Hash).IsUnique();
        b.HasIndex(t => t.UserId);
        b.Property(t => t.Scopes).HasMaxLength(200);
        b.Ignore(t => t.ScopeList);
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
