using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Hoist.Server.Kubernetes;

/// <summary>
/// A CronJob schedule as the CronJob controller reads it (robfig/cron standard parser): five fields, <c>*</c>,
/// ranges, steps, lists, month and weekday names, the <c>@hourly</c>… macros, and a <c>CRON_TZ=</c>/<c>TZ=</c> prefix.
/// As in Vixie cron, when both day-of-month and day-of-week are restricted a day matching either runs.
/// </summary>
public sealed class CronSchedule
{
    readonly bool[] _minutes = new bool[60], _hours = new bool[24], _days = new bool[32], _months = new bool[13], _weekdays = new bool[7];
    bool _dayStar, _weekdayStar;

    public string? TimeZone { get; private set; }

    CronSchedule() { }

    static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *", ["@annually"] = "0 0 1 1 *", ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0", ["@daily"] = "0 0 * * *", ["@midnight"] = "0 0 * * *", ["@hourly"] = "0 * * * *",
    };
    static readonly string[] MonthNames = ["", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static bool TryParse(string? text, [NotNullWhen(true)] out CronSchedule? schedule, out string? error)
    {
        schedule = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text)) { error = "empty schedule"; return false; }
        var s = new CronSchedule();
        var spec = text.Trim();
        if (spec.StartsWith("CRON_TZ=", StringComparison.Ordinal) || spec.StartsWith("TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) { error = "a time zone without a schedule"; return false; }
            s.TimeZone = spec[(spec.IndexOf('=', StringComparison.Ordinal) + 1)..space];
            spec = spec[(space + 1)..].Trim();
        }
        if (Macros.TryGetValue(spec, out var expanded)) spec = expanded;
        var fields = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5) { error = $"expected 5 fields, found {fields.Length}"; return false; }

        if (!Field(fields[0], 0, 59, null, s._minutes, out _, out error)
            || !Field(fields[1], 0, 23, null, s._hours, out _, out error)
            || !Field(fields[2], 1, 31, null, s._days, out s._dayStar, out error)
            || !Field(fields[3], 1, 12, MonthNames, s._months, out _, out error))
            return false;
        var weekdays = new bool[8];
        if (!Field(fields[4], 0, 7, DayNames, weekdays, out s._weekdayStar, out error)) return false;
        for (var i = 0; i < 7; i++) s._weekdays[i] = weekdays[i];
        if (weekdays[7]) s._weekdays[0] = true;
        schedule = s;
        return true;
    }

    static bool Field(string text, int min, int max, string[]? names, bool[] into, out bool star, out string? error)
    {
        star = text is "*" or "?";
        error = null;
        foreach (var part in text.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0) { error = $"bad step in \"{part}\""; return false; }
                range = part[..slash];
            }
            int lo, hi;
            if (range is "*" or "?") { lo = min; hi = max; }
            else
            {
                var dash = range.IndexOf('-', StringComparison.Ordinal);
                if (!Value(dash < 0 ? range : range[..dash], names, out lo)) { error = $"bad value \"{range}\""; return false; }
                hi = lo;
                if (dash >= 0 && !Value(range[(dash + 1)..], names, out hi)) { error = $"bad value \"{range}\""; return false; }
                else if (dash < 0 && slash >= 0) hi = max;
            }
            if (lo < min || hi > max || lo > hi) { error = $"\"{part}\" is out of range {min}-{max}"; return false; }
            for (var v = lo; v <= hi; v += step) into[v] = true;
        }
        return true;
    }

    static bool Value(string text, string[]? names, out int value)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        if (names is null) return false;
        value = Array.FindIndex(names, n => n.Length > 0 && n.Equals(text, StringComparison.OrdinalIgnoreCase));
        return value >= 0;
    }

    bool DayMatches(DateTime local)
    {
        var dom = _days[local.Day];
        var dow = _weekdays[(int)local.DayOfWeek];
        return _dayStar || _weekdayStar ? dom && dow : dom || dow;
    }

    /// <summary>The first time strictly after <paramref name="after"/> when the schedule fires, in <paramref name="zone"/>; null if none within 5 years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        var t = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month]) { t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1); continue; }
            if (!DayMatches(t)) { t = t.Date.AddDays(1); continue; }
            if (!_hours[t.Hour]) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!_minutes[t.Minute]) { t = t.AddMinutes(1); continue; }
            if (zone.IsInvalidTime(t)) { t = t.AddMinutes(1); continue; }
            return new DateTimeOffset(t, zone.GetUtcOffset(t));
        }
        return null;
    }
}
