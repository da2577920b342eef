using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Http;

namespace Hoist.Server.Audit;

public static class AuditActions
{
    public const string SessionLogin = "session.login";
    public const string UserCreate = "user.create";
    public const string UserDisable = "user.disable";
    public const string UserEnable = "user.enable";
    public const string PasswordChange = "user.password";
    public const string TokenCreate = "token.create";
    public const string TokenRevoke = "token.revoke";
    public const string TokenRejected = "token.rejected";
    public const string TeamCreate = "team.create";
    public const string MemberSet = "team.member.set";
    public const string MemberRemove = "team.member.remove";
    public const string ProjectCreate = "project.create";
    public const string ProjectMemberAdd = "project.member.add";
    public const string ProjectMemberRemove = "project.member.remove";
    public const string BuildPlanCreate = "buildplan.create";
    public const string ApplicationCreate = "application.create";
    public const string CloudAccountCreate = "cloudaccount.create";
    public const string CloudAccountUpdate = "cloudaccount.update";
    public const string CloudAccountDelete = "cloudaccount.delete";
    public const string CloudAccountCheck = "cloudaccount.check";
    public const string CredentialCreate = "credential.create";
    public const string CredentialRevoke = "credential.revoke";
    public const string CredentialReissue = "credential.reissue";
    public const string DeployAccepted = "deploy.accepted";
    public const string DeployRefused = "deploy.refused";
    public const string ReleaseRollback = "release.rollback";
    public const string ReleaseCancel = "release.cancel";
}

/// <summary>Writes audit entries. Details are sanitized and cut short here, whatever the caller passes.</summary>
public sealed class AuditLog(HoistDb db, TimeProvider time)
{
    public async Task RecordAsync(
        Actor actor,
        string action,
        bool allowed = true,
        string? code = null,
        long? teamId = null,
        long? projectId = null,
        (string Type, string Id)? target = null,
        string? detail = null,
        CancellationToken ct = default)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Action = action,
            Allowed = allowed,
            Code = code,
            ActorUserId = actor.UserId,
            ActorName = InputRules.Sanitize(actor.Name, 64),
            TokenId = actor.TokenId,
            TeamId = teamId,
            ProjectId = projectId,
            TargetType = target?.Type,
            TargetId = InputRules.Sanitize(target?.Id, 64),
            Detail = InputRules.Sanitize(detail, 1000),
            SourceIp = InputRules.Sanitize(actor.SourceIp, 64),
        });
        await db.SaveChangesAsync(ct);
    }
}
