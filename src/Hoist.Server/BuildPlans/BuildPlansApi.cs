using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.BuildPlans;

public static class BuildPlansApi
{
    public static IEndpointRouteBuilder MapBuildPlansApi(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/api/v1/projects/{projectId:long}/build-plans").WithTags("Build plans").RequireAuthorization(Policies.Manage);
        projects.MapGet("/", ListBuildPlans).WithName("ListBuildPlans");
        projects.MapPost("/", CreateBuildPlan).WithName("CreateBuildPlan");
        app.MapGet("/api/v1/build-plans/{buildPlanId:long}", GetBuildPlan).WithTags("Build plans").RequireAuthorization(Policies.Manage).WithName("GetBuildPlan");
        return app;
    }

    static async Task<Results<Ok<IReadOnlyList<BuildPlanDto>>, ProblemHttpResult>> ListBuildPlans(Actor actor, long projectId, BuildPlanService plans, CancellationToken ct) =>
        (await plans.ListAsync(actor, projectId, ct)).ToOk();

    static async Task<Results<Created<BuildPlanDto>, ProblemHttpResult>> CreateBuildPlan(
        Actor actor, long projectId, CreateBuildPlanRequest request, BuildPlanService plans, CancellationToken ct) =>
        (await plans.CreateAsync(actor, projectId, request, ct)).ToCreated(p => $"/api/v1/build-plans/{p.Id}");

    static async Task<Results<Ok<BuildPlanDto>, ProblemHttpResult>> GetBuildPlan(Actor actor, long buildPlanId, BuildPlanService plans, CancellationToken ct) =>
        (await plans.GetAsync(actor, buildPlanId, ct)).ToOk();
}
