using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Hoist.Server.Web;

/// <summary>What a new CI set-up needs to show once: the pipeline target and the token secret.</summary>
public sealed record CiSetup(SnippetTarget Target, string? Token);

/// <summary>
/// "Create and trigger" lands on the new release's page, but the token must still be shown to its owner once. It
/// travels there in a short-lived, encrypted (Data Protection), HttpOnly cookie scoped to that release's path,
/// and is deleted when read: never stored on the server, never in a URL.
/// </summary>
public sealed class CiSetupFlash(IDataProtectionProvider protection, TimeProvider time)
{
    static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Hoist.Web.CiSetupFlash.v1").ToTimeLimitedDataProtector();

    static string CookieName(long releaseId) => $"hoist-setup-{releaseId}";
    static string PathOf(long releaseId) => $"/releases/{releaseId}";

    public void Put(HttpResponse response, long releaseId, CiSetup setup)
    {
        var sealedValue = _protector.Protect(JsonSerializer.Serialize(setup, JsonSerializerOptions.Web), time.GetUtcNow().Add(Lifetime));
        response.Cookies.Append(CookieName(releaseId), sealedValue, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = response.HttpContext.Request.IsHttps,
            Path = PathOf(releaseId),
            MaxAge = Lifetime,
        });
    }

    /// <summary>The set-up left for this release, once; null when there is none, it expired, or it was tampered with.</summary>
    public CiSetup? Take(HttpContext http, long releaseId)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName(releaseId), out var value)) return null;
        if (!http.Response.HasStarted) http.Response.Cookies.Delete(CookieName(releaseId), new CookieOptions { Path = PathOf(releaseId) });
        try
        {
            return JsonSerializer.Deserialize<CiSetup>(_protector.Unprotect(value, out _), JsonSerializerOptions.Web);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException)
        {
            return null;
        }
    }
}
