using Hoist.Contracts;
using Hoist.Server.Data;
using Hoist.Server.Data.Postgres;
using Hoist.Server.Teams;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Hoist.Server.IntegrationTests.Data;

/// <summary>
/// Startup migrations on a new database, on one that EnsureCreated made before migrations existed, and with several
/// replicas at once. The PostgreSQL cases run only when <c>HOIST_TEST_POSTGRES</c> is set, as in <see cref="PostgresTests"/>.
/// </summary>
public sealed class SchemaMigrationTests
{
    static readonly string? Postgres = Environment.GetEnvironmentVariable("HOIST_TEST_POSTGRES");
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Startup_NewSqliteDatabase_AppliesEveryMigrationAndCreatesEveryTable()
    {
        await using var app = new HoistApplication().Start();

        var (migrations, applied, modelTables) = await MigrationsOfAsync(app);
        var tables = await SqliteTablesAsync(app.DatabaseFile);
        await using var connection = await OpenSqliteAsync(app.DatabaseFile);
        await using var journal = new SqliteCommand("PRAGMA journal_mode", connection);

        migrations.ShouldNotBeEmpty();
        applied.ShouldBe(migrations);
        modelTables.ShouldContain("Releases");
        modelTables.ShouldContain("DataProtectionKeys");
        modelTables.Append("__EFMigrationsHistory").Except(tables).ShouldBeEmpty();
        ((string?)await journal.ExecuteScalarAsync(Ct)).ShouldBe("wal");
        app.Logs.All.ShouldContain("adopted from EnsureCreated: False");
    }

    [Fact]
    public async Task Startup_SqliteDatabaseMadeByEnsureCreated_AdoptsItKeepsItsDataAndWorks()
    {
        await using var app = new HoistApplication();
        await app.UseSandboxAsync();
        await LegacyDatabase.CreateSqliteAsync(app.DatabaseFile);

        var world = await World.CreateAsync(app);
        await ShouldWorkOnAdoptedDatabaseAsync(app, world);
    }

    [Fact]
    public async Task Startup_SqliteWithOnlyPartOfTheOldSchema_RefusesAndLeavesItsTablesAlone()
    {
        await using var app = new HoistApplication();
        await LegacyDatabase.CreateSqliteAsync(app.DatabaseFile, schema => schema
            .Replace("\"TokenId\" INTEGER NULL,", "", StringComparison.Ordinal)
            .Replace("CREATE TABLE \"DataProtectionKeys\"", "CREATE TABLE \"SomethingElse\"", StringComparison.Ordinal));

        var failure = Should.Throw<InvalidOperationException>(() => app.Start());

        failure.Message.ShouldContain("AuditEntries.TokenId");
        failure.Message.ShouldContain("DataProtectionKeys");
        var tables = await SqliteTablesAsync(app.DatabaseFile);
        tables.ShouldNotContain("__EFMigrationsHistory");
        tables.ShouldNotContain("DataProtectionKeys");
        await using var connection = await OpenSqliteAsync(app.DatabaseFile);
        await using var count = new SqliteCommand("SELECT COUNT(*) FROM \"Teams\"", connection);
        ((long)(await count.ExecuteScalarAsync(Ct))!).ShouldBe(1);
    }

    [Fact]
    public async Task Startup_SqliteMigrationLockLeftByAKilledProcess_RemovesItAndStarts()
    {
        await using var app = new HoistApplication();
        await LegacyDatabase.CreateSqliteAsync(app.DatabaseFile);
        await using (var connection = await OpenSqliteAsync(app.DatabaseFile))
        {
            // What EF's SqliteHistoryRepository writes when it takes the lock; a process killed before the DELETE leaves it.
            await using var stale = new SqliteCommand("""
                CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2025-03-01 08:30:00+00:00');
                """, connection);
            await stale.ExecuteNonQueryAsync(Ct);
        }

        await Task.Run(() => app.Start(), Ct).WaitAsync(Patience, Ct);

        var (migrations, applied, _) = await MigrationsOfAsync(app);
        applied.ShouldBe(migrations);
        app.Logs.All.ShouldContain("Removed a migration lock left by a Hoist process that stopped while migrating");
    }

