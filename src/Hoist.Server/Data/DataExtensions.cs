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

    /// <summary>Migrates the schema (the one place that changes it) and creates the first admin, before the server takes requests.</summary>
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

/// <summary>
/// Creates the data directory (SQLite) and brings the schema to the newest migration (<see cref="SchemaMigrator"/>)
/// before the server takes requests.
/// </summary>
sealed class DatabaseInitializer(IServiceScopeFactory scopes, ILogger<DatabaseInitializer> log)
{
    /// <summary>Beside <c>hoist.db</c>; held by whichever Hoist process is migrating that file.</summary>
    internal const string SqliteLockFile = "hoist.db.migrating";

    public async Task InitializeAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var hoist = scope.ServiceProvider.GetHoistOptions();
        var db = scope.ServiceProvider.GetRequiredService<HoistDb>();
        SchemaState state;
        if (hoist.UsePostgres)
            state = await SchemaMigrator.MigrateAsync(db, ct);
        else
        {
            var dataDir = Path.GetFullPath(hoist.DataDir);
            Directory.CreateDirectory(dataDir);
            // EF's SQLite migration lock is a row that a process killed mid-migration (a liveness probe, an OOM kill)
            // leaves behind, and every later start then waits for it for ever. The operating system drops this file
            // lock when its process dies, so whoever holds it knows a lock row can only be stale.
            await using var fileLock = await LockFileAsync(Path.Combine(dataDir, SqliteLockFile), ct);
            // WAL lets readers (pages, SSE) proceed while the engine writes.
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                if (await ReleaseStaleMigrationLockAsync(db, ct)) LogStaleLock(log);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
            state = await SchemaMigrator.MigrateAsync(db, ct);
        }
        LogReady(log, hoist.UsePostgres ? "PostgreSQL" : "SQLite", state.LastMigration, state.Baselined);
    }

    async Task<FileStream> LockFileAsync(string path, CancellationToken ct)
    {
        var logged = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (HeldByAnother(e))
            {
                if (!logged) LogWaiting(log, path);
                logged = true;
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    // .NET reports flock's EWOULDBLOCK as the errno (Linux 11, macOS 35), Windows a sharing violation as its HRESULT.
    // Anything else (permissions, a full disk) is not worth waiting for.
    static bool HeldByAnother(IOException e) =>
        OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) == 32 : e.HResult == (OperatingSystem.IsMacOS() ? 35 : 11);

    static async Task<bool> ReleaseStaleMigrationLockAsync(HoistDb db, CancellationToken ct)
    {
        var tables = await db.Database.SqlQueryRaw<long>(
            """SELECT COUNT(*) AS "Value" FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'""").SingleAsync(ct);
        return tables > 0 && await db.Database.ExecuteSqlRawAsync("""DELETE FROM "__EFMigrationsLock";""", ct) > 0;
    }

    static void LogReady(ILogger logger, string provider, string? migration, bool baselined) =>
        logger.LogInformation("Database ready ({Provider}, migration {Migration}, adopted from EnsureCreated: {Baselined})", provider, migration, baselined);

    static void LogWaiting(ILogger logger, string path) =>
        logger.LogInformation("Waiting for another Hoist process to finish migrating the database (it holds {LockFile})", path);

    static void LogStaleLock(ILogger logger) =>
        logger.LogWarning("Removed a migration lock left by a Hoist process that stopped while migrating");
}
