using System.Globalization;
using System.Text.RegularExpressions;
using Hoist.Server.Applications;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.BuildPlans;
using Hoist.Server.Data;
using Hoist.Server.Deploys;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Credentials;

public sealed record CreateCredentialRequest
{
    public long? BuildPlanId { get; init; }
    /// <summary>Defaults to the team's name (CODING's <c>${CCI_CURRENT_TEAM}</c>).</summary>
    public string? Application { get; init; }
    /// <summary>Defaults to <c>&lt;project&gt;-&lt;build plan&gt;-&lt;index&gt;</c>.</summary>
    public string? PipelineName { get; init; }
    public long? CloudAccountId { get; init; }
    public string? Namespace { get; init; }
    public string? Kind { get; init; }
    public string? WorkloadName { get; init; }
    public string? Container { get; init; }
    public IReadOnlyList<string>? AllowedImagePrefixes { get; init; }
    public bool? RollbackOnFailure { get; init; }
}

public sealed record ReissueCredentialRequest(long? BuildPlanId, string? PipelineName);

public sealed record CredentialDto
{
    public required string Id { get; init; }
    public required int Index { get; init; }
    public required long ProjectId { get; init; }
    public required string Project { get; init; }
    public required long BuildPlanId { get; init; }
    public required string BuildPlan { get; init; }
    public required string Application { get; init; }
    public required string PipelineName { get; init; }
    public long? CloudAccountId { get; init; }
    public string? CloudAccountName { get; init; }
    public string? Namespace { get; init; }
    public WorkloadKind? Kind { get; init; }
    public string? WorkloadName { get; init; }
    public string? Container { get; init; }
    public IReadOnlyList<string> AllowedImagePrefixes { get; init; } = [];
    public bool RollbackOnFailure { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? ReissuedFrom { get; init; }
    /// <summary>The CI variables a pipeline step needs (none of them secret): CD_CREDENTIAL_ID, CD_CREDENTIAL_INDEX, CD_ACCOUNT_NAME, …</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Deploy credentials (CD 发布凭据): created, revoked and re-issued by people with DeploySettings; bound to one
/// project and one build plan, each with its own pipeline.
/// </summary>
public sealed partial class CredentialService(HoistDb db, Access access, ApplicationService applications, AuditLog audit, TimeProvider time)
{
    public const int MaxImagePrefixes = 20;

    public async Task<Outcome<CredentialDto>> CreateAsync(Actor actor, long projectId, CreateCredentialRequest request, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.DeploySettings, ct);
        if (!a.Ok) return a.Problem!;
        var (project, team) = (a.Value!.Project, a.Value.Team);

        if (request.BuildPlanId is null) return ApiProblem.Invalid("buildPlanId", "'buildPlanId' is required: a credential authorizes one build plan.");
        var plan = await db.BuildPlans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.BuildPlanId && p.ProjectId == projectId, ct);
        if (plan is null) return ApiProblem.Invalid("buildPlanId", "'buildPlanId' is not a build plan of this project.");
        if (InputRules.DisplayName("application", request.Application ?? team.Name) is { } badApp) return badApp;
        if (request.PipelineName is not null && InputRules.DisplayName("pipelineName", request.PipelineName, 200) is { } badPipeline) return badPipeline;

        var narrowing = await NarrowingAsync(team.Id, request, ct);
        if (!narrowing.Ok) return narrowing.Problem!;
        var credential = narrowing.Value!;
        credential.ProjectId = projectId;
        credential.BuildPlanId = plan.Id;
        credential.CreatedByUserId = actor.UserId;

        var created = await StoreAsync(credential, project.Name, plan, team.Id, request.Application ?? team.Name, request.PipelineName, ct);
        if (!created.Ok) return created.Problem!;
        await audit.RecordAsync(actor, AuditActions.CredentialCreate, teamId: team.Id, projectId: projectId, target: ("credential", credential.PublicId),
            detail: $"buildPlan={plan.Name} index={credential.Index} {Describe(credential)}", ct: ct);
        return await DescribeAsync(credential, ct);
    }

    /// <summary>A new credential for another build plan of the same project (e.g. a copied one), with the same narrowing.</summary>
    public async Task<Outcome<CredentialDto>> ReissueAsync(Actor actor, string publicId, ReissueCredentialRequest request, CancellationToken ct)
    {
        var found = await FindAsync(actor, publicId, ProjectNeed.DeploySettings, ct);
        if (!found.Ok) return found.Problem!;
        var (source, a) = found.Value;
        if (request.BuildPlanId is null) return ApiProblem.Invalid("buildPlanId", "'buildPlanId' is required: the build plan the new credential is for.");
        var plan = await db.BuildPlans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.BuildPlanId && p.ProjectId == source.ProjectId, ct);
        if (plan is null) return ApiProblem.Invalid("buildPlanId", "'buildPlanId' is not a build plan of this project.");
        if (request.PipelineName is not null && InputRules.DisplayName("pipelineName", request.PipelineName, 200) is { } badPipeline) return badPipeline;
        var application = await db.Pipelines.Where(p => p.Id == source.PipelineId)
            .Join(db.Applications, p => p.ApplicationId, x => x.Id, (p, x) => x.Name).FirstAsync(ct);

