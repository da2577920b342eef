using System.Globalization;

namespace Hoist.Cli.Output;

/// <summary>
/// Durations as people write them in pipelines: <c>30s</c>, <c>10m</c>, <c>1h</c>, <c>1h30m</c>, <c>500ms</c>, or a bare
/// number of seconds. Anything else is refused with a message, never guessed.
/// </summary>
internal static class Duration
{
    public static readonly TimeSpan Max = TimeSpan.FromHours(24);

    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = "";
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            error = "a duration is required, like 30s, 10m or 1h";
            return false;
        }

        if (s.All(char.IsAsciiDigit))
        {
            if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > Max.TotalSeconds)
            {
                error = $"'{s}' is longer than {Format(Max)}";
                return false;
            }
            value = TimeSpan.FromSeconds(seconds);
            return Check(s, value, out error);
        }

        var total = 0.0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                error = $"'{s}' is not a duration; use a number with a unit, like 30s, 10m, 1h or 1h30m";
                return false;
            }
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }
            var unit = s[unitStart..i];
            double ms = unit switch
            {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => -1,
            };
            if (ms < 0)
            {
                error = unit.Length == 0
                    ? $"'{s}' needs a unit after {s[start..i]}: ms, s, m or h"
                    : $"'{s}' has an unknown unit '{unit}'; use ms, s, m or h";
                return false;
            }
            total += n * ms;
            if (total > Max.TotalMilliseconds)
            {
                error = $"'{s}' is longer than {Format(Max)}";
                return false;
            }
        }
        value = TimeSpan.FromMilliseconds(total);
        return Check(s, value, out error);
    }

    static bool Check(string s, TimeSpan value, out string error)
    {
        error = value > TimeSpan.Zero ? "" : $"'{s}' must be longer than zero";
        return value > TimeSpan.Zero;
    }

    /// <summary>The shortest exact form: <c>10m</c>, <c>1h30m</c>, <c>45s</c>, <c>1.5s</c>.</summary>
    public static string Format(TimeSpan t)
    {
        if (t < TimeSpan.FromSeconds(1))
        {
            return $"{(long)t.TotalMilliseconds}ms";
        }
        var parts = "";
        if (t.Days > 0 || t.Hours > 0)
        {
            parts += $"{(long)t.TotalHours}h";
        }
        if (t.Minutes > 0)
        {
            parts += $"{t.Minutes}m";
        }
        if (t.Seconds > 0 || t.Milliseconds > 0)
        {
            parts += t.Milliseconds > 0
                ? (t.Seconds + t.Milliseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + "s"
                : $"{t.Seconds}s";
        }
        return parts;
    }
}
