using Hoist.Server.Audit;
using Hoist.Server.Auth;
using Hoist.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Web;

public sealed record AuditPage(IReadOnlyList<AuditEntryDto> Items, int Total, int Page, int PageSize, IReadOnlyList<string> Actions)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// The audit log page, with the API's visibility rule (<c>GET /api/v1/audit</c>): server admins read everything,
/// team owners and admins their teams' entries, everyone else nothing (null).
/// </summary>
public sealed class AuditPageQueries(HoistDb db, Access access)
{
    public const int PageSize = 50;

    public async Task<AuditPage?> ListAsync(Actor actor, string? action, bool? allowed, int page, CancellationToken ct)
    {
        var teams = await access.AdministeredTeamIdsAsync(actor, ct);
        if (teams is { Count: 0 }) return null;
        page = Math.Max(1, page);
        var scoped = db.AuditEntries.AsNoTracking();
        if (teams is not null) scoped = scoped.Where(a => a.TeamId != null && teams.Contains(a.TeamId.Value));
        var query = scoped;
        if (action is not null) query = query.Where(a => a.Action == action);
        if (allowed is not null) query = query.Where(a => a.Allowed == allowed);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(a => new AuditEntryDto(a.Id, a.At, a.Action, a.Allowed, a.Code, a.ActorName, a.TokenId, a.TeamId, a.ProjectId,
                a.TargetType, a.TargetId, a.Detail, a.SourceIp))
            .ToListAsync(ct);
        var actions = await scoped.Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
        return new AuditPage(items, total, page, PageSize, actions);
    }

    /// <summary>Whether the audit link belongs in the actor's navigation.</summary>
    public async Task<bool> CanReadAsync(Actor actor, CancellationToken ct) => (await access.AdministeredTeamIdsAsync(actor, ct)) is not { Count: 0 };
}
