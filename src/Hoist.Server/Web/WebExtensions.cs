using Hoist.Server.Components;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hoist.Server.Web;

/// <summary>
/// The web pages: Razor components rendered on the server only (static SSR). No interactive render mode and no
/// SignalR circuit: every page is a plain HTTP GET that works without script, forms post with antiforgery, and
/// the live parts (release progress, runtime refresh, the wizard's cascading lists) are a small hand-written
/// wwwroot/hoist.js. Razor components rather than Razor Pages because the pages share many small pieces
/// (status badge, tables, times) that components express directly.
/// </summary>
public static class WebExtensions
{
    public static WebApplicationBuilder AddHoistWeb(this WebApplicationBuilder builder)
    {
        // The stylesheet and script (and their precompressed copies) come from the build's static web assets
        // manifest. ASP.NET wires that up only in Development; tests and `dotnet run` in other environments need it
        // too. A published app has no manifest and serves wwwroot as usual, so this is a no-op there.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        services.AddRazorComponents();
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<UiText>();
        services.AddScoped<WebSession>();
        services.AddScoped<ProjectPageQueries>();
        services.AddSingleton<CiSetupFlash>();
        services.AddScoped<ReleasePageQueries>();
        services.AddScoped<RuntimePageQueries>();
        return builder;
    }

    /// <summary>
    /// Call after UseAuthentication/UseAuthorization: the antiforgery middleware added here must run after them
    /// (the pages' forms post with antiforgery tokens tied to the signed-in user).
    /// </summary>
    public static WebApplication MapHoistWeb(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapWebEndpoints();
        app.MapRazorComponents<App>();
        return app;
    }
}
