using Hoist.Server.Data.Postgres;
using Hoist.Server.Data.Sqlite;
using Hoist.Server.Setup;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hoist.Server.Data;

public static class DataExtensions
{
    /// <summary>
    /// The database (SQLite in the data directory, or PostgreSQL when configured) and the Data Protection key
    /// ring stored in it. The provider is chosen when the first context is created, so tests can change settings.
    /// </summary>
    public static IServiceCollection AddHoistData(this IServiceCollection services)
    {
        // One context type per provider, each with its own migration set in the same assembly (EF's "multiple
        // context types" pattern), rather than one context with a migrations assembly per provider: those assemblies
        // would need the model, which lives here beside the features, so the server could not reference them back.
        // Both are registered; a scope's HoistDb is whichever one the settings choose.
        services.AddDbContext<SqliteHoistDb>((sp, options) => options.UseSqlite(SqliteConnectionString(sp.GetHoistOptions())));
        services.AddDbContext<PostgresHoistDb>((sp, options) => options.UseNpgsql(sp.GetHoistOptions().PostgresConnectionString));
        services.AddScoped<HoistDb>(sp => sp.GetHoistOptions().UsePostgres
            ? sp.GetRequiredService<PostgresHoistDb>()
            : sp.GetRequiredService<SqliteHoistDb>());
        services.AddDataProtection()
            .SetApplicationName("Hoist")
            .PersistKeysToDbContext<HoistDb>();
        services.AddSingleton<DatabaseInitializer>();
        return services;
    }

    /// <summary>Creates the schema (the one place that does) and the first admin, before the server takes requests.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
        await app.Services.GetRequiredService<AdminBootstrap>().EnsureAdminAsync(app.Lifetime.ApplicationStopping);
    }

    internal static string SqliteConnectionString(HoistOptions hoist) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(Path.GetFullPath(hoist.DataDir), "hoist.db"),
        ForeignKeys = true,
        // Writers queue behind each other for up to this long instead of failing with SQLITE_BUSY.
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    /// <summary>True when a SaveChanges failed on a unique index or primary key (SQLite or PostgreSQL).</summary>
    public static bool IsUniqueViolation(this DbUpdateException e) => e.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}

/// <summary>Creates the data directory and the schema. Migration sets per provider will replace EnsureCreated here.</summary>
sealed class DatabaseInitializer(IServiceScopeFactory scopes, ILogger<DatabaseInitializer> log)
{
    public async Task InitializeAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var hoist = scope.ServiceProvider.GetHoistOptions();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        if (!hoist.UsePostgres)
        {
            Directory.CreateDirectory(Path.GetFullPath(hoist.DataDir));
            // WAL lets readers (pages, SSE) proceed while the engine writes.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }
        var created = await db.Database.EnsureCreatedAsync(ct);
        LogReady(log, hoist.UsePostgres ? "PostgreSQL" : "SQLite", created);
    }

    static void LogReady(ILogger logger, string provider, bool created) =>
        logger.LogInformation("Database ready ({Provider}, schema created: {Created})", provider, created);
}
