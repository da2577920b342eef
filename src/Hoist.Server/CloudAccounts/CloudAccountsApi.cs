using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.CloudAccounts;

public static class CloudAccountsApi
{
    public static IEndpointRouteBuilder MapCloudAccountsApi(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/v1/teams/{teamId:long}/cloud-accounts").WithTags("Cloud accounts").RequireAuthorization(Policies.Manage);
        teams.MapGet("/", ListCloudAccounts).WithName("ListCloudAccounts");
        teams.MapPost("/", CreateCloudAccount).WithName("CreateCloudAccount")
            .WithSummary("Registers a cluster (kubeconfig + context, or server + token + CA) and checks the connection.");

        var api = app.MapGroup("/api/v1/cloud-accounts").WithTags("Cloud accounts").RequireAuthorization(Policies.Manage);
        api.MapPost("/inspect-kubeconfig", InspectKubeconfig).WithName("InspectKubeconfig")
            .WithSummary("Validates a kubeconfig without saving it and lists its contexts.");
        api.MapGet("/{id:long}", GetCloudAccount).WithName("GetCloudAccount");
        api.MapPut("/{id:long}", UpdateCloudAccount).WithName("UpdateCloudAccount");
        api.MapDelete("/{id:long}", DeleteCloudAccount).WithName("DeleteCloudAccount");
        api.MapPost("/{id:long}/check", CheckCloudAccount).WithName("CheckCloudAccount");
        api.MapGet("/{id:long}/namespaces", ListNamespaces).WithName("ListNamespaces");
        api.MapGet("/{id:long}/namespaces/{ns}/workloads", ListWorkloads).WithName("ListWorkloads")
            .WithSummary("Names of the workloads of one kind (?kind=Deployment) in a namespace.");
        api.MapGet("/{id:long}/namespaces/{ns}/workloads/{kind}/{name}/containers", ListContainers).WithName("ListContainers");
        return app;
    }

    static async Task<Results<Ok<IReadOnlyList<CloudAccountDto>>, ProblemHttpResult>> ListCloudAccounts(Actor actor, long teamId, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.ListAsync(actor, teamId, ct)).ToOk();

    static async Task<Results<Created<CloudAccountCheckedDto>, ProblemHttpResult>> CreateCloudAccount(
        Actor actor, long teamId, CloudAccountRequest request, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.CreateAsync(actor, teamId, request, ct)).ToCreated(a => $"/api/v1/cloud-accounts/{a.Account.Id}");

    static Results<Ok<KubeconfigSummary>, ProblemHttpResult> InspectKubeconfig(InspectKubeconfigRequest request) =>
        CloudAccountService.Inspect(request).ToOk();

    static async Task<Results<Ok<CloudAccountDto>, ProblemHttpResult>> GetCloudAccount(Actor actor, long id, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.GetAsync(actor, id, ct)).ToOk();

    static async Task<Results<Ok<CloudAccountCheckedDto>, ProblemHttpResult>> UpdateCloudAccount(
        Actor actor, long id, CloudAccountRequest request, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.UpdateAsync(actor, id, request, ct)).ToOk();

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteCloudAccount(Actor actor, long id, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.DeleteAsync(actor, id, ct)).ToNoContent();

    static async Task<Results<Ok<CloudAccountCheckedDto>, ProblemHttpResult>> CheckCloudAccount(Actor actor, long id, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.CheckAsync(actor, id, ct)).ToOk();

    static async Task<Results<Ok<IReadOnlyList<string>>, ProblemHttpResult>> ListNamespaces(Actor actor, long id, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.NamespacesAsync(actor, id, ct)).ToOk();

    static async Task<Results<Ok<IReadOnlyList<string>>, ProblemHttpResult>> ListWorkloads(
        Actor actor, long id, string ns, string? kind, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.WorkloadsAsync(actor, id, ns, kind, ct)).ToOk();

    static async Task<Results<Ok<IReadOnlyList<ContainerDto>>, ProblemHttpResult>> ListContainers(
        Actor actor, long id, string ns, string kind, string name, CloudAccountService accounts, CancellationToken ct) =>
        (await accounts.ContainersAsync(actor, id, ns, kind, name, ct)).ToOk();
}
