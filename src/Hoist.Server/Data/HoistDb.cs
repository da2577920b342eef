using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Data;

/// <summary>
/// The one database. Each feature folder adds its own DbSets in a <c>partial</c> of this class and its mapping
/// in an <see cref="IEntityTypeConfiguration{TEntity}"/> next to the entity, so features do not edit each other's files.
/// Abstract because EF ties a migration set to a context type: the server runs <see cref="Sqlite.SqliteHoistDb"/> or
/// <see cref="Postgres.PostgresHoistDb"/>, each with its own migrations, and everything else asks for <c>HoistDb</c>.
/// </summary>
public abstract partial class HoistDb(DbContextOptions options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(HoistDb).Assembly);
}
