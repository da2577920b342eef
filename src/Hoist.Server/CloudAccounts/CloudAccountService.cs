using Hoist.Contracts;
using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Credentials;
using Hoist.Server.Data;
using Hoist.Server.Deploys;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.CloudAccounts;

/// <summary>Either a kubeconfig (and the context to use) or server + token (+ CA).</summary>
public sealed record CloudAccountRequest
{
    public string? Name { get; init; }
    public string? Kubeconfig { get; init; }
    public string? Context { get; init; }
    public string? Server { get; init; }
    public string? Token { get; init; }
    public string? CaData { get; init; }
    public bool? InsecureSkipTlsVerify { get; init; }
}

public sealed record InspectKubeconfigRequest(string? Kubeconfig, string? Context);

public sealed record CloudAccountDto(
    long Id, long TeamId, string Name, CloudAccountKind Kind, string Server, string? Context, ConnectionStatus Status,
    string? StatusReason, string? ServerVersion, DateTimeOffset? CheckedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CloudAccountDto From(CloudAccount a) => new(a.Id, a.TeamId, a.Name, a.Kind, a.Server, a.Context, a.Status,
        a.StatusReason, a.ServerVersion, a.CheckedAt, a.CreatedAt, a.UpdatedAt);
}

/// <summary>A saved account with the result of the connection check made on save.</summary>
public sealed record CloudAccountCheckedDto(CloudAccountDto Account, IReadOnlyList<PermissionCheck> Permissions);

public sealed record ContainerDto(string Name, string Image, bool IsInit);

