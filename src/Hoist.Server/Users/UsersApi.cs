using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Users;

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(Policies.Manage);
        api.MapGet("/", ListUsers).WithName("ListUsers");
        api.MapPost("/", CreateUser).WithName("CreateUser");
        api.MapPost("/{id:long}/disable", DisableUser).WithName("DisableUser");
        api.MapPost("/{id:long}/enable", EnableUser).WithName("EnableUser");
        app.MapPut("/api/v1/me/password", ChangePassword).WithTags("Users").RequireAuthorization(Policies.Manage).WithName("ChangePassword");
        return app;
    }

    static async Task<Results<Ok<IReadOnlyList<UserDto>>, ProblemHttpResult>> ListUsers(Actor actor, UserService users, CancellationToken ct) =>
        actor.IsSystemAdmin ? TypedResults.Ok(await users.ListAsync(ct)) : ApiProblem.Forbidden("Only a server admin may list users.").ToResult();

    static async Task<Results<Created<UserDto>, ProblemHttpResult>> CreateUser(Actor actor, CreateUserRequest request, UserService users, CancellationToken ct) =>
        (await users.CreateAsync(actor, request, ct)).ToCreated(u => $"/api/v1/users/{u.Id}");

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> DisableUser(Actor actor, long id, UserService users, CancellationToken ct) =>
        (await users.SetDisabledAsync(actor, id, true, ct)).ToOk();

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> EnableUser(Actor actor, long id, UserService users, CancellationToken ct) =>
        (await users.SetDisabledAsync(actor, id, false, ct)).ToOk();

    static async Task<Results<Ok<UserDto>, ProblemHttpResult>> ChangePassword(Actor actor, ChangePasswordRequest request, UserService users, CancellationToken ct) =>
        (await users.ChangePasswordAsync(actor, request, ct)).ToOk();
}
