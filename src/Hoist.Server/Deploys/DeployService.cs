using System.Security.Cryptography;
using System.Text;
using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.BuildPlans;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Credentials;
using Hoist.Server.Data;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;
using Hoist.Server.Metrics;
using Hoist.Server.Projects;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Deploys;

/// <summary>The answer to a deploy: the release, and whether it was already there (a retry).</summary>
public sealed record DeployResult(DeployAccepted Accepted);

/// <summary>
/// <c>POST /api/v1/deploys</c> after authentication: every check of DESIGN.md §4.1 in the order the API
/// promises, each with its own code, then validation against the cluster (nothing changes there), then the
/// release is stored (Queued) and the engine woken. Every refusal is audited with its reason.
/// </summary>
public sealed partial class DeployService(
    HoistDb db,
    Access access,
    AuditLog audit,
    IReleaseTargetValidator validator,
    IReleaseNotifier notifier,
    HoistMetrics metrics,
    TimeProvider time,
    ILogger<DeployService> log)
{
    public const string PatchImage = "PATCH_IMAGE";
    public const int MinTimeoutSeconds = 10;
    public const int MaxTimeoutSeconds = 6 * 3600;
    public const int MaxImageLength = 512;

    sealed record Bound(DeployCredential Credential, Project Project, BuildPlan Plan, string Pipeline, string Application);

    sealed record Target(CloudAccount Account, WorkloadRef Workload, string Container, ImageReference Image);

    public async Task<Outcome<DeployResult>> DeployAsync(Actor actor, DeployRequest? request, string? idempotencyKey, string baseUrl, CancellationToken ct)
    {
        var outcome = await RunAsync(actor, request, idempotencyKey, baseUrl, ct);
        if (!outcome.Ok)
        {
            var p = outcome.Problem!;
            metrics.DeployRefused(p.Code);
            db.ChangeTracker.Clear();
            var credential = CredentialService.IsPublicId(request?.CredentialId) ? request!.CredentialId : null;
            var found = credential is null ? null
                : await db.DeployCredentials.AsNoTracking().Where(c => c.PublicId == credential).Select(c => new { c.ProjectId })
                    .Join(db.Projects, c => c.ProjectId, x => x.Id, (c, x) => new { x.Id, x.TeamId }).FirstOrDefaultAsync(CancellationToken.None);
            await audit.RecordAsync(actor, AuditActions.DeployRefused, allowed: false, code: p.Code, teamId: found?.TeamId, projectId: found?.Id,
                target: credential is null ? null : ("credential", credential),
                detail: $"{p.Status} {p.Detail}{(p.Field is null ? "" : $" [field {p.Field}]")}", ct: CancellationToken.None);
            LogRefused(log, p.Status, p.Code, p.Field);
        }
        return outcome;
    }

    async Task<Outcome<DeployResult>> RunAsync(Actor actor, DeployRequest? r, string? idempotencyKey, string baseUrl, CancellationToken ct)
    {
        if (r is null)
            return new ApiProblem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "Missing request body", "Send the cdDeploy parameters as a JSON body.");

        // 1–2 (token, scope) happened in the authentication/authorization middleware.
        // Which credential? Without one nothing else can be checked.
        if (string.IsNullOrEmpty(r.CredentialId)) return ApiProblem.Invalid("credentialId", "'credentialId' is required (CD_CREDENTIAL_ID).");
        var bound = await BindingAsync(actor, r, ct);
        if (!bound.Ok) return bound.Problem!;
        var b = bound.Value!;

        if (await NarrowingAsync(b, r, ct) is { } narrowed) return narrowed;

        var target = await ValidateParametersAsync(b, r, idempotencyKey, ct);
        if (!target.Ok) return target.Problem!;
        var t = target.Value!;

        var parameters = ParametersHash(b, r, t);
        var keys = new List<string>();
        if (idempotencyKey is not null) keys.Add(Hash("header", b.Credential.PublicId, idempotencyKey));
        if (!string.IsNullOrEmpty(r.Build?.BuildNumber)) keys.Add(Hash("build", b.Credential.PublicId, r.Build.BuildNumber, parameters));

        if (await ExistingAsync(keys, parameters, baseUrl, ct) is { } existing) return existing;

        if (await ValidateAgainstClusterAsync(t, ct) is { } clusterProblem) return clusterProblem;

        return await CreateAsync(actor, b, r, t, keys, parameters, baseUrl, ct);
    }

    /// <summary>Credential known, user still in its project, credential live, pipeline and build plan as bound.</summary>
    async Task<Outcome<Bound>> BindingAsync(Actor actor, DeployRequest r, CancellationToken ct)
    {
        var credential = CredentialService.IsPublicId(r.CredentialId)
            ? await db.DeployCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.PublicId == r.CredentialId, ct)
            : null;
        if (credential is null)
            return new ApiProblem(StatusCodes.Status404NotFound, ProblemCodes.CredentialNotFound, "Unknown credential",
                "No deploy credential has this id. Check CD_CREDENTIAL_ID, or create a credential for this build plan in Hoist.")
            { Field = "credentialId" };

        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == credential.ProjectId, ct);
        if (!await access.WorksInProjectAsync(actor, project, ct))
            return new ApiProblem(StatusCodes.Status403Forbidden, ProblemCodes.ProjectAccessDenied, "No access to the project",
                $"The token's user '{actor.Name}' is not (or no longer) a member of project '{project.Name}', which this credential belongs to.");

        if (credential.RevokedAt is not null)
            return new ApiProblem(StatusCodes.Status403Forbidden, ProblemCodes.CredentialRevoked, "Credential revoked",
                "This deploy credential has been revoked. Issue a new one for this build plan in Hoist.") { Field = "credentialId" };

        var plan = await db.BuildPlans.AsNoTracking().FirstAsync(p => p.Id == credential.BuildPlanId, ct);
        var pipeline = await db.Pipelines.AsNoTracking().Where(p => p.Id == credential.PipelineId)
            .Join(db.Applications, p => p.ApplicationId, a => a.Id, (p, a) => new { p.Name, Application = a.Name }).FirstAsync(ct);
        var bound = new Bound(credential, project, plan, pipeline.Name, pipeline.Application);

        var build = r.Build;
        string? field = null, sent = null;
        if (r.PipelineName is not null && r.PipelineName != pipeline.Name) (field, sent) = ("pipelineName", r.PipelineName);
        else if (!string.IsNullOrEmpty(build?.JobName) && build.JobName != plan.Name) (field, sent) = ("build.jobName", build.JobName);
        else if (!string.IsNullOrEmpty(build?.JobId) && plan.ExternalId is not null && build.JobId != plan.ExternalId) (field, sent) = ("build.jobId", build.JobId);
        else if (!string.IsNullOrEmpty(build?.ProjectName) && build.ProjectName != project.Name) (field, sent) = ("build.projectName", build.ProjectName);
        if (field is not null) return BuildPlanMismatch(bound, field, sent!);
        return bound;
    }

    static ApiProblem BuildPlanMismatch(Bound b, string field, string sent) =>
        new(StatusCodes.Status403Forbidden, ProblemCodes.CredentialBuildPlanMismatch, "凭据错误：构建计划越权",
            $"Credential error: build plan overreach. Deploy credential {b.Credential.PublicId} belongs to build plan '{b.Plan.Name}' " +
            $"of project '{b.Project.Name}' (pipeline '{b.Pipeline}'), but this request came with {field} '{InputRules.Sanitize(sent, 100)}'. " +
            "A copied build plan cannot reuse another plan's credential. Issue a credential for this build plan " +
            $"(in Hoist: re-issue credential {b.Credential.PublicId} for the new build plan, POST /api/v1/credentials/{b.Credential.PublicId}/reissue, " +
            "or open the Deploy to Kubernetes template for it), then set CD_CREDENTIAL_ID and CD_CREDENTIAL_INDEX in that build plan.")
        {
            Field = field,
            Expected = field == "pipelineName" ? b.Pipeline : field == "build.projectName" ? b.Project.Name : b.Plan.Name,
            Extra = new Dictionary<string, object?>
            {
                ["buildPlan"] = b.Plan.Name,
                ["project"] = b.Project.Name,
                ["pipeline"] = b.Pipeline,
                ["reissueUrl"] = $"/api/v1/credentials/{b.Credential.PublicId}/reissue",
            },
        };

    /// <summary>The application and the credential's optional narrowing; 403 naming the first field outside it.</summary>
    async Task<ApiProblem?> NarrowingAsync(Bound b, DeployRequest r, CancellationToken ct)
    {
        var c = b.Credential;
        if (r.Application is not null && r.Application != b.Application) return Violation("application", b.Application);
        if (c.CloudAccountId is { } accountId && r.CloudAccountName is not null)
        {
            var name = await db.CloudAccounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Name).FirstOrDefaultAsync(ct);
            if (r.CloudAccountName != name) return Violation("cloudAccountName", name);
        }
        if (c.Namespace is not null && r.Namespace is not null && r.Namespace != c.Namespace) return Violation("namespace", c.Namespace);
        if (c.Kind is { } kind && r.ManifestType is not null)
        {
            var sent = WorkloadKindInput.Parse("manifestType", r.ManifestType);
            if (!sent.Ok || sent.Value != kind) return Violation("manifestType", kind.ToString());
        }
        if (c.WorkloadName is not null && r.ManifestName is not null && r.ManifestName != c.WorkloadName) return Violation("manifestName", c.WorkloadName);
        if (c.Container is not null && r.ContainerName is not null && r.ContainerName != c.Container) return Violation("containerName", c.Container);
        var prefixes = c.ImagePrefixList;
        if (prefixes.Count > 0 && ImageReference.TryParse(r.Image, out var image, out _) && !prefixes.Any(image.IsUnder))
            return Violation("image", prefixes);
        return null;

        ApiProblem Violation(string field, object? expected) =>
            new(StatusCodes.Status403Forbidden, ProblemCodes.CredentialScopeViolation, "Outside the credential's scope",
                $"Deploy credential {c.PublicId} does not allow this '{field}'.") { Field = field, Expected = expected };
    }

    /// <summary>Shape of every parameter (400/422), then the cloud account by name.</summary>
    async Task<Outcome<Target>> ValidateParametersAsync(Bound b, DeployRequest r, string? idempotencyKey, CancellationToken ct)
    {
        if (InputRules.Text("deployType", r.DeployType, 64) is { } badType) return badType;
        if (!string.Equals(r.DeployType, PatchImage, StringComparison.OrdinalIgnoreCase))
            return new ApiProblem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.UnsupportedDeployType, "Unsupported deploy type",
                $"'deployType' must be {PatchImage}.") { Field = "deployType", Expected = new[] { PatchImage } };
        if (InputRules.DisplayName("application", r.Application) is { } badApp) return badApp;
        if (InputRules.DisplayName("pipelineName", r.PipelineName, 210) is { } badPipeline) return badPipeline;
        if (InputRules.Text("image", r.Image, MaxImageLength) is { } badImage) return badImage;
        if (!ImageReference.TryParse(r.Image, out var image, out var why))
            return new ApiProblem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.InvalidImageReference, "Invalid image reference",
                $"'image' is not a valid image reference: {why}.") { Field = "image" };
        if (InputRules.Identifier("cloudAccountName", r.CloudAccountName) is { } badAccount) return badAccount;
        if (InputRules.DnsLabel("namespace", r.Namespace) is { } badNs) return badNs;
        var kind = WorkloadKindInput.Parse("manifestType", r.ManifestType);
        if (!kind.Ok) return kind.Problem!;
        if (InputRules.DnsSubdomain("manifestName", r.ManifestName) is { } badName) return badName;
        if (InputRules.DnsLabel("containerName", r.ContainerName) is { } badContainer) return badContainer;
        if (r.TimeoutSeconds is < MinTimeoutSeconds or > MaxTimeoutSeconds)
            return ApiProblem.Invalid("timeoutSeconds", $"'timeoutSeconds' must be between {MinTimeoutSeconds} and {MaxTimeoutSeconds}.");
        if (r.Build is { } build)
        {
            if (InputRules.Text("build.projectName", build.ProjectName, 100, required: false) is { } p1) return p1;
            if (InputRules.Text("build.jobId", build.JobId, 100, required: false) is { } p2) return p2;
            if (InputRules.Text("build.jobName", build.JobName, 100, required: false) is { } p3) return p3;
            if (InputRules.Text("build.buildNumber", build.BuildNumber, 100, required: false) is { } p4) return p4;
            if (InputRules.Text("build.gitCommit", build.GitCommit, 100, required: false) is { } p5) return p5;
            if (InputRules.Text("build.buildUrl", build.BuildUrl, 2000, required: false) is { } p6) return p6;
            if (build.BuildUrl is not null && !(Uri.TryCreate(build.BuildUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                return ApiProblem.Invalid("build.buildUrl", "'build.buildUrl' must be an absolute http(s) URL.");
        }
        if (idempotencyKey is not null && InputRules.Text(ApiRoutes.IdempotencyKeyHeader, idempotencyKey, 200) is { } badKey) return badKey;

        var account = await db.CloudAccounts.AsNoTracking()
            .FirstOrDefaultAsync(a => a.TeamId == b.Project.TeamId && a.Name == r.CloudAccountName, ct);
        if (account is null)
            return new ApiProblem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.CloudAccountNotFound, "Unknown cloud account",
                $"The team has no cloud account named '{r.CloudAccountName}'.") { Field = "cloudAccountName" };
        return new Target(account, new WorkloadRef(r.Namespace!, kind.Value, r.ManifestName!), r.ContainerName!, image!);
    }

    /// <summary>The engine's synchronous validation: namespace, workload and container exist. Reads only.</summary>
    async Task<ApiProblem?> ValidateAgainstClusterAsync(Target t, CancellationToken ct)
    {
        var check = await validator.ValidateAsync(t.Account.Id, t.Workload.Namespace, t.Workload.Kind.ToString(), t.Workload.Name, t.Container,
            t.Image.ToString(), ct);
        if (check.Problem is not { } p) return null;
        return new ApiProblem(p.Status, p.Code, p.Title, p.Detail)
        {
            Field = p.Code switch
            {
                ProblemCodes.NamespaceNotFound => "namespace",
                ProblemCodes.WorkloadNotFound => "manifestName",
                ProblemCodes.ContainerNotFound => "containerName",
                ProblemCodes.InvalidImageReference => "image",
                ProblemCodes.UnsupportedWorkloadKind => "manifestType",
                ProblemCodes.CloudAccountNotFound => "cloudAccountName",
                _ => null,
            },
            Expected = p.Available,
        };
    }

    async Task<Outcome<DeployResult>?> ExistingAsync(List<string> keys, string parameters, string baseUrl, CancellationToken ct)
    {
        if (keys.Count == 0) return null;
        var hit = await db.DeployIdempotencyKeys.AsNoTracking().Where(k => keys.Contains(k.Key)).OrderBy(k => k.CreatedAt).FirstOrDefaultAsync(ct);
        if (hit is null) return null;
        if (hit.ParametersHash != parameters)
            return new ApiProblem(StatusCodes.Status409Conflict, ProblemCodes.IdempotencyKeyReused, "Idempotency key reused",
                "This Idempotency-Key was already used for a deploy with other parameters; use a new key for a new deploy.")
            { Field = ApiRoutes.IdempotencyKeyHeader, Extra = new Dictionary<string, object?> { ["releaseId"] = hit.ReleaseId } };
        var release = await db.Set<Release>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == hit.ReleaseId, ct);
        if (release is null) return null;
        metrics.DeployRetried();
        return new DeployResult(Accepted(release, baseUrl, existing: true));
    }

    async Task<Outcome<DeployResult>> CreateAsync(Actor actor, Bound b, DeployRequest r, Target t, List<string> keys, string parameters, string baseUrl, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var release = Release.Create(new ReleaseSpec
        {
            ProjectId = b.Project.Id,
            BuildPlanId = b.Plan.Id,
            CredentialId = b.Credential.Id,
            TriggeredByUserId = actor.UserId,
            Application = b.Application,
            Pipeline = b.Pipeline,
            BuildNumber = r.Build?.BuildNumber,
            GitCommit = r.Build?.GitCommit,
            BuildUrl = r.Build?.BuildUrl,
            IdempotencyKey = keys.FirstOrDefault(),
            CloudAccountId = t.Account.Id,
            CloudAccountName = t.Account.Name,
            Workload = t.Workload,
            Container = t.Container,
            Image = r.Image!,
            RollbackOnFailure = r.RollbackOnFailure ?? b.Credential.RollbackOnFailure,
            RestartIfUnchanged = r.RestartIfUnchanged ?? false,
            Timeout = TimeSpan.FromSeconds(r.TimeoutSeconds ?? 600),
        }, now);

        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Add(release);
            await db.SaveChangesAsync(ct);
            foreach (var key in keys)
                db.DeployIdempotencyKeys.Add(new DeployIdempotencyKey { Key = key, ParametersHash = parameters, ReleaseId = release.Id, CreatedAt = now });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // A parallel identical call won; answer with its release.
            db.ChangeTracker.Clear();
            if (await ExistingAsync(keys, parameters, baseUrl, ct) is { } winner) return winner;
            throw;
        }

        await audit.RecordAsync(actor, AuditActions.DeployAccepted, teamId: b.Project.TeamId, projectId: b.Project.Id,
            target: ("release", release.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            detail: $"credential={b.Credential.PublicId} pipeline={b.Pipeline} {t.Workload} container={t.Container} image={r.Image} build={r.Build?.BuildNumber}",
            ct: ct);
        metrics.DeployAccepted();
        notifier.ReleaseQueued(release.Id);
        return new DeployResult(Accepted(release, baseUrl, existing: false));
    }

    public static DeployAccepted Accepted(Release release, string baseUrl, bool existing) => new(
        release.Id, release.Status, $"{baseUrl}/releases/{release.Id}", baseUrl + ApiRoutes.Release(release.Id),
        baseUrl + ApiRoutes.ReleaseEvents(release.Id), existing);

    static string ParametersHash(Bound b, DeployRequest r, Target t) => Hash(
        "params", b.Credential.PublicId, r.DeployType!.ToUpperInvariant(), b.Application, b.Pipeline, r.Image!, t.Account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        t.Workload.Namespace, t.Workload.Kind.ToString(), t.Workload.Name, t.Container,
        (r.RollbackOnFailure ?? b.Credential.RollbackOnFailure) ? "rb" : "-", r.RestartIfUnchanged == true ? "restart" : "-",
        (r.TimeoutSeconds ?? 600).ToString(System.Globalization.CultureInfo.InvariantCulture), r.Build?.BuildNumber ?? "", r.Build?.GitCommit ?? "");

    /// <summary>SHA-256 of the parts, each length-prefixed so that no two different lists collide by concatenation.</summary>
    static string Hash(params string[] parts)
    {
        var sb = new StringBuilder();
        foreach (var p in parts) sb.Append(p.Length).Append(':').Append(p).Append('|');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deploy refused with {Status} {Code} (field {Field})")]
    static partial void LogRefused(ILogger logger, int status, string code, string? field);
}
