using System.Globalization;
using System.Security.Claims;
using Hoist.Server.Tokens;

namespace Hoist.Server.Auth;

public static class HoistClaims
{
    public const string UserId = ClaimTypes.NameIdentifier;
    public const string UserName = ClaimTypes.Name;
    public const string Scope = "hoist:scope";
    public const string TokenId = "hoist:token";
    public const string Admin = "hoist:admin";
    public const string SecurityStamp = "hoist:stamp";
}

/// <summary>
/// Who is acting: a user through a cookie session (all scopes) or a personal access token (its scopes), or
/// <see cref="System"/> for seeding and start-up. Feature services take it and check permissions themselves,
/// so pages and the API cannot differ.
/// </summary>
public sealed record Actor(long? UserId, string Name, bool IsSystemAdmin, IReadOnlySet<string> Scopes, long? TokenId = null, string? SourceIp = null)
{
    public static readonly Actor System = new(null, "system", true, TokenScopes.All.ToHashSet());

    public bool IsSystem => UserId is null;

    public bool HasScope(string scope) => Scopes.Contains(scope);

    public static Actor FromPrincipal(ClaimsPrincipal user, string? sourceIp)
    {
        var id = long.Parse(user.FindFirstValue(HoistClaims.UserId)!, CultureInfo.InvariantCulture);
        var token = user.FindFirstValue(HoistClaims.TokenId);
        return new Actor(
            id,
            user.FindFirstValue(HoistClaims.UserName) ?? "",
            user.HasClaim(HoistClaims.Admin, "true"),
            user.FindAll(HoistClaims.Scope).Select(c => c.Value).ToHashSet(),
            token is null ? null : long.Parse(token, CultureInfo.InvariantCulture),
            sourceIp);
    }

    /// <summary>Minimal-API binding: every endpoint that takes an Actor requires an authenticated user.</summary>
    public static ValueTask<Actor?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.User.Identity?.IsAuthenticated == true && http.User.HasClaim(c => c.Type == HoistClaims.UserId)
            ? FromPrincipal(http.User, SourceOf(http))
            : null);

    public static string? SourceOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
