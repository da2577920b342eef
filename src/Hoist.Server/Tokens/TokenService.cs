using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Tokens;

public sealed record CreateTokenRequest(string? Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);

/// <summary>The one response that carries the secret; it is not stored and cannot be shown again.</summary>
public sealed record TokenCreatedDto(long Id, string Name, string Token, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

public sealed record TokenDto(
    long Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string Status);

public sealed class TokenService(HoistDb db, AuditLog audit, TimeProvider time)
{
    public const int MaxExpiryDays = 3650;

    public async Task<Outcome<TokenCreatedDto>> CreateAsync(Actor actor, CreateTokenRequest request, CancellationToken ct)
    {
        if (actor.UserId is not { } userId) return ApiProblem.Forbidden("Tokens belong to users; the system actor cannot own one.");
        return await CreateForUserAsync(actor, userId, request, ct);
    }

    /// <summary>Creates a token for <paramref name="userId"/> (the actor itself, or any user when seeding).</summary>
    internal async Task<Outcome<TokenCreatedDto>> CreateForUserAsync(Actor actor, long userId, CreateTokenRequest request, CancellationToken ct)
    {
        if (InputRules.Text("name", request.Name, InputRules.MaxDisplayName) is { } bad) return bad;
        if (request.Scopes is not { Count: > 0 } scopes)
            return ApiProblem.Invalid("scopes", $"Name at least one scope: {string.Join(", ", TokenScopes.All)}.") with { Expected = TokenScopes.All };
        if (scopes.FirstOrDefault(s => !TokenScopes.All.Contains(s)) is { } unknown)
            return ApiProblem.Invalid("scopes", $"Unknown scope '{InputRules.Sanitize(unknown, 40)}'; scopes are {string.Join(", ", TokenScopes.All)}.") with { Expected = TokenScopes.All };
        if (request.ExpiresInDays is < 1 or > MaxExpiryDays)
            return ApiProblem.Invalid("expiresInDays", $"'expiresInDays' must be between 1 and {MaxExpiryDays}, or left out for a token that does not expire.");

        var secret = PersonalAccessToken.NewSecret();
        var now = time.GetUtcNow();
        var token = new PersonalAccessToken
        {
            UserId = userId,
            Name = request.Name!,
            Prefix = PersonalAccessToken.PrefixOf(secret),
            Hash = PersonalAccessToken.HashOf(secret),
            Scopes = string.Join(' ', scopes.Distinct().Order()),
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.PersonalAccessTokens.Add(token);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.TokenCreate, target: ("token", token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            detail: $"name={token.Name} prefix={token.Prefix} scopes={token.Scopes} owner={userId}", ct: ct);
        return new TokenCreatedDto(token.Id, token.Name, secret, token.Prefix, token.ScopeList, token.CreatedAt, token.ExpiresAt);
    }

    public async Task<IReadOnlyList<TokenDto>> ListAsync(Actor actor, CancellationToken ct)
    {
        var tokens = await db.PersonalAccessTokens.AsNoTracking().Where(t => t.UserId == actor.UserId).OrderByDescending(t => t.Id).ToListAsync(ct);
        var now = time.GetUtcNow();
        return tokens.Select(t => new TokenDto(t.Id, t.Name, t.Prefix, t.ScopeList, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt,
            t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "active")).ToList();
    }

    public async Task<Outcome<bool>> RevokeAsync(Actor actor, long tokenId, CancellationToken ct)
    {
        var token = await db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct);
        if (token is null || (token.UserId != actor.UserId && !actor.IsSystemAdmin)) return ApiProblem.NotFound("This token");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(actor, AuditActions.TokenRevoke, target: ("token", token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                detail: $"prefix={token.Prefix}", ct: ct);
        }
        return true;
    }
}
