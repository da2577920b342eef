using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Hoist.Server.Teams;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Users;

public sealed record LoginRequest(string? UserName, string? Password);

public sealed record SessionTeamDto(long Id, string Name, TeamRole Role, bool DeploySettings);

public sealed record SessionDto(UserDto User, IReadOnlyList<string> Scopes, bool ViaToken, IReadOnlyList<SessionTeamDto> Teams);

/// <summary>
/// Password login for people: <c>POST /api/v1/session</c> sets the <c>hoist_session</c> cookie (HttpOnly,
/// SameSite=Strict), <c>DELETE</c> ends it, <c>GET</c> says who is calling (with a cookie or a token).
/// </summary>
public static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/session").WithTags("Session");
        api.MapPost("/", Login).AllowAnonymous().WithName("Login");
        api.MapDelete("/", (Delegate)Logout).AllowAnonymous().WithName("Logout");
        api.MapGet("/", GetSession).RequireAuthorization().WithName("GetSession");
        return app;
    }

    static async Task<Results<Ok<SessionDto>, ProblemHttpResult>> Login(
        LoginRequest? request, HttpContext http, UserService users, AuthThrottle throttle, AuditLog audit, HoistDb db, CancellationToken ct)
    {
        var attempt = await SignInAsync(http, request?.UserName, request?.Password, users, throttle, audit, ct);
        if (attempt.Throttled is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ApiProblem(StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyRequests, "Too many failed logins",
                "Too many failed logins from this address; try again later.").ToResult();
        }
        if (attempt.Actor is not { } actor)
            return new ApiProblem(StatusCodes.Status401Unauthorized, ProblemCodes.InvalidCredentials, "Login failed",
                "The user name or password is not correct.").ToResult();
        return TypedResults.Ok(await DescribeAsync(actor, viaToken: false, db, ct));
    }

    /// <summary>The outcome of a password login: signed in (Actor), refused (neither), or throttled (retry after).</summary>
    public readonly record struct LoginAttempt(Actor? Actor, TimeSpan? Throttled);

    /// <summary>
    /// The one password-login path, for the API and the login page alike: throttle per source, verify, audit the
    /// outcome, set the session cookie. Both callers only turn the outcome into their own answer.
    /// </summary>
    public static async Task<LoginAttempt> SignInAsync(
        HttpContext http, string? userName, string? password, UserService users, AuthThrottle throttle, AuditLog audit, CancellationToken ct)
    {
        var source = "login:" + (Actor.SourceOf(http) ?? "local");
        if (throttle.IsBlocked(source, out var retryAfter)) return new(null, retryAfter);
        var user = await users.VerifyLoginAsync(userName, password, ct);
        if (user is null)
        {
            throttle.RecordFailure(source);
            var who = new Actor(null, InputRules.Sanitize(userName, 64) ?? "", false, new HashSet<string>(), SourceIp: Actor.SourceOf(http));
            await audit.RecordAsync(who, AuditActions.SessionLogin, allowed: false, code: ProblemCodes.InvalidCredentials, ct: ct);
            return new(null, null);
        }
        var principal = CookieSessions.PrincipalFor(user);
        await http.SignInAsync(AuthExtensions.CookieScheme, principal);
        var actor = Actor.FromPrincipal(principal, Actor.SourceOf(http));
        await audit.RecordAsync(actor, AuditActions.SessionLogin, ct: ct);
        return new(actor, null);
    }

    static async Task<NoContent> Logout(HttpContext http)
    {
        await http.SignOutAsync(AuthExtensions.CookieScheme);
        return TypedResults.NoContent();
    }

    static async Task<Ok<SessionDto>> GetSession(Actor actor, HoistDb db, CancellationToken ct) =>
        TypedResults.Ok(await DescribeAsync(actor, actor.TokenId is not null, db, ct));

    internal static async Task<SessionDto> DescribeAsync(Actor actor, bool viaToken, HoistDb db, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == actor.UserId, ct);
        var teams = await db.TeamMembers.Where(m => m.UserId == actor.UserId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role, m.DeploySettingsGranted })
            .OrderBy(t => t.Name)
            .ToListAsync(ct);
        return new SessionDto(UserDto.From(user), actor.Scopes.Order().ToList(), viaToken,
            teams.Select(t => new SessionTeamDto(t.Id, t.Name, t.Role, t.Role is TeamRole.Owner or TeamRole.Admin || t.DeploySettingsGranted)).ToList());
    }
}
