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

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        // The apiserver omits empty details (omitempty), e.g. for 410 Expired.
        if (Details is not null) status["details"] = Details.DeepClone();
        status["code"] = Code;
        return status;
    }

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

    /// <summary>The 404 for a path no resource lives at (genericapiserver's NotFound handler).</summary>
    public static ApiException UnknownPath() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    /// <summary>403 as RBAC words it: <c>deployments.apps "web" is forbidden: User "u" cannot patch resource "deployments" in API group "apps" in the namespace "default"</c>.</summary>
    public static ApiException Forbidden(ResourceKind kind, string? name, string user, string verb, string? subresource, string? ns)
    {
        var resource = subresource is null ? kind.Plural : $"{kind.Plural}/{subresource}";
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        var subject = string.IsNullOrEmpty(name) ? kind.GroupResource : $"{kind.GroupResource} \"{name}\"";
        var details = new JsonObject { ["group"] = kind.Group, ["kind"] = kind.Plural };
        if (!string.IsNullOrEmpty(name)) details = new JsonObject { ["name"] = name, ["group"] = kind.Group, ["kind"] = kind.Plural };
        return new(403, "Forbidden",
            $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{kind.Group}\" {scope}",
            details);
    }

    /// <summary>500 as <c>errors.NewInternalError</c> words it.</summary>
    public static ApiException InternalError(string cause) =>
        new(500, "InternalError", $"Internal error occurred: {cause}",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = cause }) });

    public static ApiException UnsupportedMediaType(string contentType, IEnumerable<string> accepted) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}",
            new JsonObject());

    /// <summary>A 422 with the apiserver's generic wording and the underlying error as the only cause (failed patches).</summary>
    public static ApiException Unprocessable(string cause) =>
        new(422, "Invalid", "the server rejected our request due to an error in our request",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "UnexpectedServerResponse", ["message"] = cause }) });

    /// <summary>422 with causes; kubectl prints <c>The Kind "name" is invalid: </c> and one line per cause.</summary>
    public static ApiException Invalid(ResourceKind kind, string name, params (string Field, string Reason, string Message)[] causes)
    {
        var list = new JsonArray();
        foreach (var c in causes)
            list.Add(new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field });
        // utilerrors.Aggregate: one error as is, several de-duplicated inside brackets.
        var messages = causes.Select(c => $"{c.Field}: {c.Message}").Distinct().ToList();
        var summary = messages.Count == 1 ? messages[0] : "[" + string.Join(", ", messages) + "]";
        var details = DetailsFor(kind, name);
        details["kind"] = kind.Kind;
        details["causes"] = list;
        return new(422, "Invalid", $"{kind.GroupKind} \"{name}\" is invalid: {summary}", details);
    }
}
