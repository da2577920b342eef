using Hoist.Sandbox.Store;
using Microsoft.AspNetCore.Http;

namespace Hoist.Sandbox.Api;

/// <summary>
/// A Kubernetes API path resolved the way the apiserver's RequestInfoResolver does:
/// <c>/apis/&lt;g&gt;/&lt;v&gt;[/namespaces/&lt;ns&gt;]/&lt;resource&gt;[/&lt;name&gt;[/&lt;subresource&gt;]]</c>, plus the RBAC verb.
/// </summary>
internal sealed record ApiRequest(ResourceKind Kind, string? Namespace, string? Name, string? Subresource, string Verb)
{
    /// <summary>The resource as RBAC and the stats name it: <c>deployments</c>, <c>deployments/scale</c>.</summary>
    public string Resource => Subresource is null ? Kind.Plural : $"{Kind.Plural}/{Subresource}";

    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";

    /// <summary>Resolves the path after the group version; null when no resource lives there.</summary>
    public static ApiRequest? Parse(string group, string version, string path, string method, IQueryCollection query)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var watchPath = false;
        if (segments.Length > 0 && segments[0] == "watch")
        {
            watchPath = true;
            segments = segments[1..];
        }
        if (segments.Length == 0) return null;

        string? ns = null;
        if (segments[0] == "namespaces" && segments.Length >= 3 && ResourceKinds.Find(group, version, segments[2]) is { Namespaced: true })
        {
            ns = segments[1];
            segments = segments[2..];
        }
        if (segments.Length > 3) return null;
        var kind = ResourceKinds.Find(group, version, segments[0]);
        if (kind is null) return null;
        var name = segments.Length > 1 ? segments[1] : null;
        var sub = segments.Length > 2 ? segments[2] : null;
        if (sub is not null && !kind.Subresources.Contains(sub)) return null;
        if (kind.Namespaced && ns is null && name is not null) return null;
        if (!kind.Namespaced && ns is not null) return null;

        var watchParam = query["watch"].ToString();
        var watch = watchPath || watchParam is "true" or "1";
        var verb = (method, name) switch
        {
            ("GET", null) => watch ? "watch" : "list",
            ("GET", _) => watchPath ? "watch" : "get",
            ("POST", null) => "create",
            ("PUT", not null) => "update",
            ("PATCH", not null) => "patch",
            ("DELETE", not null) => "delete",
            ("DELETE", null) => "deletecollection",
            _ => "",
        };
        if (verb.Length == 0) throw ApiException.MethodNotAllowed();
        if (sub is not null && verb is not ("get" or "update" or "patch")) throw ApiException.MethodNotAllowed();
        if (sub == "log" && verb != "get") throw ApiException.MethodNotAllowed();
        return new ApiRequest(kind, ns, name, sub, verb);
    }
}
