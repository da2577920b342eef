using System.Security.Claims;
using Hoist.Server.Auth;
using Hoist.Server.Deploys;
using Hoist.Server.Setup;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Web;

/// <summary>
/// The signed-in person as the pages see them: the same <see cref="Auth.Actor"/> the API builds from the session
/// cookie, so every feature service applies the same permission rules to a page and to an API call.
/// </summary>
public sealed class WebSession(IHttpContextAccessor accessor, IOptions<HoistOptions> options)
{
    Actor? _actor;

    HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request.");

    public bool IsSignedIn => Http.User.Identity?.IsAuthenticated == true && Http.User.HasClaim(c => c.Type == HoistClaims.UserId);

    public Actor Actor => _actor ??= Actor.FromPrincipal(Http.User, Actor.SourceOf(Http));

    public string UserName => Http.User.FindFirstValue(HoistClaims.UserName) ?? "";

    public bool IsServerAdmin => Http.User.HasClaim(HoistClaims.Admin, "true");

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Where links handed to CI point: the configured public URL, else this request's host (as the API says).</summary>
    public string BaseUrl => DeploysApi.BaseUrl(Http, options.Value);
}
