using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Store;

/// <summary>
/// An error the way the apiserver reports it (apimachinery pkg/api/errors): an HTTP code, a reason and a
/// message, rendered as a v1 Status body. kubectl prints <c>Error from server (Reason): message</c> from it.
/// </summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = Reason,
        ["details"] = Details?.DeepClone(),
        ["code"] = Code,
    };

    static JsonObject DetailsFor(ResourceKind kind, string name) => new()
    {
        ["name"] = name,
        ["group"] = kind.Group,
        ["kind"] = kind.Plural,
    };

    public static ApiException NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{kind.GroupResource} \"{name}\" not found", DetailsFor(kind, name));

    public static ApiException AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{kind.GroupResource} \"{name}\" already exists", DetailsFor(kind, name));

    public static ApiException Conflict(ResourceKind kind, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {kind.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            DetailsFor(kind, name));

    public static ApiException Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})");

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>422 with causes; kubectl prints <c>The Kind "name" is invalid: </c> and one line per cause.</summary>
    public static ApiException Invalid(ResourceKind kind, string name, params (string Field, string Reason, string Message)[] causes)
    {
        var list = new JsonArray();
        foreach (var c in causes)
            list.Add(new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field });
        var summary = string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"));
        var details = DetailsFor(kind, name);
        details["kind"] = kind.Kind;
        details["causes"] = list;
        return new(422, "Invalid", $"{kind.GroupKind} \"{name}\" is invalid: {summary}", details);
    }
}
