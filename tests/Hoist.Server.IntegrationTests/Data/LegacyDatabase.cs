using System.Data.Common;
using Hoist.Server.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Hoist.Server.IntegrationTests.Data;

/// <summary>
/// Databases as servers before migrations left them: the schema EnsureCreated made (EnsureCreated.*.sql, generated
/// by <c>dotnet ef dbcontext script</c> from the model of that time, which is the DDL EnsureCreated runs) and a few
/// rows, written with plain SQL so they stay what that schema held however the model changes later.
/// </summary>
public static class LegacyDatabase
{
    public const string TeamName = "legacy-team";
    public static readonly DateTimeOffset CreatedAt = new(2025, 3, 1, 8, 30, 0, TimeSpan.Zero);

    /// <summary>A SQLite file with the old schema, the admin (password <see cref="HoistApplication.AdminPassword"/>) owning <see cref="TeamName"/>.</summary>
    public static async Task CreateSqliteAsync(string file, Func<string, string>? editSchema = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await FillAsync(connection, (editSchema ?? (s => s))(Script("EnsureCreated.sqlite.sql")), CreatedAt.UtcTicks);
    }

    /// <summary>The same on PostgreSQL, in a database of that name created here.</summary>
    public static async Task CreatePostgresAsync(string connectionString)
    {
        await CreatePostgresDatabaseAsync(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await FillAsync(connection, Script("EnsureCreated.postgres.sql"), CreatedAt);
    }

    public static async Task CreatePostgresDatabaseAsync(string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(admin.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database}\"", connection);
        await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    static async Task FillAsync(DbConnection connection, string schema, object createdAt)
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = schema;
            await command.ExecuteNonQueryAsync(ct);
        }
        await using var rows = connection.CreateCommand();
        rows.CommandText = """
            INSERT INTO "Users" ("UserName", "DisplayName", "PasswordHash", "IsAdmin", "Disabled", "SecurityStamp", "CreatedAt")
                VALUES ('admin', 'Administrator', @hash, TRUE, FALSE, 'legacy-stamp', @at);
            INSERT INTO "Teams" ("Name", "CreatedAt") VALUES (@team, @at);
            INSERT INTO "TeamMembers" ("TeamId", "UserId", "Role", "DeploySettingsGranted", "AddedAt")
                SELECT t."Id", u."Id", 'Owner', FALSE, @at FROM "Teams" AS t, "Users" AS u;
            INSERT INTO "AuditEntries" ("At", "Action", "Allowed", "ActorName", "Detail")
                VALUES (@at, 'team.create', TRUE, 'admin', 'written before migrations');
            """;
        Add(rows, "hash", new PasswordHasher<User>().HashPassword(new User(), HoistApplication.AdminPassword));
        Add(rows, "at", createdAt);
        Add(rows, "team", TeamName);
        await rows.ExecuteNonQueryAsync(ct);
    }

    static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    static string Script(string name)
    {
        using var stream = typeof(LegacyDatabase).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        return new StreamReader(stream).ReadToEnd();
    }
}
