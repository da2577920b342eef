using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Users;

public sealed record UserDto(long Id, string UserName, string DisplayName, bool IsAdmin, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserDto From(User u) => new(u.Id, u.UserName, u.DisplayName, u.IsAdmin, u.Disabled, u.CreatedAt);
}

public sealed record CreateUserRequest(string? UserName, string? Password, string? DisplayName, bool? IsAdmin);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>Users and their passwords. Only server admins create, list and disable users.</summary>
public sealed class UserService(HoistDb db, AuditLog audit, IPasswordHasher<User> hasher, TimeProvider time)
{
    public const int MinPasswordLength = 8;

    public async Task<Outcome<UserDto>> CreateAsync(Actor actor, CreateUserRequest request, CancellationToken ct)
    {
        if (!actor.IsSystemAdmin) return ApiProblem.Forbidden("Only a server admin may create users.");
        if (InputRules.Identifier("userName", request.UserName, 64) is { } bad) return bad;
        if (PasswordProblem("password", request.Password) is { } badPassword) return badPassword;
        if (InputRules.Text("displayName", request.DisplayName, InputRules.MaxDisplayName, required: false) is { } badName) return badName;

        var userName = request.UserName!.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.UserName == userName, ct))
            return ApiProblem.Conflict($"A user named '{userName}' already exists.", "userName");
        var user = new User
        {
            UserName = userName,
            DisplayName = request.DisplayName ?? userName,
            IsAdmin = request.IsAdmin ?? false,
            CreatedAt = time.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return ApiProblem.Conflict($"A user named '{userName}' already exists.", "userName");
        }
        await audit.RecordAsync(actor, AuditActions.UserCreate, target: ("user", user.UserName), detail: user.IsAdmin ? "server admin" : null, ct: ct);
        return UserDto.From(user);
    }

    public async Task<IReadOnlyList<UserDto>> ListAsync(CancellationToken ct) =>
        (await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct)).Select(UserDto.From).ToList();

    public async Task<Outcome<UserDto>> SetDisabledAsync(Actor actor, long userId, bool disabled, CancellationToken ct)
    {
        if (!actor.IsSystemAdmin) return ApiProblem.Forbidden("Only a server admin may disable users.");
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return ApiProblem.NotFound("This user");
        if (user.Id == actor.UserId && disabled) return ApiProblem.Conflict("You cannot disable yourself.");
        user.Disabled = disabled;
        user.SecurityStamp = User.NewStamp();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, disabled ? AuditActions.UserDisable : AuditActions.UserEnable, target: ("user", user.UserName), ct: ct);
        return UserDto.From(user);
    }

    public async Task<Outcome<UserDto>> ChangePasswordAsync(Actor actor, ChangePasswordRequest request, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == actor.UserId, ct);
        if (user is null) return ApiProblem.NotFound("This user");
        if (request.CurrentPassword is null || hasher.VerifyHashedPassword(user, user.PasswordHash, request.CurrentPassword) == PasswordVerificationResult.Failed)
            return new ApiProblem(StatusCodes.Status403Forbidden, ProblemCodes.InvalidCredentials, "Wrong password", "The current password is not correct.")
            { Field = "currentPassword" };
        if (PasswordProblem("newPassword", request.NewPassword) is { } bad) return bad;
        user.PasswordHash = hasher.HashPassword(user, request.NewPassword!);
        user.SecurityStamp = User.NewStamp();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.PasswordChange, target: ("user", user.UserName), ct: ct);
        return UserDto.From(user);
    }

    /// <summary>The user, when the name and password match an enabled account.</summary>
    public async Task<User?> VerifyLoginAsync(string? userName, string? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password) || userName.Length > 64 || password.Length > 1024) return null;
        var normalized = userName.ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == normalized, ct);
        if (user is null || user.Disabled) return null;
        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed) return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        return user;
    }

    /// <summary>For the first start: creates the server admin when no user exists yet.</summary>
    internal async Task<bool> CreateFirstAdminAsync(string userName, string password, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(ct)) return false;
        var user = new User { UserName = userName, DisplayName = "Administrator", IsAdmin = true, CreatedAt = time.GetUtcNow() };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return false; // another replica won
        }
        await audit.RecordAsync(Actor.System, AuditActions.UserCreate, target: ("user", userName), detail: "first server admin", ct: ct);
        return true;
    }

    static ApiProblem? PasswordProblem(string field, string? password)
    {
        if (string.IsNullOrEmpty(password)) return ApiProblem.Invalid(field, $"'{field}' is required.");
        if (password.Length < MinPasswordLength) return ApiProblem.Invalid(field, $"Passwords need at least {MinPasswordLength} characters.");
        if (password.Length > 256) return ApiProblem.Invalid(field, "Passwords are limited to 256 characters.");
        return null;
    }
}
