using Hoist.Cli.Output;
using Shouldly;

namespace Hoist.Cli.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("90", 90_000)]
    [InlineData(" 2m ", 120_000)]
    [InlineData("24h", 86_400_000)]
    public void TryParse_ValidDuration_GivesMilliseconds(string text, long ms)
    {
        Duration.TryParse(text, out var value, out var error).ShouldBeTrue(error);

        value.ShouldBe(TimeSpan.FromMilliseconds(ms));
    }

    [Theory]
    [InlineData("", "a duration is required")]
    [InlineData("10", null)]
    [InlineData("0s", "must be longer than zero")]
    [InlineData("0", "must be longer than zero")]
    [InlineData("5x", "unknown unit 'x'")]
    [InlineData("10 m", "needs a unit after 10")]
    [InlineData("m", "is not a duration")]
    [InlineData("1h1", "needs a unit after 1")]
    [InlineData("25h", "is longer than 24h")]
    [InlineData("999999999999999999999", "is longer than 24h")]
    [InlineData("-5s", "is not a duration")]
    public void TryParse_InvalidDuration_SaysWhy(string text, string? expected)
    {
        var ok = Duration.TryParse(text, out _, out var error);

        if (expected is null)
        {
            ok.ShouldBeTrue();
            return;
        }
        ok.ShouldBeFalse();
        error.ShouldContain(expected);
    }

    [Theory]
    [InlineData(600_000, "10m")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(45_000, "45s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(250, "250ms")]
    [InlineData(630_000, "10m30s")]
    public void Format_Duration_IsTheShortestExactForm(long ms, string text)
    {
        Duration.Format(TimeSpan.FromMilliseconds(ms)).ShouldBe(text);
    }
}
