using System.Security.Cryptography;
using Hoist.Server.Users;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Setup;

/// <summary>Where the generated first-admin password is printed: the console, never a logger (log files and collectors keep it).</summary>
public sealed class BootstrapConsole(TextWriter writer)
{
    public TextWriter Writer { get; } = writer;
}

/// <summary>
/// First start: creates the server admin <c>admin</c> with <c>HOIST_ADMIN_PASSWORD</c>, or with a generated
/// password printed once to the console. Nothing happens once any user exists.
/// </summary>
public sealed class AdminBootstrap(IServiceScopeFactory scopes, IOptions<HoistOptions> options, BootstrapConsole console, ILogger<AdminBootstrap> log)
{
    public const string AdminUserName = "admin";

    public async Task EnsureAdminAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserService>();
        var given = options.Value.AdminPassword;
        var password = string.IsNullOrEmpty(given) ? RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20) : given;
        if (!await users.CreateFirstAdminAsync(AdminUserName, password, ct)) return;

        log.LogInformation("Created the server admin {UserName}", AdminUserName);
        if (string.IsNullOrEmpty(given))
        {
            await console.Writer.WriteLineAsync(
                $"Hoist: created the server admin '{AdminUserName}' with the password {password}  (shown only now; set HOIST_ADMIN_PASSWORD to choose it, and change it after logging in)");
            await console.Writer.FlushAsync(ct);
        }
    }
}
