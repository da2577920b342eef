using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Hoist.Server.Data.Sqlite;

/// <summary><see cref="HoistDb"/> on SQLite; the migrations in <c>Data/Sqlite/Migrations</c> belong to this type.</summary>
public sealed class SqliteHoistDb(DbContextOptions<SqliteHoistDb> options) : HoistDb(options);

/// <summary>
/// How <c>dotnet ef</c> builds the context, without starting the server (and its settings) just to read the model.
/// Adding a migration never opens the database, so the file named here is never created.
/// </summary>
public sealed class SqliteHoistDbDesignTimeFactory : IDesignTimeDbContextFactory<SqliteHoistDb>
{
    public SqliteHoistDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteHoistDb>().UseSqlite("Data Source=hoist.db").Options);
}
