using Hoist.Server.Kubernetes;
using Shouldly;

namespace Hoist.Server.Tests.Kubernetes;

public class CronScheduleTests
{
    static readonly DateTimeOffset Now = new(2025, 6, 4, 10, 17, 30, TimeSpan.Zero); // a Wednesday

    [Theory]
    [InlineData("*/15 * * * *", "2025-06-04T10:30")]
    [InlineData("0 3 * * *", "2025-06-05T03:00")]
    [InlineData("@hourly", "2025-06-04T11:00")]
    [InlineData("@daily", "2025-06-05T00:00")]
    [InlineData("@weekly", "2025-06-08T00:00")]
    [InlineData("@monthly", "2025-07-01T00:00")]
    [InlineData("@yearly", "2026-01-01T00:00")]
    [InlineData("30 9 * * MON-FRI", "2025-06-05T09:30")]
    [InlineData("0 0 1 JAN *", "2026-01-01T00:00")]
    [InlineData("5,10 10 * * *", "2025-06-05T10:05")]
    [InlineData("20-25 10 * * *", "2025-06-04T10:20")]
    [InlineData("0 12 13 * 5", "2025-06-06T12:00")] // day 13 OR Friday, as Vixie cron
    [InlineData("0 0 * * 7", "2025-06-08T00:00")]   // 7 is Sunday too
    [InlineData("0 0 31 2 *", null)]                 // February 31st never comes
    public void CronSchedule_Next_IsTheFirstMatchingMinuteAfterNow(string schedule, string? expected)
    {
        CronSchedule.TryParse(schedule, out var s, out var error).ShouldBeTrue(error);
        var next = s!.Next(Now, TimeZoneInfo.Utc);
        next?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expected);
        if (expected is null) next.ShouldBeNull();
    }

    [Fact]
    public void CronSchedule_TimeZonePrefix_IsRead()
    {
        CronSchedule.TryParse("CRON_TZ=Asia/Shanghai 0 9 * * *", out var s, out _).ShouldBeTrue();
        s!.TimeZone.ShouldBe("Asia/Shanghai");
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        s.Next(Now, zone)!.Value.UtcDateTime.ShouldBe(new DateTime(2025, 6, 5, 1, 0, 0, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("60 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("* * 0 * *")]
    [InlineData("* * * 13 *")]
    [InlineData("*/0 * * * *")]
    [InlineData("5-1 * * * *")]
    [InlineData("x * * * *")]
    public void CronSchedule_Malformed_IsRefused(string schedule) =>
        CronSchedule.TryParse(schedule, out _, out var error).ShouldBeFalse(error);
}