    [Fact]
    public async Task Startup_AnotherProcessMigratingTheSameSqliteFile_WaitsForIt()
    {
        await using var app = new HoistApplication();
        Directory.CreateDirectory(app.DataDir);
        var lockFile = new FileStream(Path.Combine(app.DataDir, DatabaseInitializer.SqliteLockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var starting = Task.Run(() => app.Start(), Ct);
        await WaitUntilAsync(() => app.Logs.All.Contains("Waiting for another Hoist process to finish migrating", StringComparison.Ordinal));
        var migratedMeanwhile = File.Exists(app.DatabaseFile) && (await SqliteTablesAsync(app.DatabaseFile)).Contains("__EFMigrationsHistory");
        await lockFile.DisposeAsync();
        await starting.WaitAsync(Patience, Ct);

        starting.IsCompletedSuccessfully.ShouldBeTrue();
        migratedMeanwhile.ShouldBeFalse();
        var (migrations, applied, _) = await MigrationsOfAsync(app);
        applied.ShouldBe(migrations);
    }

    [Fact]
    public async Task Startup_NewPostgresDatabase_AppliesEveryMigrationAndCreatesEveryTable()
    {
        SkipWithoutPostgres();
        await using var app = new HoistApplication(Postgres).Start();

        var (migrations, applied, modelTables) = await MigrationsOfAsync(app);
        var tables = await PostgresTablesAsync(app.PostgresConnectionString!);

        migrations.ShouldNotBeEmpty();
        applied.ShouldBe(migrations);
        modelTables.ShouldContain("Releases");
        modelTables.Append("__EFMigrationsHistory").Except(tables).ShouldBeEmpty();
        (await app.DbAsync(db => Task.FromResult(db.Database.ProviderName))).ShouldBe("Npgsql.EntityFrameworkCore.PostgreSQL");
    }

    [Fact]
    public async Task Startup_PostgresDatabaseMadeByEnsureCreated_AdoptsItKeepsItsDataAndWorks()
    {
        SkipWithoutPostgres();
        await using var app = new HoistApplication(Postgres);
        await app.UseSandboxAsync();
        await LegacyDatabase.CreatePostgresAsync(app.PostgresConnectionString!);

        var world = await World.CreateAsync(app);
        await ShouldWorkOnAdoptedDatabaseAsync(app, world);
    }

    [Fact]
    public async Task Migrate_FourReplicasAtOnceOnANewPostgresDatabase_AllSucceedAndApplyEachMigrationOnce()
    {
        SkipWithoutPostgres();
        await using var database = new ScratchPostgresDatabase();

        var states = await MigrateConcurrentlyAsync(database.ConnectionString, replicas: 4);

        await using var db = database.Context();
        var migrations = db.Database.GetMigrations().ToList();
        var last = migrations[^1];
        states.ShouldAllBe(s => s.LastMigration == last && !s.Baselined);
        (await HistoryAsync(database.ConnectionString)).ShouldBe(migrations);
        db.Model.GetRelationalModel().Tables.Select(t => t.Name).Except(await PostgresTablesAsync(database.ConnectionString)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Migrate_FourReplicasAtOnceWithTwoPendingMigrations_EachMigrationRunsOnce()
    {
        SkipWithoutPostgres();
        await using var database = new ScratchPostgresDatabase();

        var states = await MigrateConcurrentlyAsync(database.ConnectionString, replicas: 4, TwoStepDb.Create);

        states.ShouldAllBe(s => s.LastMigration == "00000000000002_StepTwo");
        (await HistoryAsync(database.ConnectionString)).ShouldBe(["00000000000001_StepOne", "00000000000002_StepTwo"]);
    }

    [Fact]
    public async Task Migrate_FourReplicasAtOnceOnAPostgresDatabaseMadeByEnsureCreated_OneAdoptsItAndAllSucceed()
    {
        SkipWithoutPostgres();
        await using var database = new ScratchPostgresDatabase();
        await LegacyDatabase.CreatePostgresAsync(database.ConnectionString);

        var states = await MigrateConcurrentlyAsync(database.ConnectionString, replicas: 4);

        await using var db = database.Context();
        var migrations = db.Database.GetMigrations().ToList();
        var last = migrations[^1];
        states.Count(s => s.Baselined).ShouldBe(1);
        states.ShouldAllBe(s => s.LastMigration == last);
        (await HistoryAsync(database.ConnectionString)).ShouldBe(migrations);
        (await db.Teams.SingleAsync(Ct)).Name.ShouldBe(LegacyDatabase.TeamName);
    }

    [Fact]
    public async Task Startup_TwoServersAtOnceOnOneNewPostgresDatabase_BothServe()
    {
        SkipWithoutPostgres();
        await using var first = new HoistApplication(Postgres);
        await using var second = new HoistApplication(Postgres);
        second.Settings["ConnectionStrings:Postgres"] = first.PostgresConnectionString;

        await Task.WhenAll(Task.Run(() => first.Start(), Ct), Task.Run(() => second.Start(), Ct)).WaitAsync(Patience, Ct);

        var fromFirst = await (await first.LoginAsAdminAsync()).GetFromJsonAsync<List<TeamDto>>("/api/v1/teams", Ct);
        var created = await (await second.LoginAsAdminAsync()).PostAsJsonAsync("/api/v1/teams", new CreateTeamRequest("both"), Ct);
        var fromFirstAfter = await (await first.LoginAsAdminAsync()).GetFromJsonAsync<List<TeamDto>>("/api/v1/teams", Ct);

        fromFirst.ShouldBeEmpty();
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        fromFirstAfter!.ShouldHaveSingleItem().Name.ShouldBe("both");
        (await first.DbAsync(db => db.Users.CountAsync(Ct))).ShouldBe(1);
        (await HistoryAsync(first.PostgresConnectionString!)).ShouldBe(await first.DbAsync(db => Task.FromResult(db.Database.GetMigrations().ToList())));
    }

    /// <summary>The checks after a server started on a database from <see cref="LegacyDatabase"/>.</summary>
    static async Task ShouldWorkOnAdoptedDatabaseAsync(HoistApplication app, World world)
    {
        var (migrations, applied, _) = await MigrationsOfAsync(app);
        var admin = await app.LoginAsAdminAsync();
        var teams = await admin.GetFromJsonAsync<List<TeamDto>>("/api/v1/teams", Ct);
        var audit = await admin.GetStringAsync("/api/v1/audit?action=team.create", Ct);
        var accepted = await app.WithToken(world.Token("member", "deploy")).PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy(buildNumber: "1"), Ct);
        var again = await app.DbAsync(db => SchemaMigrator.MigrateAsync(db, Ct));

        applied.ShouldBe(migrations);
        app.Logs.All.ShouldContain("adopted from EnsureCreated: True");
        var legacy = teams!.Single(t => t.Name == LegacyDatabase.TeamName);
        legacy.CreatedAt.ShouldBe(LegacyDatabase.CreatedAt);
        legacy.MyRole.ShouldBe(TeamRole.Owner);
        audit.ShouldContain("written before migrations");
        (await app.DbAsync(db => db.Users.CountAsync(u => u.IsAdmin, Ct))).ShouldBe(1);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await app.Verdicts.WaitForAsync((await accepted.Content.ReadFromJsonAsync<DeployAccepted>(Ct))!.ReleaseId, ReleaseStatus.Succeeded);
        again.Baselined.ShouldBeFalse();
        again.LastMigration.ShouldBe(migrations[^1]);
    }

    static async Task<SchemaState[]> MigrateConcurrentlyAsync(string connectionString, int replicas, Func<string, HoistDb>? context = null)
    {
        var contexts = Enumerable.Range(0, replicas).Select(_ => (context ?? ScratchPostgresDatabase.Context)(connectionString)).ToList();
        try
        {
            using var go = new ManualResetEventSlim();
            var runs = contexts.Select(db => Task.Run(async () =>
            {
                go.Wait(Ct);
                return await SchemaMigrator.MigrateAsync(db, Ct);
            }, Ct)).ToList();
            go.Set();
            return await Task.WhenAll(runs).WaitAsync(Patience, Ct);
        }
        finally
        {
            foreach (var db in contexts) await db.DisposeAsync();
        }
    }

    static Task<(List<string> Migrations, List<string> Applied, List<string> ModelTables)> MigrationsOfAsync(HoistApplication app) =>
        app.DbAsync(async db => (
            db.Database.GetMigrations().ToList(),
            (await db.Database.GetAppliedMigrationsAsync(Ct)).ToList(),
            db.Model.GetRelationalModel().Tables.Select(t => t.Name).ToList()));

    static async Task<SqliteConnection> OpenSqliteAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        return connection;
    }

    static async Task<List<string>> SqliteTablesAsync(string file)
    {
        await using var connection = await OpenSqliteAsync(file);
        await using var command = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table'", connection);
        return await ReadStringsAsync(command);
    }

    static async Task<List<string>> PostgresTablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", connection);
        return await ReadStringsAsync(command);
    }

    static async Task<List<string>> HistoryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"", connection);
        return await ReadStringsAsync(command);
    }

    static async Task<List<string>> ReadStringsAsync(System.Data.Common.DbCommand command)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) values.Add(reader.GetString(0));
        return values;
    }

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(Patience);
        while (!condition()) await Task.Delay(20, patience.Token);
    }

    static void SkipWithoutPostgres() =>
        Assert.SkipWhen(string.IsNullOrWhiteSpace(Postgres), "HOIST_TEST_POSTGRES is not set; no PostgreSQL to test against.");

    /// <summary>A database name of its own on the test server (not created here), dropped afterwards.</summary>
    sealed class ScratchPostgresDatabase : IAsyncDisposable
    {
        public string ConnectionString { get; } =
            new NpgsqlConnectionStringBuilder(Postgres) { Database = "hoist_test_" + Guid.NewGuid().ToString("N")[..12] }.ToString();

        public PostgresHoistDb Context() => Context(ConnectionString);

        public static PostgresHoistDb Context(string connectionString) =>
            new(new DbContextOptionsBuilder<PostgresHoistDb>().UseNpgsql(connectionString).Options);

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" };
            await using var connection = new NpgsqlConnection(admin.ToString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(ConnectionString).Database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
