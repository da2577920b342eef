using System.Globalization;
using System.Security.Claims;
using Hoist.Server.Data;
using Hoist.Server.Tokens;
using Hoist.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Auth;

/// <summary>
/// Session cookies carry the user id and a security stamp; every request re-reads the user, so disabling a user
/// or changing a password ends their sessions at once, and the admin flag is never stale.
/// </summary>
public static class CookieSessions
{
    public static ClaimsPrincipal PrincipalFor(User user)
    {
        var claims = new List<Claim>
        {
            new(HoistClaims.UserId, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(HoistClaims.UserName, user.UserName),
            new(HoistClaims.SecurityStamp, user.SecurityStamp),
        };
        if (user.IsAdmin) claims.Add(new(HoistClaims.Admin, "true"));
        // A person at the keyboard may do everything their roles allow; scopes only narrow tokens.
        claims.AddRange(TokenScopes.All.Select(s => new Claim(HoistClaims.Scope, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthExtensions.CookieScheme, HoistClaims.UserName, ClaimTypes.Role));
    }

    internal static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var idText = context.Principal?.FindFirstValue(HoistClaims.UserId);
        var stamp = context.Principal?.FindFirstValue(HoistClaims.SecurityStamp);
        User? user = null;
        if (long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<HoistDb>();
            user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, context.HttpContext.RequestAborted);
        }
        if (user is null || user.Disabled || user.SecurityStamp != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        context.ReplacePrincipal(PrincipalFor(user));
    }
}
