using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Setup;

public static class SetupExtensions
{
    /// <summary>Command-line switches and the <see cref="HoistOptions"/> binding.</summary>
    public static WebApplicationBuilder AddHoistConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--data-dir"] = "Hoist:DataDir",
            ["--public-url"] = "Hoist:PublicUrl",
        });
        builder.Services.AddOptions<HoistOptions>()
            .BindConfiguration(HoistOptions.Section)
            .Configure<IConfiguration>((o, config) =>
            {
                o.PostgresConnectionString ??= config.GetConnectionString("Postgres");
                o.AdminPassword ??= config["HOIST_ADMIN_PASSWORD"];
            })
            .ValidateDataAnnotations()
            .Validate(o => !o.UsePostgres || !string.IsNullOrWhiteSpace(o.PostgresConnectionString),
                "Hoist:Database=postgres needs ConnectionStrings:Postgres.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AdminBootstrap>();
        return builder;
    }

    internal static HoistOptions GetHoistOptions(this IServiceProvider sp) => sp.GetRequiredService<IOptions<HoistOptions>>().Value;
}
