namespace Hoist.Contracts;

/// <summary>
/// The REST routes the CLI and the pages rely on. Server-Sent Events on <see cref="ReleaseEvents"/> are
/// <c>id: &lt;sequence&gt;</c> / <c>event: &lt;type&gt;</c> / <c>data: &lt;ReleaseEventDto JSON&gt;</c>, replayed from the
/// start (or after <c>Last-Event-ID</c>); when the release is terminal the server sends <c>event: done</c> with
/// the final <see cref="ReleaseDto"/> as data and closes the stream.
/// </summary>
public static class ApiRoutes
{
    public const string Deploys = "/api/v1/deploys";                         // POST DeployRequest → 202 DeployAccepted
    public const string Releases = "/api/v1/releases";                       // GET ?application&pipeline&project&status&workload&page&pageSize → ReleaseListDto
    public static string Release(long id) => $"/api/v1/releases/{id}";      // GET → ReleaseDto
    public static string ReleaseEvents(long id) => $"/api/v1/releases/{id}/events";     // GET → text/event-stream
    public static string ReleaseRollback(long id) => $"/api/v1/releases/{id}/rollback"; // POST → 202 DeployAccepted (the new release)
    public static string ReleaseCancel(long id) => $"/api/v1/releases/{id}/cancel";     // POST → 200 ReleaseDto
    public static string ReleaseRuntime(long id) => $"/api/v1/releases/{id}/runtime";   // GET → RuntimeDto
    public static string ReleasePodLog(long id, string pod) => $"/api/v1/releases/{id}/runtime/pods/{Uri.EscapeDataString(pod)}/log"; // GET ?container&tail → LogTailDto
    public const string IdempotencyKeyHeader = "Idempotency-Key";
}
