using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Hoist.Server.Data.Postgres;

/// <summary><see cref="HoistDb"/> on PostgreSQL; the migrations in <c>Data/Postgres/Migrations</c> belong to this type.</summary>
public sealed class PostgresHoistDb(DbContextOptions<PostgresHoistDb> options) : HoistDb(options);

/// <summary>
/// How <c>dotnet ef</c> builds the context, without starting the server (and its settings) just to read the model.
/// Adding a migration never connects, so no server needs to listen at the address named here.
/// </summary>
public sealed class PostgresHoistDbDesignTimeFactory : IDesignTimeDbContextFactory<PostgresHoistDb>
{
    public PostgresHoistDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHoistDb>().UseNpgsql("Host=localhost;Database=hoist").Options);
}