/// <summary>
/// Cloud accounts (云账号) of a team. Saving checks the connection and reports status and reason (never the
/// remote body). Reading the cluster for the template wizard and changing accounts need DeploySettings.
/// </summary>
public sealed partial class CloudAccountService(
    HoistDb db, Access access, AuditLog audit, CloudAccountSecrets secrets, IClusterGatewayFactory gateways, TimeProvider time,
    ILogger<CloudAccountService> log)
{
    static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(20);

    public static Outcome<KubeconfigSummary> Inspect(InspectKubeconfigRequest request) =>
        KubeconfigInspector.Inspect(request.Kubeconfig, request.Context);

    public async Task<Outcome<CloudAccountCheckedDto>> CreateAsync(Actor actor, long teamId, CloudAccountRequest request, CancellationToken ct)
    {
        var a = await access.TeamAsync(actor, teamId, TeamNeed.DeploySettings, ct);
        if (!a.Ok) return a.Problem!;
        if (InputRules.Identifier("name", request.Name) is { } badName) return badName;
        var parsed = Parse(request);
        if (!parsed.Ok) return parsed.Problem!;
        if (await db.CloudAccounts.AnyAsync(c => c.TeamId == teamId && c.Name == request.Name, ct))
            return NameTaken(request.Name!);

        var now = time.GetUtcNow();
        var (kind, server, context, connection) = parsed.Value;
        var account = new CloudAccount
        {
            TeamId = teamId, Name = request.Name!, Kind = kind, Server = server, Context = context,
            ProtectedConnection = secrets.Protect(connection), Status = ConnectionStatus.Unchecked,
            CreatedByUserId = actor.UserId, CreatedAt = now, UpdatedAt = now,
        };
        db.CloudAccounts.Add(account);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return NameTaken(request.Name!);
        }
        var permissions = await CheckAndStoreAsync(account, connection, ct);
        await audit.RecordAsync(actor, AuditActions.CloudAccountCreate, teamId: teamId, target: ("cloudaccount", account.Name),
            detail: $"kind={kind} server={server} status={account.Status}", ct: ct);
        return new CloudAccountCheckedDto(CloudAccountDto.From(account), permissions);
    }

    public async Task<Outcome<CloudAccountCheckedDto>> UpdateAsync(Actor actor, long id, CloudAccountRequest request, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, TeamNeed.DeploySettings, ct);
        if (!found.Ok) return found.Problem!;
        var account = found.Value!;
        if (InputRules.Identifier("name", request.Name) is { } badName) return badName;
        var parsed = Parse(request);
        if (!parsed.Ok) return parsed.Problem!;
        if (request.Name != account.Name)
        {
            if (await db.DeployCredentials.AnyAsync(c => c.CloudAccountId == id && c.RevokedAt == null, ct))
                return ApiProblem.Conflict("Deploy credentials are bound to this cloud account and CI sends its name; revoke them before renaming it.", "name");
            if (await db.CloudAccounts.AnyAsync(c => c.TeamId == account.TeamId && c.Name == request.Name, ct))
                return NameTaken(request.Name!);
        }
        var (kind, server, context, connection) = parsed.Value;
        account.Name = request.Name!;
        account.Kind = kind;
        account.Server = server;
        account.Context = context;
        account.ProtectedConnection = secrets.Protect(connection);
        account.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return NameTaken(request.Name!);
        }
        gateways.Evict(account.Id);
        var permissions = await CheckAndStoreAsync(account, connection, ct);
        await audit.RecordAsync(actor, AuditActions.CloudAccountUpdate, teamId: account.TeamId, target: ("cloudaccount", account.Name),
            detail: $"kind={kind} server={server} status={account.Status}", ct: ct);
        return new CloudAccountCheckedDto(CloudAccountDto.From(account), permissions);
    }

    public async Task<Outcome<bool>> DeleteAsync(Actor actor, long id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, TeamNeed.DeploySettings, ct);
        if (!found.Ok) return found.Problem!;
        var account = found.Value!;
        var inUse = await db.DeployCredentials.Where(c => c.CloudAccountId == id && c.RevokedAt == null).Select(c => c.PublicId).Take(5).ToListAsync(ct);
        if (inUse.Count > 0)
            return ApiProblem.Conflict($"Deploy credentials use this cloud account ({string.Join(", ", inUse)}); revoke them first.")
                with { Extra = new Dictionary<string, object?> { ["credentials"] = inUse } };
        var running = await db.Set<Release>().AnyAsync(r => r.CloudAccountId == id
            && r.Status != ReleaseStatus.Succeeded && r.Status != ReleaseStatus.Failed && r.Status != ReleaseStatus.TimedOut
            && r.Status != ReleaseStatus.Cancelled && r.Status != ReleaseStatus.RolledBack, ct);
        if (running) return ApiProblem.Conflict("A release to this cloud account is still running; wait for it or cancel it.");

        // Revoked credentials keep their history but let go of the account.
        await db.DeployCredentials.Where(c => c.CloudAccountId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CloudAccountId, (long?)null), ct);
        db.CloudAccounts.Remove(account);
        await db.SaveChangesAsync(ct);
        gateways.Evict(id);
        await audit.RecordAsync(actor, AuditActions.CloudAccountDelete, teamId: account.TeamId, target: ("cloudaccount", account.Name), ct: ct);
        return true;
    }

    public async Task<Outcome<IReadOnlyList<CloudAccountDto>>> ListAsync(Actor actor, long teamId, CancellationToken ct)
    {
        var a = await access.TeamAsync(actor, teamId, TeamNeed.See, ct);
        if (!a.Ok) return a.Problem!;
        var list = await db.CloudAccounts.AsNoTracking().Where(c => c.TeamId == teamId).OrderBy(c => c.Name).ToListAsync(ct);
        return list.Select(CloudAccountDto.From).ToList();
    }

    public async Task<Outcome<CloudAccountDto>> GetAsync(Actor actor, long id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, TeamNeed.See, ct);
        return found.Ok ? CloudAccountDto.From(found.Value!) : found.Problem!;
    }

    public async Task<Outcome<CloudAccountCheckedDto>> CheckAsync(Actor actor, long id, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, TeamNeed.DeploySettings, ct);
        if (!found.Ok) return found.Problem!;
        var account = found.Value!;
        var connection = secrets.Unprotect(account.ProtectedConnection);
        if (connection is null) return Unreadable();
        var permissions = await CheckAndStoreAsync(account, connection, ct);
        await audit.RecordAsync(actor, AuditActions.CloudAccountCheck, teamId: account.TeamId, target: ("cloudaccount", account.Name),
            detail: $"status={account.Status}", ct: ct);
        return new CloudAccountCheckedDto(CloudAccountDto.From(account), permissions);
    }

    public Task<Outcome<IReadOnlyList<string>>> NamespacesAsync(Actor actor, long id, CancellationToken ct) =>
        WithGatewayAsync(actor, id, (g, c) => g.ListNamespacesAsync(c), ct);

    public async Task<Outcome<IReadOnlyList<string>>> WorkloadsAsync(Actor actor, long id, string ns, string? kind, CancellationToken ct)
    {
        if (InputRules.DnsLabel("namespace", ns) is { } badNs) return badNs;
        var k = WorkloadKindInput.Parse("kind", kind ?? nameof(WorkloadKind.Deployment));
        if (!k.Ok) return k.Problem!;
        return await WithGatewayAsync(actor, id, (g, c) => g.ListWorkloadsAsync(ns, k.Value, c), ct);
    }

    public async Task<Outcome<IReadOnlyList<ContainerDto>>> ContainersAsync(Actor actor, long id, string ns, string kind, string name, CancellationToken ct)
    {
        if (InputRules.DnsLabel("namespace", ns) is { } badNs) return badNs;
        var k = WorkloadKindInput.Parse("kind", kind);
        if (!k.Ok) return k.Problem!;
        if (InputRules.DnsSubdomain("name", name) is { } badName) return badName;
        var workload = new WorkloadRef(ns, k.Value, name);
        var result = await WithGatewayAsync(actor, id, (g, c) => g.GetContainersAsync(workload, c), ct);
        if (!result.Ok) return result.Problem!;
        if (result.Value is null)
            return new ApiProblem(StatusCodes.Status404NotFound, ProblemCodes.WorkloadNotFound, "Workload not found",
                $"There is no {k.Value} '{name}' in namespace '{ns}'.");
        return result.Value.Select(c => new ContainerDto(c.Name, c.Image, c.IsInit)).ToList();
    }

    async Task<Outcome<T>> WithGatewayAsync<T>(Actor actor, long id, Func<IClusterGateway, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var found = await FindAsync(actor, id, TeamNeed.DeploySettings, ct);
        if (!found.Ok) return found.Problem!;
        var account = found.Value!;
        var connection = secrets.Unprotect(account.ProtectedConnection);
        if (connection is null) return Unreadable();
        try
        {
            return await call(gateways.Get(account.Id, connection), ct);
        }
        catch (ClusterUnreachableException e)
        {
            return Unreachable(account.Name, e.Message);
        }
        catch (ClusterRequestException e)
        {
            return Unreachable(account.Name, e.Message);
        }
    }

    /// <summary>Runs the connection check and stores status, reason and version on the account.</summary>
    async Task<IReadOnlyList<PermissionCheck>> CheckAndStoreAsync(CloudAccount account, ClusterConnection connection, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CheckTimeout);
        ConnectionCheck check;
        try
        {
            check = await gateways.Get(account.Id, connection).CheckAsync(timeout.Token);
        }
        catch (ClusterUnreachableException e)
        {
            check = new ConnectionCheck(false, null, e.Message, []);
        }
        catch (ClusterRequestException e)
        {
            check = new ConnectionCheck(false, null, e.Message, []);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            check = new ConnectionCheck(false, null, $"No answer within {CheckTimeout.TotalSeconds:0} seconds.", []);
        }
