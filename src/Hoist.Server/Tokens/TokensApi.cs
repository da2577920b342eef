using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Tokens;

public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/tokens").WithTags("Personal access tokens").RequireAuthorization(Policies.Manage);
        api.MapGet("/", ListTokens).WithName("ListTokens").WithSummary("Your tokens: prefix, scopes, last use; never the secret.");
        api.MapPost("/", CreateToken).WithName("CreateToken").WithSummary("Creates a token; the secret is in this response only.");
        api.MapDelete("/{id:long}", RevokeToken).WithName("RevokeToken");
        return app;
    }

    static async Task<Ok<IReadOnlyList<TokenDto>>> ListTokens(Actor actor, TokenService tokens, CancellationToken ct) =>
        TypedResults.Ok(await tokens.ListAsync(actor, ct));

    static async Task<Results<Created<TokenCreatedDto>, ProblemHttpResult>> CreateToken(Actor actor, CreateTokenRequest request, TokenService tokens, CancellationToken ct) =>
        (await tokens.CreateAsync(actor, request, ct)).ToCreated(_ => "/api/v1/tokens");

    static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(Actor actor, long id, TokenService tokens, CancellationToken ct) =>
        (await tokens.RevokeAsync(actor, id, ct)).ToNoContent();
}
