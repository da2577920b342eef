using Hoist.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Hoist.Server.Web;

/// <summary>
/// The few non-page endpoints the pages need: the language switch and sign-out. Live data comes from the API
/// itself (the release page's EventSource reads <c>/api/v1/releases/{id}/events</c> with the session cookie).
/// </summary>
public static class WebEndpoints
{
    public static IEndpointRouteBuilder MapWebEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ui/language/{language}", SwitchLanguage).ExcludeFromDescription().AllowAnonymous().WithName("SwitchLanguage");
        // A form post (antiforgery-checked, because it binds the form), so another site cannot sign a user out.
        app.MapPost("/logout", SignOut).ExcludeFromDescription().AllowAnonymous().WithName("SignOut");
        return app;
    }

    static RedirectHttpResult SwitchLanguage(string language, string? returnUrl, HttpResponse response)
    {
        if (UiLanguage.Normalize(language) is { } chosen) UiLanguage.Remember(response, chosen);
        return TypedResults.LocalRedirect(LocalPath(returnUrl));
    }

    static async Task<RedirectHttpResult> SignOut([FromForm] IFormCollection form, HttpContext http)
    {
        await http.SignOutAsync(AuthExtensions.CookieScheme);
        return TypedResults.LocalRedirect("/login");
    }

    /// <summary>A path on this server, else "/": return URLs must not become open redirects (//host, /\host, https://…).</summary>
    public static string LocalPath(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