        var credential = new DeployCredential
        {
            ProjectId = source.ProjectId, BuildPlanId = plan.Id, CloudAccountId = source.CloudAccountId, Namespace = source.Namespace,
            Kind = source.Kind, WorkloadName = source.WorkloadName, Container = source.Container,
            AllowedImagePrefixes = source.AllowedImagePrefixes, RollbackOnFailure = source.RollbackOnFailure,
            CreatedByUserId = actor.UserId, ReissuedFromId = source.Id,
        };
        var created = await StoreAsync(credential, a.Project.Name, plan, a.Team.Id, application, request.PipelineName, ct);
        if (!created.Ok) return created.Problem!;
        await audit.RecordAsync(actor, AuditActions.CredentialReissue, teamId: a.Team.Id, projectId: source.ProjectId, target: ("credential", credential.PublicId),
            detail: $"from={source.PublicId} buildPlan={plan.Name} index={credential.Index}", ct: ct);
        return await DescribeAsync(credential, ct);
    }

    public async Task<Outcome<CredentialDto>> RevokeAsync(Actor actor, string publicId, CancellationToken ct)
    {
        var found = await FindAsync(actor, publicId, ProjectNeed.DeploySettings, ct);
        if (!found.Ok) return found.Problem!;
        var (credential, a) = found.Value;
        if (credential.RevokedAt is null)
        {
            credential.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(actor, AuditActions.CredentialRevoke, teamId: a.Team.Id, projectId: credential.ProjectId, target: ("credential", credential.PublicId), ct: ct);
        }
        return await DescribeAsync(credential, ct);
    }

    public async Task<Outcome<CredentialDto>> GetAsync(Actor actor, string publicId, CancellationToken ct)
    {
        var found = await FindAsync(actor, publicId, ProjectNeed.Work, ct);
        return found.Ok ? await DescribeAsync(found.Value.Credential, ct) : found.Problem!;
    }

    public async Task<Outcome<IReadOnlyList<CredentialDto>>> ListAsync(Actor actor, long projectId, CancellationToken ct)
    {
        var a = await access.ProjectAsync(actor, projectId, ProjectNeed.Work, ct);
        if (!a.Ok) return a.Problem!;
        var list = await db.DeployCredentials.AsNoTracking().Where(c => c.ProjectId == projectId).OrderBy(c => c.Index).ToListAsync(ct);
        var result = new List<CredentialDto>(list.Count);
        foreach (var c in list) result.Add(await DescribeAsync(c, ct));
        return result;
    }

    internal async Task<CredentialDto> DescribeAsync(DeployCredential c, CancellationToken ct)
    {
        var names = await (
            from p in db.Projects
            join b in db.BuildPlans on c.BuildPlanId equals b.Id
            join pl in db.Pipelines on c.PipelineId equals pl.Id
            join app in db.Applications on pl.ApplicationId equals app.Id
            where p.Id == c.ProjectId
            select new { Project = p.Name, BuildPlan = b.Name, Pipeline = pl.Name, Application = app.Name }).FirstAsync(ct);
        var account = c.CloudAccountId is null ? null
            : await db.CloudAccounts.Where(x => x.Id == c.CloudAccountId).Select(x => x.Name).FirstOrDefaultAsync(ct);
        var reissuedFrom = c.ReissuedFromId is null ? null
            : await db.DeployCredentials.Where(x => x.Id == c.ReissuedFromId).Select(x => x.PublicId).FirstOrDefaultAsync(ct);

        var env = new Dictionary<string, string>
        {
            ["CD_CREDENTIAL_ID"] = c.PublicId,
            ["CD_CREDENTIAL_INDEX"] = c.Index.ToString(CultureInfo.InvariantCulture),
        };
        if (account is not null) env["CD_ACCOUNT_NAME"] = account;
        if (c.Namespace is not null) env["CD_NAMESPACE_NAME"] = c.Namespace;
        if (c.Kind is not null) env["CD_MANIFEST_TYPE"] = c.Kind.Value.ToString();
        if (c.WorkloadName is not null) env["CD_MANIFEST_NAME"] = c.WorkloadName;
        if (c.Container is not null) env["CD_CONTAINER_NAME"] = c.Container;

        return new CredentialDto
        {
            Id = c.PublicId, Index = c.Index, ProjectId = c.ProjectId, Project = names.Project, BuildPlanId = c.BuildPlanId,
            BuildPlan = names.BuildPlan, Application = names.Application, PipelineName = names.Pipeline, CloudAccountId = c.CloudAccountId,
            CloudAccountName = account, Namespace = c.Namespace, Kind = c.Kind, WorkloadName = c.WorkloadName, Container = c.Container,
            AllowedImagePrefixes = c.ImagePrefixList, RollbackOnFailure = c.RollbackOnFailure, CreatedAt = c.CreatedAt, RevokedAt = c.RevokedAt,
            ReissuedFrom = reissuedFrom, Environment = env,
        };
    }

    async Task<Outcome<(DeployCredential Credential, ProjectAccess Access)>> FindAsync(Actor actor, string publicId, ProjectNeed need, CancellationToken ct)
    {
        if (!IsPublicId(publicId)) return ApiProblem.NotFound("This credential");
        var credential = await db.DeployCredentials.FirstOrDefaultAsync(c => c.PublicId == publicId, ct);
        if (credential is null) return ApiProblem.NotFound("This credential");
        var a = await access.ProjectAsync(actor, credential.ProjectId, need, ct);
        return a.Ok ? (credential, a.Value!) : a.Problem!;
    }

    /// <summary>Validates the optional narrowing of a new credential and returns it, not yet stored.</summary>
    async Task<Outcome<DeployCredential>> NarrowingAsync(long teamId, CreateCredentialRequest r, CancellationToken ct)
    {
        var c = new DeployCredential { RollbackOnFailure = r.RollbackOnFailure ?? false };
        if (r.CloudAccountId is { } accountId)
        {
            if (!await db.CloudAccounts.AnyAsync(x => x.Id == accountId && x.TeamId == teamId, ct))
                return ApiProblem.Invalid("cloudAccountId", "'cloudAccountId' is not a cloud account of this team.");
            c.CloudAccountId = accountId;
        }
        if (r.Namespace is not null)
        {
            if (InputRules.DnsLabel("namespace", r.Namespace) is { } bad) return bad;
            c.Namespace = r.Namespace;
        }
        if (r.Kind is not null)
        {
            var kind = WorkloadKindInput.Parse("kind", r.Kind);
            if (!kind.Ok) return kind.Problem!;
            c.Kind = kind.Value;
        }
        if (r.WorkloadName is not null)
        {
            if (InputRules.DnsSubdomain("workloadName", r.WorkloadName) is { } bad) return bad;
            c.WorkloadName = r.WorkloadName;
        }
        if (r.Container is not null)
        {
            if (InputRules.DnsLabel("container", r.Container) is { } bad) return bad;
            c.Container = r.Container;
        }
        if (r.AllowedImagePrefixes is { Count: > 0 } prefixes)
        {
            if (prefixes.Count > MaxImagePrefixes) return ApiProblem.Invalid("allowedImagePrefixes", $"At most {MaxImagePrefixes} prefixes.");
            foreach (var p in prefixes)
                if (p is null || p.Length is 0 or > 255 || !ImagePrefixPattern().IsMatch(p))
                    return ApiProblem.Invalid("allowedImagePrefixes", "Each prefix is an image repository prefix such as 'registry.example.com/team/'.");
            c.AllowedImagePrefixes = string.Join('\n', prefixes.Distinct(StringComparer.Ordinal));
        }
        return c;
    }

    /// <summary>Stores the credential with the next index and its pipeline, in one transaction; retries when another creation took the index.</summary>
    async Task<Outcome<bool>> StoreAsync(DeployCredential credential, string projectName, BuildPlan plan, long teamId, string applicationName, string? pipelineName, CancellationToken ct)
    {
        var application = await applications.EnsureAsync(teamId, applicationName, ct);
        for (var attempt = 0; ; attempt++)
        {
            var index = (await db.DeployCredentials.Where(c => c.ProjectId == credential.ProjectId).MaxAsync(c => (int?)c.Index, ct) ?? 0) + 1;
            var name = pipelineName ?? Applications.Pipeline.DefaultName(projectName, plan.Name, index);
            if (await db.Pipelines.AnyAsync(p => p.ApplicationId == application.Id && p.Name == name, ct))
                return ApiProblem.Conflict($"Application '{application.Name}' already has a pipeline named '{name}'.", "pipelineName");

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var pipeline = new Applications.Pipeline
            {
                ApplicationId = application.Id, ProjectId = credential.ProjectId, BuildPlanId = plan.Id, Name = name, CreatedAt = time.GetUtcNow(),
            };
            db.Pipelines.Add(pipeline);
            try
            {
                await db.SaveChangesAsync(ct);
                credential.Index = index;
                credential.PublicId = DeployCredential.NewPublicId();
                credential.PipelineId = pipeline.Id;
                credential.CreatedAt = time.GetUtcNow();
                db.DeployCredentials.Add(credential);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return true;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt < 5)
            {
                await tx.RollbackAsync(ct);
                db.Entry(pipeline).State = EntityState.Detached;
                db.Entry(credential).State = EntityState.Detached;
            }
        }
    }

    internal static bool IsPublicId(string? value) => value is { Length: 32 } && PublicIdPattern().IsMatch(value);

    static string Describe(DeployCredential c) =>
        $"cloudAccount={c.CloudAccountId?.ToString(CultureInfo.InvariantCulture) ?? "*"} namespace={c.Namespace ?? "*"} kind={c.Kind?.ToString() ?? "*"} " +
        $"workload={c.WorkloadName ?? "*"} container={c.Container ?? "*"} images={(c.AllowedImagePrefixes is null ? "*" : c.AllowedImagePrefixes.Replace('\n', ','))}";

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex PublicIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-/:]*$")]
    private static partial Regex ImagePrefixPattern();
}
