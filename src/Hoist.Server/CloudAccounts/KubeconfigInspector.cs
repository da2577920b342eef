using Hoist.Contracts;
using Hoist.Server.Http;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Hoist.Server.CloudAccounts;

public sealed record KubeconfigSummary(IReadOnlyList<string> Contexts, string Context, string Server, string? Namespace, string UserAuth);

/// <summary>
/// Reads a pasted kubeconfig as data and refuses anything that would make the Hoist server run a command or
/// read one of its own files: <c>exec</c> and <c>auth-provider</c> users, and file references
/// (<c>certificate-authority</c>, <c>client-certificate</c>, <c>client-key</c>, <c>tokenFile</c>), anywhere in the
/// file, not only in the chosen context. Anchors and aliases are refused too (no alias bombs). Pure: no I/O.
/// </summary>
public static class KubeconfigInspector
{
    public const int MaxLength = 48 * 1024;
    static readonly string[] CommandKeys = ["exec", "auth-provider"];
    static readonly string[] FileKeys = ["certificate-authority", "client-certificate", "client-key", "tokenFile", "token-file"];

    public static Outcome<KubeconfigSummary> Inspect(string? kubeconfig, string? context)
    {
        if (string.IsNullOrWhiteSpace(kubeconfig)) return ApiProblem.Invalid("kubeconfig", "'kubeconfig' is required.");
        if (kubeconfig.Length > MaxLength) return ApiProblem.Invalid("kubeconfig", $"'kubeconfig' is longer than {MaxLength / 1024} KB.");
        if (context is not null && InputRules.Text("context", context, 253) is { } badContext) return badContext;

        YamlMappingNode root;
        try
        {
            if (Prescan(kubeconfig) is { } shapeProblem) return shapeProblem;
            var stream = new YamlStream();
            stream.Load(new StringReader(kubeconfig));
            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode map)
                return Invalid("The kubeconfig must be one YAML document holding a mapping (apiVersion, clusters, contexts, users).");
            root = map;
        }
        catch (YamlException e)
        {
            return Invalid($"The kubeconfig is not valid YAML (line {e.Start.Line}, column {e.Start.Column}).");
        }

        if (FindForbidden(root, "") is { } refusal) return refusal;

        var contexts = NamedEntries(root, "contexts", "context");
        var clusters = NamedEntries(root, "clusters", "cluster");
        var users = NamedEntries(root, "users", "user");
        if (contexts.Count == 0) return Invalid("The kubeconfig has no contexts.");

        var chosen = context ?? Scalar(root, "current-context");
        if (string.IsNullOrEmpty(chosen))
            return ApiProblem.Invalid("context", "The kubeconfig has no current-context; choose one of its contexts.") with { Expected = contexts.Keys.ToList() };
        if (!contexts.TryGetValue(chosen, out var ctx))
            return ApiProblem.Invalid("context", "The kubeconfig has no context of that name.") with { Expected = contexts.Keys.ToList() };

        var clusterName = Scalar(ctx, "cluster");
        if (clusterName is null || !clusters.TryGetValue(clusterName, out var cluster))
            return Invalid("The chosen context names a cluster the kubeconfig does not define.");
        var server = Scalar(cluster, "server");
        if (CheckServer(server, "kubeconfig") is { } badServer) return badServer;

        var userName = Scalar(ctx, "user");
        var auth = "none";
        if (userName is not null)
        {
            if (!users.TryGetValue(userName, out var user))
                return Invalid("The chosen context names a user the kubeconfig does not define.");
            auth = Scalar(user, "token") is not null ? "token"
                : Scalar(user, "client-certificate-data") is not null ? "client-certificate"
                : Scalar(user, "username") is not null ? "basic"
                : "none";
        }
        return new KubeconfigSummary(contexts.Keys.ToList(), chosen, server!, Scalar(ctx, "namespace"), auth);
    }

    /// <summary>An API server URL: absolute http(s), no user info.</summary>
    public static ApiProblem? CheckServer(string? server, string field)
    {
        if (string.IsNullOrWhiteSpace(server)) return ApiProblem.Invalid(field, "The cluster has no server URL.");
        if (server.Length > 500 || InputRules.HasForbiddenCharacter(server)
            || !Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.UserInfo) || string.IsNullOrEmpty(uri.Host))
            return ApiProblem.Invalid(field, "The cluster server must be an absolute http:// or https:// URL without user info.");
        return null;
    }

    /// <summary>
    /// Walks the parser's events (iteratively) before anything builds a tree: refuses anchors/aliases and
    /// nesting deeper than a kubeconfig ever needs, which would otherwise blow the stack of a recursive loader.
    /// </summary>
    static ApiProblem? Prescan(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case AnchorAlias:
                case NodeEvent { Anchor.IsEmpty: false }:
                    return Refused("kubeconfig", "YAML anchors and aliases are not accepted in a kubeconfig.");
                case MappingStart or SequenceStart:
                    if (++depth > 20) return Invalid("The kubeconfig is nested too deeply.");
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
        return null;
    }

    static ApiProblem? FindForbidden(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    var key = (k as YamlScalarNode)?.Value ?? "";
                    var here = path.Length == 0 ? key : $"{path}.{key}";
                    if (CommandKeys.Contains(key))
                        return Refused(here, $"'{Clip(here)}' would make Hoist run a command to get credentials; paste a kubeconfig with a token or client certificate data instead.");
                    if (FileKeys.Contains(key))
                        return Refused(here, $"'{Clip(here)}' refers to a file on the Hoist server; only inline data is accepted (use '{DataKeyFor(key)}').");
                    if (FindForbidden(v, here) is { } p) return p;
                }
                return null;
            case YamlSequenceNode seq:
                var i = 0;
                foreach (var item in seq.Children)
                {
                    var name = item is YamlMappingNode m ? Scalar(m, "name") : null;
                    var here = name is not null && !InputRules.HasForbiddenCharacter(name) ? $"{path}[{Clip(name)}]" : $"{path}[{i}]";
                    if (FindForbidden(item, here) is { } p) return p;
                    i++;
                }
                return null;
            default:
                return null;
        }
    }

    static string DataKeyFor(string key) => key switch
    {
        "tokenFile" or "token-file" => "token",
        _ => key + "-data",
    };

    static Dictionary<string, YamlMappingNode> NamedEntries(YamlMappingNode root, string list, string inner)
    {
        var result = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
        if (!root.Children.TryGetValue(new YamlScalarNode(list), out var node) || node is not YamlSequenceNode seq) return result;
        foreach (var item in seq.Children.OfType<YamlMappingNode>())
        {
            var name = Scalar(item, "name");
            if (name is null || InputRules.HasForbiddenCharacter(name) || name.Length > 253) continue;
            if (item.Children.TryGetValue(new YamlScalarNode(inner), out var body) && body is YamlMappingNode m) result.TryAdd(name, m);
        }
        return result;
    }

    static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { Length: > 0 } s } ? s : null;

    static string Clip(string s) => s.Length > 80 ? s[..80] + "…" : s;

    static ApiProblem Refused(string field, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, ProblemCodes.KubeconfigRefused, "Kubeconfig refused", detail) { Field = Clip(field) };

    static ApiProblem Invalid(string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, ProblemCodes.InvalidKubeconfig, "Invalid kubeconfig", detail) { Field = "kubeconfig" };
}
