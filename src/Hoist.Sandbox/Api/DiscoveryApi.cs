using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hoist.Sandbox.Api;

/// <summary>
/// <c>/version</c>, legacy (non-aggregated) discovery and a minimal OpenAPI v3. Legacy discovery answers with
/// plain <c>application/json</c>, which client-go accepts even when it asks for aggregated discovery. The OpenAPI
/// documents only declare each kind's PATCH operation with its query parameters: enough for kubectl's
/// field-validation check (<c>apply -f</c> with validation on sends <c>fieldValidation=Strict</c>); without an SMP
/// request body kubectl computes apply patches from its built-in types, as it does for any built-in kind.
/// </summary>
internal sealed class DiscoveryApi(SandboxCluster cluster)
{
    static readonly string[] AllGroupVersions = ["v1", "apps/v1", "batch/v1", "authorization.k8s.io/v1"];

    // Patch versions of the kubectl binaries installed here, so `kubectl version` pairs plausibly.
    static readonly Dictionary<int, int> PatchVersions = new() { [27] = 16, [28] = 15, [29] = 15, [30] = 13, [31] = 9, [32] = 4, [33] = 1 };

    public Task Version(HttpContext http)
    {
        var (major, minor, git) = ParseVersion(cluster.Options.KubeVersion);
        return HttpJson.Write(http, 200, new JsonObject
        {
            ["major"] = major,
            ["minor"] = minor,
            ["gitVersion"] = git,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-01-01T00:00:00Z",
            ["goVersion"] = "go1.24.0",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        });
    }

