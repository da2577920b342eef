using Microsoft.Net.Http.Headers;

namespace Hoist.Server.Web;

/// <summary>
/// Which of the two page languages a request gets: the <see cref="CookieName"/> cookie set by the switch in the
/// header wins, then Accept-Language (first zh-* or en-* by quality), then English.
/// </summary>
public static class UiLanguage
{
    public const string CookieName = "hoist-lang";
    public const string English = "en";
    public const string Chinese = "zh-CN";

    public static string Resolve(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(CookieName, out var chosen) && Normalize(chosen) is { } fromCookie)
            return fromCookie;

        var accepted = request.GetTypedHeaders().AcceptLanguage;
        foreach (var lang in accepted.OrderByDescending(l => l.Quality ?? 1.0))
        {
            if (Normalize(lang.Value.Value) is { } match) return match;
        }
        return English;
    }

    /// <summary>"zh", "zh-CN", "zh-Hans-CN", "ZH-tw" → zh-CN; "en-GB" → en; anything else → null.</summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase)) return Chinese;
        if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return English;
        return null;
    }

    /// <summary>Sets the cookie for a year; the value is only ever one of the two known tags.</summary>
    public static void Remember(HttpResponse response, string language) =>
        response.Cookies.Append(CookieName, language, new CookieOptions
        {
            MaxAge = TimeSpan.FromDays(365),
            HttpOnly = true,
            SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
            IsEssential = true,
            Path = "/",
        });
}

/// <summary>The strings of the current request, for components (<c>@inject UiText T</c>).</summary>
public sealed class UiText(IHttpContextAccessor http)
{
    string? _language;

    public string Language => _language ??= http.HttpContext is { } ctx ? UiLanguage.Resolve(ctx.Request) : UiLanguage.English;

    public Strings S => Language == UiLanguage.Chinese ? Strings.Zh : Strings.En;

    public bool IsChinese => Language == UiLanguage.Chinese;
}
