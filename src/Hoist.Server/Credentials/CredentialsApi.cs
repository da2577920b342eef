using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Credentials;

public static class CredentialsApi
{
    public static IEndpointRouteBuilder MapCredentialsApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/api/v1/projects/{projectId:long}/credentials").WithTags("Deploy credentials").RequireAuthorization(Policies.Manage);
        projects.MapGet("/", ListCredentials).WithName("ListCredentials");
        projects.MapPost("/", CreateCredential).WithName("CreateCredential")
            .WithSummary("Creates a deploy credential bound to a build plan (needs the deploy settings permission).");

        var api = app.MapGroup("/api/v1/credentials").WithTags("Deploy credentials").RequireAuthorization(Policies.Manage);
        api.MapGet("/{credentialId}", GetCredential).WithName("GetCredential");
        api.MapPost("/{credentialId}/revoke", RevokeCredential).WithName("RevokeCredential");
        api.MapPost("/{credentialId}/reissue", ReissueCredential).WithName("ReissueCredential")
            .WithSummary("Issues a new credential with the same narrowing for another build plan, e.g. a copied one.");
        return app;
    }

    static async Task<Results<Ok<IReadOnlyList<CredentialDto>>, ProblemHttpResult>> ListCredentials(Actor actor, long projectId, CredentialService credentials, CancellationToken ct) =>
        (await credentials.ListAsync(actor, projectId, ct)).ToOk();

    static async Task<Results<Created<CredentialDto>, ProblemHttpResult>> CreateCredential(
        Actor actor, long projectId, CreateCredentialRequest request, CredentialService credentials, CancellationToken ct) =>
        (await credentials.CreateAsync(actor, projectId, request, ct)).ToCreated(c => $"/api/v1/credentials/{c.Id}");

    static async Task<Results<Ok<CredentialDto>, ProblemHttpResult>> GetCredential(Actor actor, string credentialId, CredentialService credentials, CancellationToken ct) =>
        (await credentials.GetAsync(actor, credentialId, ct)).ToOk();

    static async Task<Results<Ok<CredentialDto>, ProblemHttpResult>> RevokeCredential(Actor actor, string credentialId, CredentialService credentials, CancellationToken ct) =>
        (await credentials.RevokeAsync(actor, credentialId, ct)).ToOk();

    static async Task<Results<Created<CredentialDto>, ProblemHttpResult>> ReissueCredential(
        Actor actor, string credentialId, ReissueCredentialRequest request, CredentialService credentials, CancellationToken ct) =>
        (await credentials.ReissueAsync(actor, credentialId, request, ct)).ToCreated(c => $"/api/v1/credentials/{c.Id}");
}
