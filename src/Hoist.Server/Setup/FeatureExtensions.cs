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
        app.MapSessionApi();
        app.MapUsersApi();
        app.MapTokensApi();
        app.MapTeamsApi();
        app.MapProjectsApi();
        app.MapBuildPlansApi();
        app.MapApplicationsApi();
        app.MapCloudAccountsApi();
        app.MapCredentialsApi();
        app.MapDeploysApi();
        app.MapReleasesApi();
        app.MapAuditApi();
        return app;
    }
}
