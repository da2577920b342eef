using Hoist.Server.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Hoist.Server.Auth;

/// <summary>Policy names for route groups: what a token must be scoped for. Cookie sessions hold every scope.</summary>
public static class Policies
{
    /// <summary>Read releases, runtime, logs: <c>project:read</c> or <c>project:deployment</c>.</summary>
    public const string ReadReleases = "releases:read";
    /// <summary>Deploy, roll back, cancel: <c>project:deployment</c>.</summary>
    public const string Deploy = "releases:deploy";
    /// <summary>Teams, projects, credentials, cloud accounts, tokens, users, audit: <c>admin</c>.</summary>
    public const string Manage = "manage";
}

public static class AuthExtensions
{
    /// <summary>The default scheme: a token when an Authorization header is present, else the session cookie.</summary>
    public const string DefaultScheme = "Hoist";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static IServiceCollection AddHoistAuth(this IServiceCollection services)
    {
        services.AddSingleton<AuthThrottle>();
        services.AddScoped<Access>();
        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "Personal access token or session cookie", o =>
                o.ForwardDefaultSelector = http =>
                    http.Request.Headers.Authorization.Count > 0 ? TokenAuthenticationHandler.SchemeName : CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "hoist_session";
                o.Cookie.HttpOnly = true;
                // Strict: a cookie never rides along on another site's request, which is what makes the JSON API safe from CSRF.
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.Events.OnValidatePrincipal = CookieSessions.ValidateAsync;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.ReadReleases, p => p.RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement(TokenScopes.ProjectRead, TokenScopes.ProjectDeployment)))
            .AddPolicy(Policies.Deploy, p => p.RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement(TokenScopes.ProjectDeployment)))
            .AddPolicy(Policies.Manage, p => p.RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement(TokenScopes.Admin)));
        services.AddSingleton<AuthorizationMiddlewareResultHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }
}

/// <summary>Satisfied when the user holds any of the scopes.</summary>
public sealed class ScopeRequirement(params string[] anyOf) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public IReadOnlyList<string> AnyOf { get; } = anyOf;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (requirement.AnyOf.Any(s => context.User.HasClaim(HoistClaims.Scope, s))) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
