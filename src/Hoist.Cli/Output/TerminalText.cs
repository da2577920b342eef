using System.Text;

namespace Hoist.Cli.Output;

/// <summary>
/// Text that came from the server or the cluster (names, images, event messages) is untrusted: an escape sequence
/// in a pod's event message must not repaint the CI log or the user's terminal. Everything printed in text mode
/// goes through <see cref="Safe"/>.
/// </summary>
internal static class TerminalText
{
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? replacement = c switch
            {
                '\n' or '\r' or '\t' => " ",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                // Bidirectional overrides can make a log line read differently from what it contains.
                >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' => $"\\u{(int)c:x4}",
                _ => null,
            };
            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length + 16);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>Relative age in kubectl's style: 45s, 12m, 5h, 3d.</summary>
    public static string Age(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } t)
        {
            return "-";
        }
        var d = now - t;
        return d.TotalSeconds < 0 ? "0s"
            : d.TotalMinutes < 2 ? $"{(int)d.TotalSeconds}s"
            : d.TotalHours < 2 ? $"{(int)d.TotalMinutes}m"
            : d.TotalDays < 2 ? $"{(int)d.TotalHours}h"
            : $"{(int)d.TotalDays}d";
    }

    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) : "-";
}

/// <summary>A plain, left-aligned table (like kubectl's) for stdout.</summary>
internal sealed class TextTable(params string[] headers)
{
    readonly List<string[]> rows = [];

    public int Count => rows.Count;

    public void Add(params string?[] cells) => rows.Add(cells.Select(c => string.IsNullOrEmpty(c) ? "-" : TerminalText.Safe(c)).ToArray());

    public void Write(TextWriter w, string indent = "")
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        WriteRow(w, indent, headers, widths);
        foreach (var row in rows)
        {
            WriteRow(w, indent, row, widths);
        }
    }

    static void WriteRow(TextWriter w, string indent, string[] cells, int[] widths)
    {
        var line = new StringBuilder(indent);
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }
        w.WriteLine(line.ToString().TrimEnd());
    }
}
