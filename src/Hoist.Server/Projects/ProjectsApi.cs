using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Projects;

public static class ProjectsApi
{
    public static IEndpointRouteBuilder MapProjectsApi(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/v1/teams/{teamId:long}/projects").WithTags("Projects").RequireAuthorization(Policies.Manage);
        teams.MapGet("/", ListProjects).WithName("ListProjects");
        teams.MapPost("/", CreateProject).WithName("CreateProject");

        var api = app.MapGroup("/api/v1/projects/{projectId:long}").WithTags("Projects").RequireAuthorization(Policies.Manage);
        api.MapGet("/", GetProject).WithName("GetProject");
        api.MapGet("/members", ListMembers).WithName("ListProjectMembers");
        api.MapPut("/members/{userName}", AddMember).WithName("AddProjectMember");
        api.MapDelete("/members/{userName}", RemoveMember).WithName("RemoveProjectMember");
        return app;
    }

    static async Task<Results<Ok<IReadOnlyList<ProjectDto>>, ProblemHttpResult>> ListProjects(Actor actor, long teamId, ProjectService projects, CancellationToken ct) =>
        (await projects.ListAsync(actor, teamId, ct)).ToOk();

    static async Task<Results<Created<ProjectDto>, ProblemHttpResult>> CreateProject(
        Actor actor, long teamId, CreateProjectRequest request, ProjectService projects, CancellationToken ct) =>
        (await projects.CreateAsync(actor, teamId, request, ct)).ToCreated(p => $"/api/v1/projects/{p.Id}");

    static async Task<Results<Ok<ProjectDto>, ProblemHttpResult>> GetProject(Actor actor, long projectId, ProjectService projects, CancellationToken ct) =>
        (await projects.GetAsync(actor, projectId, ct)).ToOk();

    static async Task<Results<Ok<IReadOnlyList<ProjectMemberDto>>, ProblemHttpResult>> ListMembers(Actor actor, long projectId, ProjectService projects, CancellationToken ct) =>
        (await projects.MembersAsync(actor, projectId, ct)).ToOk();

    static async Task<Results<Ok<ProjectMemberDto>, ProblemHttpResult>> AddMember(Actor actor, long projectId, string userName, ProjectService projects, CancellationToken ct) =>
        (await projects.AddMemberAsync(actor, projectId, userName, ct)).ToOk();

    static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(Actor actor, long projectId, string userName, ProjectService projects, CancellationToken ct) =>
        (await projects.RemoveMemberAsync(actor, projectId, userName, ct)).ToNoContent();
}
