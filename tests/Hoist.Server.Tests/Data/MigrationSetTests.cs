using Hoist.Server.Data;
using Hoist.Server.Data.Postgres;
using Hoist.Server.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Hoist.Server.Tests.Data;

/// <summary>
/// Each provider's migration set must describe the model as it is, or the server's startup migration would leave the
/// schema behind the code (and EF refuses to migrate with pending model changes). The fix is the two commands in
/// ARCHITECTURE.md, "Data". Neither check opens a database.
/// </summary>
public sealed class MigrationSetTests
{
    const string Fix = "The model changed without a migration. Add one for both providers (ARCHITECTURE.md, Data):";

    [Fact]
    public void SqliteMigrations_ComparedWithTheModel_HaveNoPendingChanges()
    {
        using var db = new SqliteHoistDbDesignTimeFactory().CreateDbContext([]);

        db.Database.GetMigrations().ShouldNotBeEmpty();
        db.Database.HasPendingModelChanges().ShouldBeFalse($"{Fix} dotnet ef migrations add <Name> --project src/Hoist.Server --context SqliteHoistDb --output-dir Data/Sqlite/Migrations");
    }

    [Fact]
    public void PostgresMigrations_ComparedWithTheModel_HaveNoPendingChanges()
    {
        using var db = new PostgresHoistDbDesignTimeFactory().CreateDbContext([]);

        db.Database.GetMigrations().ShouldNotBeEmpty();
        db.Database.HasPendingModelChanges().ShouldBeFalse($"{Fix} dotnet ef migrations add <Name> --project src/Hoist.Server --context PostgresHoistDb --output-dir Data/Postgres/Migrations");
    }

    [Fact]
    public void MigrationSets_OfBothProviders_HaveTheSameMigrationsInTheSameOrder()
    {
        using HoistDb sqlite = new SqliteHoistDbDesignTimeFactory().CreateDbContext([]);
        using HoistDb postgres = new PostgresHoistDbDesignTimeFactory().CreateDbContext([]);

        // Ids are <timestamp>_<Name>; the two commands run seconds apart, so only the names and their order must agree.
        static List<string> Names(HoistDb db) => db.Database.GetMigrations().Select(id => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..]).ToList();
        Names(postgres).ShouldBe(Names(sqlite));
    }
}
