namespace Hoist.Server.Http;

public static class Paging
{
    public const int MaxPageSize = 200;

    /// <summary>Page from 1, size 1..200 (default 50); out-of-range values are clamped rather than refused.</summary>
    public static (int Page, int PageSize) Normalize(int? page, int? pageSize) =>
        (Math.Max(1, Math.Min(page ?? 1, 1_000_000)), Math.Clamp(pageSize ?? 50, 1, MaxPageSize));
}
