using System.Security.Cryptography;
using Hoist.Server.Setup;

namespace Hoist.Server.Demo;

/// <summary>The two hooks Program.cs calls; both do nothing special unless the command line started with <c>demo</c>.</summary>
public static class DemoExtensions
{
    /// <summary>Quiet logs, and an admin password the demo knows (the previous run's, from <c>demo.env</c>) so it can hand it out.</summary>
    public static WebApplicationBuilder AddHoistDemo(this WebApplicationBuilder builder, DemoOptions? demo)
    {
        if (demo is null) return builder;
        // The composition root reads the data dir once, before the options exist, to find the previous demo.env.
        var dataDir = Path.GetFullPath(builder.Configuration[$"{HoistOptions.Section}:{nameof(HoistOptions.DataDir)}"] ?? new HoistOptions().DataDir);
        var previous = DemoEnvFile.Read(Path.Combine(dataDir, DemoEnvFile.FileName));
        var password = previous.GetValueOrDefault("HOIST_ADMIN_PASSWORD") is { Length: > 0 } p ? p
            : builder.Configuration["HOIST_ADMIN_PASSWORD"] is { Length: > 0 } given ? given
            : RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{HoistOptions.Section}:{nameof(HoistOptions.AdminPassword)}"] = password,
        });
        // The demo's console should read like a CI log: progress and verdicts, not request logs.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Keys in plain files under the data dir are what a throwaway demo wants; the warning would be its first line.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Services.AddSingleton(new DemoSession(demo, dataDir, password, previous));
        return builder;
    }

    /// <summary>Runs the server; in demo mode, with the sandbox, the seed, the first deploy and the "what next" around it.</summary>
    public static Task RunHoistAsync(this WebApplication app, DemoOptions? demo) =>
        demo is null ? app.RunAsync() : DemoRunner.RunAsync(app, app.Services.GetRequiredService<DemoSession>());
}

/// <summary>What <see cref="DemoExtensions.AddHoistDemo"/> settled before the host was built.</summary>
public sealed record DemoSession(DemoOptions Options, string DataDir, string AdminPassword, IReadOnlyDictionary<string, string> Previous);
