using System.Text;

namespace Hoist.Server.Demo;

/// <summary>
/// <c>DIR/demo.env</c>: <c>export NAME='value'</c> lines a shell can source. It holds the tokens and the admin
/// password (tokens are stored hashed, so this file is how a second run hands the same ones out again), so it is
/// written owner-only.
/// </summary>
public static class DemoEnvFile
{
    public const string FileName = "demo.env";

    /// <summary>Every variable the file carries, in the order written.</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "HOIST_SERVER", "CD_PERSONAL_ACCESS_TOKEN", "HOIST_READONLY_TOKEN", "HOIST_ADMIN_USER", "HOIST_ADMIN_PASSWORD",
        "CCI_CURRENT_TEAM", "PROJECT_NAME", "CCI_JOB_NAME", "JOB_ID", "CD_CREDENTIAL_INDEX", "CD_CREDENTIAL_ID",
        "CD_ACCOUNT_NAME", "CD_NAMESPACE_NAME", "CD_MANIFEST_TYPE", "CD_MANIFEST_NAME", "CD_CONTAINER_NAME", "KUBECONFIG",
    ];

    public static void Write(string path, IReadOnlyDictionary<string, string> values)
    {
        var sb = new StringBuilder("# Written by `hoist-server demo`; source it: . ").Append(path).Append('\n');
        foreach (var name in Variables)
            sb.Append("export ").Append(name).Append("='").Append(values[name].Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        // Create it owner-only before any secret is in it, rather than narrowing the mode afterwards.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(sb.ToString());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The variables of a file written by <see cref="Write"/>; empty when there is none.</summary>
    public static Dictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return values;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith("export ", StringComparison.Ordinal)) continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0) continue;
            var value = line[(eq + 1)..];
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') value = value[1..^1].Replace("'\\''", "'", StringComparison.Ordinal);
            values[line["export ".Length..eq]] = value;
        }
        return values;
    }
}