#pragma warning disable CA1031 // a failing check is a status to report, whatever the cause
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The type only: a message could carry what the remote end said.
            LogCheckFailed(log, account.Id, e.GetType().Name);
            check = new ConnectionCheck(false, null, "The connection check failed.", []);
        }

        var missing = check.Permissions.Where(p => !p.Allowed).Select(p => $"{p.Verb} {p.Resource}").ToList();
        account.Status = !check.Reachable ? ConnectionStatus.Unreachable
            : missing.Count > 0 ? ConnectionStatus.MissingPermissions
            : ConnectionStatus.Ok;
        account.StatusReason = account.Status switch
        {
            ConnectionStatus.Unreachable => InputRules.Sanitize(check.Error ?? "The cluster could not be reached.", 300),
            ConnectionStatus.MissingPermissions => InputRules.Sanitize("Missing permissions: " + string.Join(", ", missing), 300),
            _ => null,
        };
        account.ServerVersion = InputRules.Sanitize(check.ServerVersion, 60);
        account.CheckedAt = time.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        return check.Permissions;
    }

    async Task<Outcome<CloudAccount>> FindAsync(Actor actor, long id, TeamNeed need, CancellationToken ct)
    {
        var account = await db.CloudAccounts.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (account is null) return ApiProblem.NotFound("This cloud account");
        var a = await access.TeamAsync(actor, account.TeamId, need, ct);
        return a.Ok ? account : a.Problem!;
    }

    static Outcome<(CloudAccountKind Kind, string Server, string? Context, ClusterConnection Connection)> Parse(CloudAccountRequest r)
    {
        var hasKubeconfig = !string.IsNullOrEmpty(r.Kubeconfig);
        var hasServer = !string.IsNullOrEmpty(r.Server) || !string.IsNullOrEmpty(r.Token);
        if (hasKubeconfig == hasServer)
            return ApiProblem.Invalid("kubeconfig", "Send either 'kubeconfig' (with 'context') or 'server' and 'token' (with 'caData').");
        if (hasKubeconfig)
        {
            var summary = KubeconfigInspector.Inspect(r.Kubeconfig, r.Context);
            if (!summary.Ok) return summary.Problem!;
            var s = summary.Value!;
            return (CloudAccountKind.Kubeconfig, s.Server, s.Context, new ClusterConnection { Kubeconfig = r.Kubeconfig, Context = s.Context });
        }
        if (KubeconfigInspector.CheckServer(r.Server, "server") is { } badServer) return badServer;
        if (InputRules.Text("token", r.Token, 8192) is { } badToken) return badToken;
        if (r.CaData is not null && CheckCa(r.CaData) is { } badCa) return badCa;
        return (CloudAccountKind.Token, r.Server!, null, new ClusterConnection
        {
            Server = r.Server, Token = r.Token, CaData = r.CaData, InsecureSkipTlsVerify = r.InsecureSkipTlsVerify ?? false,
        });
    }

    static ApiProblem? CheckCa(string ca)
    {
        if (ca.Length > 16 * 1024) return ApiProblem.Invalid("caData", "'caData' is longer than 16 KB.");
        if (ca.TrimStart().StartsWith("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) return null;
        Span<byte> buffer = new byte[ca.Length];
        return Convert.TryFromBase64String(ca.Trim(), buffer, out _) ? null
            : ApiProblem.Invalid("caData", "'caData' must be a PEM certificate or its base64 encoding (as in certificate-authority-data).");
    }

    static ApiProblem NameTaken(string name) => ApiProblem.Conflict($"The team already has a cloud account named '{name}'.", "name");

    static ApiProblem Unreadable() => new(StatusCodes.Status409Conflict, ProblemCodes.Conflict, "Cloud account unreadable",
        "The stored connection cannot be decrypted (the key ring changed); save the cloud account again.");

    /// <summary>502 like the engine's target validation: the cluster, not Hoist, failed.</summary>
    internal static ApiProblem Unreachable(string account, string reason) =>
        new(StatusCodes.Status502BadGateway, ProblemCodes.ClusterUnreachable, "Cluster unreachable",
            $"Cloud account '{account}': {InputRules.Sanitize(reason, 300)}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection check of cloud account {CloudAccountId} failed with {ExceptionType}")]
    static partial void LogCheckFailed(ILogger logger, long cloudAccountId, string exceptionType);
}