    /// <summary>"1.33" → ("1", "33", "v1.33.1"); "1.30.2" and "v1.30.2" are taken as they are.</summary>
    public static (string Major, string Minor, string GitVersion) ParseVersion(string version)
    {
        var parts = version.TrimStart('v').Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var major) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var minor))
            throw new FormatException($"kube version must look like 1.33 or 1.33.1, not \"{version}\"");
        var patch = parts.Length > 2 ? parts[2] : (major == 1 && PatchVersions.TryGetValue(minor, out var p) ? p : 0).ToString(CultureInfo.InvariantCulture);
        return (major.ToString(CultureInfo.InvariantCulture), minor.ToString(CultureInfo.InvariantCulture), $"v{major}.{minor}.{patch}");
    }

    public Task Api(HttpContext http) => HttpJson.Write(http, 200, new JsonObject
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
        {
            ["clientCIDR"] = "0.0.0.0/0",
            ["serverAddress"] = cluster.Url.Authority,
        }),
    });

    public Task Apis(HttpContext http) => HttpJson.Write(http, 200, new JsonObject
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. Groups().Select(g => (JsonNode)Group(g))]),
    });

    public Task ApiGroup(HttpContext http)
    {
        var group = http.GetRouteValue("group") as string ?? "";
        if (!Groups().Contains(group)) throw ApiException.UnknownPath();
        var body = Group(group);
        body["kind"] = "APIGroup";
        body["apiVersion"] = "v1";
        return HttpJson.Write(http, 200, body);
    }

    public Task CoreResources(HttpContext http) => HttpJson.Write(http, 200, ResourceList("", "v1"));

    public Task GroupResources(HttpContext http)
    {
        var group = http.GetRouteValue("group") as string ?? "";
        var version = http.GetRouteValue("version") as string ?? "";
        if (!Groups().Contains(group) || version != "v1") throw ApiException.UnknownPath();
        return HttpJson.Write(http, 200, ResourceList(group, version));
    }

    static IEnumerable<string> Groups() => ResourceKinds.All.Select(k => k.Group).Where(g => g.Length > 0).Append("authorization.k8s.io").Distinct();

    static JsonObject Group(string name)
    {
        var gv = new JsonObject { ["groupVersion"] = $"{name}/v1", ["version"] = "v1" };
        return new JsonObject
        {
            ["name"] = name,
            ["versions"] = new JsonArray(gv),
            ["preferredVersion"] = gv.DeepClone(),
        };
    }

    static readonly HashSet<string> InAllCategory = ["pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs"];

    static JsonObject ResourceList(string group, string version)
    {
        var resources = new JsonArray();
        if (group == "authorization.k8s.io")
        {
            resources.Add(new JsonObject
            {
                ["name"] = "selfsubjectaccessreviews",
                ["singularName"] = "selfsubjectaccessreview",
                ["namespaced"] = false,
                ["kind"] = "SelfSubjectAccessReview",
                ["verbs"] = new JsonArray("create"),
            });
        }
        foreach (var k in ResourceKinds.All.Where(k => k.Group == group && k.Version == version))
        {
            var verbs = k == ResourceKinds.Namespaces
                ? new JsonArray("create", "delete", "get", "list", "patch", "update", "watch")
                : new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
            var resource = new JsonObject
            {
                ["name"] = k.Plural,
                ["singularName"] = k.Singular,
                ["namespaced"] = k.Namespaced,
                ["kind"] = k.Kind,
                ["verbs"] = verbs,
            };
            if (k.ShortNames.Length > 0) resource["shortNames"] = new JsonArray([.. k.ShortNames.Select(s => (JsonNode)s)]);
            if (InAllCategory.Contains(k.Plural)) resource["categories"] = new JsonArray("all");
            resources.Add(resource);
            foreach (var sub in k.Subresources)
            {
                var subresource = new JsonObject
                {
                    ["name"] = $"{k.Plural}/{sub}",
                    ["singularName"] = "",
                    ["namespaced"] = k.Namespaced,
                };
                if (sub == "scale")
                {
                    // kubectl scale resolves the Scale kind from here.
                    subresource["group"] = "autoscaling";
                    subresource["version"] = "v1";
                    subresource["kind"] = "Scale";
                }
                else
                {
                    subresource["kind"] = k.Kind;
                }
                subresource["verbs"] = sub == "log" ? new JsonArray("get") : new JsonArray("get", "patch", "update");
                resources.Add(subresource);
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    public Task OpenApiRoot(HttpContext http)
    {
        var paths = new JsonObject();
        foreach (var gv in AllGroupVersions)
        {
            var path = OpenApiPath(gv);
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={Hash(OpenApiDocument(gv))}" };
        }
        return HttpJson.Write(http, 200, new JsonObject { ["paths"] = paths });
    }

    public Task OpenApiGroupVersion(HttpContext http)
    {
        var path = (http.GetRouteValue("path") as string ?? "").Trim('/');
        var gv = AllGroupVersions.FirstOrDefault(g => OpenApiPath(g) == path) ?? throw ApiException.UnknownPath();
        http.Response.Headers.ETag = $"\"{Hash(OpenApiDocument(gv))}\"";
        return HttpJson.Write(http, 200, OpenApiDocument(gv));
    }

    public async Task OpenApiV2Document(HttpContext http)
    {
        var bytes = OpenApiV2.Document(ParseVersion(cluster.Options.KubeVersion).GitVersion);
        http.Response.StatusCode = 200;
        http.Response.ContentType = OpenApiV2.ContentType;
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    static string OpenApiPath(string groupVersion) => groupVersion == "v1" ? "api/v1" : $"apis/{groupVersion}";

    static string Hash(JsonObject doc) =>
        Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(doc.ToJsonString()))).ToUpperInvariant();

    JsonObject OpenApiDocument(string groupVersion)
    {
        var paths = new JsonObject();
        var group = groupVersion.Contains('/', StringComparison.Ordinal) ? groupVersion.Split('/')[0] : "";
        foreach (var k in ResourceKinds.All.Where(k => k.ApiVersion == groupVersion))
        {
            var prefix = group.Length == 0 ? "/api/v1" : $"/apis/{groupVersion}";
            var path = k.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{k.Plural}/{{name}}" : $"{prefix}/{k.Plural}/{{name}}";
            var parameters = new JsonArray();
            foreach (var p in new[] { "dryRun", "fieldManager", "fieldValidation", "force" })
                parameters.Add(new JsonObject { ["name"] = p, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = p == "force" ? "boolean" : "string" } });
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{k.Kind}",
                    ["parameters"] = parameters,
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = k.Group, ["version"] = k.Version, ["kind"] = k.Kind },
                },
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = ParseVersion(cluster.Options.KubeVersion).GitVersion },
            ["paths"] = paths,
        };
    }

    /// <summary>
    /// SelfSubjectAccessReview: allowed unless the request is in <see cref="FaultSettings.Denied"/>. Hoist's
    /// connection check asks whether it may get and patch the workload.
    /// </summary>
    public async Task AccessReview(HttpContext http)
    {
        cluster.Stats.Record("create", "selfsubjectaccessreviews");
        var review = await HttpJson.ReadObject(http);
        var attributes = review["spec"]?["resourceAttributes"] as JsonObject;
        bool allowed;
        if (attributes is not null)
        {
            var resource = attributes.Str("resource") ?? "";
            if (attributes.Str("subresource") is { Length: > 0 } sub) resource += "/" + sub;
            allowed = !cluster.Faults.IsDenied(attributes.Str("verb") ?? "", resource);
        }
        else
        {
            allowed = review["spec"]?["nonResourceAttributes"] is not null;
        }
        var status = new JsonObject { ["allowed"] = allowed };
        if (allowed) status["reason"] = "allowed by the sandbox";
        await HttpJson.Write(http, 201, new JsonObject
        {
            ["kind"] = "SelfSubjectAccessReview",
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = review["spec"]?.DeepClone() ?? new JsonObject(),
            ["status"] = status,
        });
    }
}
