using System.ComponentModel.DataAnnotations;

namespace Hoist.Server.Setup;

/// <summary>Server settings, section <c>Hoist</c>. <c>--data-dir</c> on the command line maps to <see cref="DataDir"/>.</summary>
public sealed class HoistOptions
{
    public const string Section = "Hoist";

    /// <summary>Where the SQLite database lives (ignored with PostgreSQL).</summary>
    [Required]
    public string DataDir { get; set; } = "./.hoist";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>; PostgreSQL is also chosen when <c>ConnectionStrings:Postgres</c> is set.</summary>
    public string? Database { get; set; }

    /// <summary>From <c>ConnectionStrings:Postgres</c>.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Base URL used in links handed to CI (release pages); the request's own host when unset.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>From <c>HOIST_ADMIN_PASSWORD</c>: the first admin's password; generated and printed once when unset.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Failed token checks or logins from one source within <see cref="FailureWindow"/> before it gets 429s.</summary>
    [Range(1, 100_000)]
    public int MaxAuthFailures { get; set; } = 20;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Interval of SSE comment lines that keep proxies from closing a quiet release stream.</summary>
    public TimeSpan SseHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    public bool UsePostgres =>
        !string.IsNullOrWhiteSpace(PostgresConnectionString) || string.Equals(Database, "postgres", StringComparison.OrdinalIgnoreCase);
}
