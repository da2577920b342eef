using Hoist.Server.Auth;
using Hoist.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hoist.Server.Teams;

public static class TeamsApi
{
    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/teams").WithTags("Teams").RequireAuthorization(Policies.Manage);
        api.MapGet("/", ListTeams).WithName("ListTeams");
        api.MapPost("/", CreateTeam).WithName("CreateTeam");
        api.MapGet("/{teamId:long}", GetTeam).WithName("GetTeam");
        api.MapGet("/{teamId:long}/members", ListMembers).WithName("ListTeamMembers");
        api.MapPut("/{teamId:long}/members/{userName}", SetMember).WithName("SetTeamMember")
            .WithSummary("Add a user to the team, or change their role or the deploy-settings grant.");
        api.MapDelete("/{teamId:long}/members/{userName}", RemoveMember).WithName("RemoveTeamMember");
        return app;
    }

    static async Task<Ok<IReadOnlyList<TeamDto>>> ListTeams(Actor actor, TeamService teams, CancellationToken ct) =>
        TypedResults.Ok(await teams.ListAsync(actor, ct));

    static async Task<Results<Created<TeamDto>, ProblemHttpResult>> CreateTeam(Actor actor, CreateTeamRequest request, TeamService teams, CancellationToken ct) =>
        (await teams.CreateAsync(actor, request, ct)).ToCreated(t => $"/api/v1/teams/{t.Id}");

    static async Task<Results<Ok<TeamDto>, ProblemHttpResult>> GetTeam(Actor actor, long teamId, TeamService teams, CancellationToken ct) =>
        (await teams.GetAsync(actor, teamId, ct)).ToOk();

    static async Task<Results<Ok<IReadOnlyList<TeamMemberDto>>, ProblemHttpResult>> ListMembers(Actor actor, long teamId, TeamService teams, CancellationToken ct) =>
        (await teams.MembersAsync(actor, teamId, ct)).ToOk();

    static async Task<Results<Ok<TeamMemberDto>, ProblemHttpResult>> SetMember(
        Actor actor, long teamId, string userName, SetTeamMemberRequest request, TeamService teams, CancellationToken ct) =>
        (await teams.SetMemberAsync(actor, teamId, userName, request, ct)).ToOk();

    static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(Actor actor, long teamId, string userName, TeamService teams, CancellationToken ct) =>
        (await teams.RemoveMemberAsync(actor, teamId, userName, ct)).ToNoContent();
}
