using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Hoist.Server.Data;

/// <summary>What <see cref="SchemaMigrator.MigrateAsync"/> did: whether it adopted a database made by EnsureCreated, and the last migration now applied.</summary>
public sealed record SchemaState(bool Baselined, string? LastMigration);

/// <summary>
/// Brings a database up to the newest migration of its provider's set, safe to run from several replicas at once.
/// <para>
/// EF Core 9+ takes a migration lock itself (checked in the sources of EF Core 10 and Npgsql 10.0.3), but on
/// PostgreSQL that is not enough. Npgsql's lock is <c>LOCK TABLE "__EFMigrationsHistory" IN ACCESS EXCLUSIVE MODE</c>
/// inside the migration transaction, and EF commits that transaction after each migration and only then takes the
/// lock again. A replica that was waiting gets it in between, sees the first migration applied and starts the second,
/// which the first replica (having planned it too) applies again: "column already exists". The tests show it with two
/// pending migrations. So on PostgreSQL the whole run holds a session advisory lock, which the server drops when
/// the connection ends, so a replica that dies cannot leave it behind. Npgsql does absorb the history table being
/// created twice at once, and the <c>CREATE DATABASE</c> race where both statements overlap
/// (<see cref="EnsureDatabaseAsync"/> covers the other one).
/// On SQLite EF's lock is a row in <c>__EFMigrationsLock</c> that a killed process leaves behind for ever, which
/// <c>DatabaseInitializer</c> deals with under a lock file.
/// </para>
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The advisory lock key ("HoistMgr" in ASCII); advisory locks are per database, so other databases on the server are not held up.</summary>
    const long PostgresLockKey = 0x486F6973744D6772;

    public static async Task<SchemaState> MigrateAsync(HoistDb db, CancellationToken ct)
    {
        await EnsureDatabaseAsync(db, ct);
        await using var advisoryLock = db.Database.IsNpgsql() ? await LockPostgresAsync(db, ct) : null;
        var baselined = await BaselineEnsureCreatedDatabaseAsync(db, ct);
        await db.Database.MigrateAsync(ct);
        var applied = await db.Database.GetAppliedMigrationsAsync(ct);
        return new SchemaState(baselined, applied.LastOrDefault());
    }

    /// <summary>
    /// A connection of its own holds the lock until disposed: EF opens and closes the context's connection as it
    /// goes, and a session lock taken on that one would go back to the pool with it.
    /// </summary>
    static async Task<PostgresLock> LockPostgresAsync(HoistDb db, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", PostgresLockKey);
            command.CommandTimeout = 0; // the wait lasts as long as another replica's migrations do
            await command.ExecuteNonQueryAsync(ct);
            return new PostgresLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Unlocks explicitly, as a pooled connection is not guaranteed to be reset before it is reused.</summary>
    sealed class PostgresLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", PostgresLockKey);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Npgsql ignores a concurrent <c>CREATE DATABASE</c> only when both statements overlap (23505); one that starts
    /// just after the other committed fails with 42P04. Replicas starting together on a new database can hit either.
    /// </summary>
    static async Task EnsureDatabaseAsync(HoistDb db, CancellationToken ct)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(ct)) return;
        try
        {
            await creator.CreateAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another replica created it first.
        }
    }

    /// <summary>
    /// Servers before migrations created the schema with EnsureCreated: every table of the first migration, and no
    /// history. Such a database gets the first migration's history row, so later migrations apply on top of it
    /// instead of failing on tables that exist (or anything being dropped). It is only adopted when each table and
    /// column the first migration creates is there; otherwise the start fails and the database stays untouched.
    /// </summary>
    static async Task<bool> BaselineEnsureCreatedDatabaseAsync(HoistDb db, CancellationToken ct)
    {
        var migrations = db.GetService<IMigrationsAssembly>();
        var history = db.GetService<IHistoryRepository>();
        if (migrations.Migrations.Count == 0) return false;
        var (firstId, firstType) = migrations.Migrations.First();
        var tables = migrations.CreateMigration(firstType, db.Database.ProviderName!).UpOperations.OfType<CreateTableOperation>().ToList();

        // Checked without a lock, so a new or migrated database takes none here, and one that cannot be adopted gets
        // nothing written to it. Other replicas do not change these tables meanwhile: a migration's DDL commits with
        // its history row (PostgreSQL), or runs under the data directory's lock file (SQLite).
        var columns = await ReadColumnsAsync(db, ct);
        if (!tables.Any(t => columns.ContainsKey(t.Name))) return false;
        if ((await history.GetAppliedMigrationsAsync(ct)).Count > 0) return false;
        var missing = tables.SelectMany(t => columns.TryGetValue(t.Name, out var present)
                ? t.Columns.Where(c => !present.Contains(c.Name)).Select(c => $"{t.Name}.{c.Name}")
                : [t.Name])
            .ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The database has some of Hoist's tables but no migration history, and lacks {string.Join(", ", missing.Take(20))} " +
                $"of the first migration ({firstId}). It was left unchanged; point Hoist at an empty database or at one a Hoist server created.");

        // The migrator's own lock, taken the way it takes it, so replicas adopting the database at once do it once.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var explicitLock = history.LockReleaseBehavior == LockReleaseBehavior.Transaction
                ? null
                : await history.AcquireDatabaseLockAsync(ct);
            await history.CreateIfNotExistsAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await using var transactionLock = history.LockReleaseBehavior == LockReleaseBehavior.Transaction
                ? await history.AcquireDatabaseLockAsync(ct)
                : null;
            if ((await history.GetAppliedMigrationsAsync(ct)).Count > 0) return false;

            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(firstId, ProductInfo.GetVersion())), ct);
            await transaction.CommitAsync(ct);
            return true;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The tables of the connection's schema with their column names.</summary>
    static async Task<Dictionary<string, HashSet<string>>> ReadColumnsAsync(HoistDb db, CancellationToken ct)
    {
        var sql = db.Database.IsNpgsql()
            ? """SELECT table_name AS "Table", column_name AS "Column" FROM information_schema.columns WHERE table_schema = current_schema()"""
            : """SELECT m.name AS "Table", p.name AS "Column" FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table'""";
        var rows = await db.Database.SqlQueryRaw<SchemaColumn>(sql).ToListAsync(ct);
        return rows.GroupBy(r => r.Table, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Column).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    sealed record SchemaColumn(string Table, string Column);
}
