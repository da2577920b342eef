using System.Text;

namespace Hoist.Cli.Api;

/// <summary>One Server-Sent Event: <c>id:</c>, <c>event:</c> (default <c>message</c>) and the joined <c>data:</c> lines.</summary>
internal sealed record ServerSentEvent(string? Id, string Event, string Data);

/// <summary>
/// The event-stream format of the HTML standard, fed one line at a time: fields accumulate until a blank line
/// dispatches them; comments (<c>: keep-alive</c>) and <c>retry:</c> are ignored.
/// </summary>
internal sealed class SseParser
{
    string? id;
    string? eventName;
    readonly StringBuilder data = new();
    bool hasData;

    public ServerSentEvent? Feed(string line)
    {
        if (line.Length == 0)
        {
            if (!hasData && eventName is null)
            {
                return null;
            }
            var message = new ServerSentEvent(id, eventName ?? "message", data.ToString());
            eventName = null;
            id = null;
            data.Clear();
            hasData = false;
            return message;
        }
        if (line[0] == ':')
        {
            return null;
        }
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? "" : line[(colon + 1)..];
        if (value.StartsWith(' '))
        {
            value = value[1..];
        }
        switch (field)
        {
            case "id" when !value.Contains('\0', StringComparison.Ordinal):
                id = value;
                break;
            case "event":
                eventName = value;
                break;
            case "data":
                if (hasData)
                {
                    data.Append('\n');
                }
                data.Append(value);
                hasData = true;
                break;
        }
        return null;
    }
}
