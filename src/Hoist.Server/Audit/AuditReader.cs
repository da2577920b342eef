using Hoist.Server.Auth;
using Hoist.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Audit;

public sealed record AuditEntryDto(
    long Id, DateTimeOffset At, string Action, bool Allowed, string? Code, string? Actor, long? TokenId,
    long? TeamId, long? ProjectId, string? TargetType, string? TargetId, string? Detail, string? SourceIp);

public sealed record AuditFilter(string? Action = null, bool? Allowed = null, long? TeamId = null);

/// <summary>One page of the audit log; <see cref="Actions"/> lists the actions the reader may filter by (page only).</summary>
public sealed record AuditSlice(IReadOnlyList<AuditEntryDto> Items, int Total, int Page, int PageSize, IReadOnlyList<string> Actions)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// The one reading of the audit log, for the API (<c>GET /api/v1/audit</c>) and the audit page alike, so they
/// cannot drift apart on who sees what: server admins read everything, team owners and admins their teams'
/// entries, everyone else nothing (null).
/// </summary>
public sealed class AuditReader(HoistDb db, Access access)
{
    public async Task<AuditSlice?> ReadAsync(Actor actor, AuditFilter filter, int page, int pageSize, bool withActions, CancellationToken ct)
    {
        var teams = await access.AdministeredTeamIdsAsync(actor, ct);
        if (teams is { Count: 0 }) return null;
        var visible = db.AuditEntries.AsNoTracking();
        if (teams is not null) visible = visible.Where(a => a.TeamId != null && teams.Contains(a.TeamId.Value));

        var query = visible;
        if (filter.TeamId is { } teamId) query = query.Where(a => a.TeamId == teamId);
        if (filter.Action is { } action) query = query.Where(a => a.Action == action);
        if (filter.Allowed is { } allowed) query = query.Where(a => a.Allowed == allowed);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(a => new AuditEntryDto(a.Id, a.At, a.Action, a.Allowed, a.Code, a.ActorName, a.TokenId, a.TeamId, a.ProjectId,
                a.TargetType, a.TargetId, a.Detail, a.SourceIp))
            .ToListAsync(ct);
        var actions = withActions ? await visible.Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct) : [];
        return new AuditSlice(items, total, page, pageSize, actions);
    }

    /// <summary>Whether the audit link belongs in the actor's navigation.</summary>
    public async Task<bool> CanReadAsync(Actor actor, CancellationToken ct) => (await access.AdministeredTeamIdsAsync(actor, ct)) is not { Count: 0 };
}
