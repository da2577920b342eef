using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Hoist.Server.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Auth;

/// <summary>
/// Personal access tokens as <c>Authorization: Bearer …</c>, <c>Authorization: token …</c>, or the password of
/// basic auth (the user name is ignored, as CI tools fill it with anything). The secret is hashed and looked up
/// by hash; a refusal says why (unknown, expired, revoked) through <see cref="FailureKey"/>, which the
/// authorization result handler turns into the 401 ProblemDetails.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    HoistDb db,
    AuthThrottle throttle,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";
    public const string FailureKey = "hoist.auth.failure";
    /// <summary>The visible prefix of a refused Hoist token (never more of it), for the audit log.</summary>
    public const string RefusedPrefixKey = "hoist.auth.prefix";
    static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadSecret(Request.Headers.Authorization.ToString());
        if (secret is null) return AuthenticateResult.NoResult();

        var source = Actor.SourceOf(Context) ?? "local";
        if (throttle.IsBlocked(source, out var retryAfter))
            return Refuse(new ApiProblem(StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyRequests, "Too many failed attempts",
                $"Too many failed token checks from this address; try again in {Math.Ceiling(retryAfter.TotalSeconds)} seconds.")
            { Extra = new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)Math.Ceiling(retryAfter.TotalSeconds) } });

        if (!PersonalAccessToken.LooksLikeSecret(secret))
            return Fail(source, ProblemCodes.TokenInvalid, "The token is not a Hoist personal access token (hoist_pat_…).");

        Context.Items[RefusedPrefixKey] = PersonalAccessToken.PrefixOf(secret);
        var hash = PersonalAccessToken.HashOf(secret);
        var found = await db.PersonalAccessTokens
            .Where(t => t.Hash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .AsNoTracking()
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null || found.User.Disabled)
            return Fail(source, ProblemCodes.TokenInvalid, "The token is unknown. Create a new personal access token.");
        var now = time.GetUtcNow();
        if (found.Token.RevokedAt is not null)
            return Fail(source, ProblemCodes.TokenRevoked, "The token has been revoked. Create a new personal access token.");
        if (found.Token.ExpiresAt <= now)
            return Fail(source, ProblemCodes.TokenExpired, "The token has expired. Create a new personal access token.");

        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > LastUsedResolution)
            await db.PersonalAccessTokens.Where(t => t.Id == found.Token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);

        var claims = new List<Claim>
        {
            new(HoistClaims.UserId, found.User.Id.ToString(CultureInfo.InvariantCulture)),
            new(HoistClaims.UserName, found.User.UserName),
            new(HoistClaims.TokenId, found.Token.Id.ToString(CultureInfo.InvariantCulture)),
        };
        Context.Items.Remove(RefusedPrefixKey);
        if (found.User.IsAdmin) claims.Add(new(HoistClaims.Admin, "true"));
        claims.AddRange(found.Token.ScopeList.Select(s => new Claim(HoistClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, HoistClaims.UserName, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    AuthenticateResult Fail(string source, string code, string detail)
    {
        throttle.RecordFailure(source);
        return Refuse(new ApiProblem(StatusCodes.Status401Unauthorized, code, "Authentication failed", detail));
    }

    AuthenticateResult Refuse(ApiProblem problem)
    {
        Context.Items[FailureKey] = problem;
        return AuthenticateResult.Fail(problem.Code);
    }

    /// <summary>The presented secret, or null when the header carries none of the accepted forms.</summary>
    internal static string? ReadSecret(string header)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 1024) return null;
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter)) return null;
        var scheme = value.Scheme;
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || scheme.Equals("token", StringComparison.OrdinalIgnoreCase))
            return value.Parameter.Trim();
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter.Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? decoded : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return "";
            }
        }
        return null;
    }
}
