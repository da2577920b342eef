using Hoist.Server.Applications;
using Hoist.Server.Audit;
using Hoist.Server.BuildPlans;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Credentials;
using Hoist.Server.Deploys;
using Hoist.Server.Kubernetes;
using Hoist.Server.Projects;
using Hoist.Server.Releases;
using Hoist.Server.Teams;
using Hoist.Server.Tokens;
using Hoist.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hoist.Server.Setup;

public static class FeatureExtensions
{
    /// <summary>The feature services the API and the pages share (each checks permissions itself).</summary>
    public static IServiceCollection AddHoistFeatures(this IServiceCollection services)
    {
        services.AddScoped<AuditLog>();
        services.AddScoped<AuditReader>();
        // PBKDF2 (HMAC-SHA512, 100 000 iterations by default) without the Identity stores.
        services.TryAddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserService>();
        services.AddScoped<TeamService>();
        services.AddScoped<ProjectService>();
        services.AddScoped<BuildPlanService>();
        services.AddScoped<ApplicationService>();
        services.AddScoped<TokenService>();
        services.AddSingleton<CloudAccountSecrets>();
        services.AddScoped<CloudAccountService>();
        services.TryAddSingleton<IClusterConnectionSource, CloudAccountConnectionSource>();
        services.AddScoped<CredentialService>();
        services.AddScoped<DeployService>();
        services.AddScoped<ReleaseQueries>();
        services.AddScoped<HoistSetup>();
        services.TryAddSingleton(new BootstrapConsole(Console.Out));
        return services;
    }

    public static WebApplication MapHoistApi(this WebApplication app)
    {
        // Every API route may answer with these ProblemDetails; saying so once keeps the OpenAPI document honest.
        var api = app.MapGroup("")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapSessionApi();
        api.MapUsersApi();
        api.MapTokensApi();
        api.MapTeamsApi();
        api.MapProjectsApi();
        api.MapBuildPlansApi();
        api.MapApplicationsApi();
        api.MapCloudAccountsApi();
        api.MapCredentialsApi();
        api.MapDeploysApi();
        api.MapReleasesApi();
        api.MapAuditApi();
        return app;
    }
}
