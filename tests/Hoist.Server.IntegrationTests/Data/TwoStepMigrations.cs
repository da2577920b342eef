using Hoist.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hoist.Server.IntegrationTests.Data;

/// <summary>
/// A context whose migration set (below, in this assembly) has two steps, so the concurrency tests meet what replicas
/// meet once Hoist has a second migration: EF releasing its PostgreSQL lock between two migrations.
/// </summary>
public sealed class TwoStepDb(DbContextOptions<TwoStepDb> options) : HoistDb(options)
{
    public static TwoStepDb Create(string postgresConnectionString) => new(new DbContextOptionsBuilder<TwoStepDb>()
        .UseNpgsql(postgresConnectionString, o => o.MigrationsAssembly(typeof(TwoStepDb).Assembly.GetName().Name))
        .Options);
}

[DbContext(typeof(TwoStepDb))]
[Migration("00000000000001_StepOne")]
public sealed class StepOne : Migration
{
    // Slow enough that the other replicas are all queued on the migration lock when it commits.
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("CREATE TABLE step_one (id integer); SELECT pg_sleep(0.3);");
}

[DbContext(typeof(TwoStepDb))]
[Migration("00000000000002_StepTwo")]
public sealed class StepTwo : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("CREATE TABLE step_two (id integer);");
}
