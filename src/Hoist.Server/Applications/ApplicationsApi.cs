using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Applications;

public static class ApplicationsApi
{
    public static IEndpointRouteBuilder MapApplicationsApi(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/v1/teams/{teamId:long}/applications").WithTags("Applications").RequireAuthorization(Policies.Manage);
        teams.MapGet("/", ListApplications).WithName("ListApplications");
        teams.MapPost("/", CreateApplication).WithName("CreateApplication");
        app.MapGet("/api/v1/projects/{projectId:long}/pipelines", ListPipelines).WithTags("Applications")
            .RequireAuthorization(Policies.Manage).WithName("ListPipelines");
        return app;
    }

    static async Task<Results<Ok<IReadOnlyList<ApplicationDto>>, ProblemHttpResult>> ListApplications(Actor actor, long teamId, ApplicationService apps, CancellationToken ct) =>
        (await apps.ListAsync(actor, teamId, ct)).ToOk();

    static async Task<Results<Created<ApplicationDto>, ProblemHttpResult>> CreateApplication(
        Actor actor, long teamId, CreateApplicationRequest request, ApplicationService apps, CancellationToken ct) =>
        (await apps.CreateAsync(actor, teamId, request, ct)).ToCreated(a => $"/api/v1/teams/{a.TeamId}/applications");

    static async Task<Results<Ok<IReadOnlyList<PipelineDto>>, ProblemHttpResult>> ListPipelines(Actor actor, long projectId, ApplicationService apps, CancellationToken ct) =>
        (await apps.PipelinesAsync(actor, projectId, ct)).ToOk();
}
