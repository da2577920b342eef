using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Releases;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Web;

/// <summary>
/// The few non-page endpoints the pages need: the language switch and the release page's event stream. The stream
/// lives here, under the page's cookie, rather than the pages calling the token-authenticated API: it is the
/// same <see cref="IReleaseEventFeed"/> the API streams, framed the same way (ApiRoutes.ReleaseEvents).
/// </summary>
public static class WebEndpoints
{
    public static RouteGroupBuilder MapWebEndpoints(this IEndpointRouteBuilder app)
    {
        var ui = app.MapGroup("/ui").ExcludeFromDescription();
        ui.MapGet("/language/{language}", SwitchLanguage).WithName("SwitchLanguage");
        ui.MapGet("/releases/{id:long}/events", ReleaseEvents).WithName("WebReleaseEvents");
        return ui;
    }

    static RedirectHttpResult SwitchLanguage(string language, string? returnUrl, HttpResponse response)
    {
        if (UiLanguage.Normalize(language) is { } chosen) UiLanguage.Remember(response, chosen);
        // Only a local path: the switch must not become an open redirect.
        var target = returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : "/";
        return TypedResults.LocalRedirect(target);
    }

    static async Task<Results<ServerSentEventsResult<string>, NotFound, StatusCodeHttpResult>> ReleaseEvents(
        long id, HttpRequest request, HoistDb db, IServiceProvider services, CancellationToken ct)
    {
        if (!await db.Releases.AnyAsync(r => r.Id == id, ct)) return TypedResults.NotFound();
        if (services.GetService<IReleaseEventFeed>() is not { } feed) return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        var after = long.TryParse(request.Headers["Last-Event-ID"], out var last) ? last : 0;
        return TypedResults.ServerSentEvents(Frame(id, after, feed, services, ct));
    }

    static async IAsyncEnumerable<SseItem<string>> Frame(long id, long after, IReleaseEventFeed feed, IServiceProvider services,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in feed.FollowAsync(id, after, ct))
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(e, JsonSerializerOptions.Web), e.Type) { EventId = e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
        // The feed ends after the terminal event: tell the page to stop reconnecting and refresh itself.
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        var status = await db.Releases.Where(r => r.Id == id).Select(r => (ReleaseStatus?)r.Status).FirstOrDefaultAsync(ct);
        yield return new SseItem<string>(JsonSerializer.Serialize(new { id, status }, JsonSerializerOptions.Web), "done");
    }
}
