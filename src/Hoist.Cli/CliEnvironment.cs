using System.Collections;

namespace Hoist.Cli;

/// <summary>
/// The environment variables the CLI reads, captured once so tests can hand in their own. CI systems often define
/// variables as empty strings, so <see cref="Get"/> treats empty as unset; step expansion needs the difference
/// and uses <see cref="GetRaw"/>.
/// </summary>
internal sealed class CliEnvironment(IReadOnlyDictionary<string, string> variables)
{
    public static CliEnvironment FromProcess()
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v)
            {
                vars[k] = v;
            }
        }
        return new CliEnvironment(vars);
    }

    public static CliEnvironment Of(params (string Name, string Value)[] vars) =>
        new(vars.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal));

    /// <summary>The value, or null when the variable is unset or empty.</summary>
    public string? Get(string name) => variables.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>The value as set (possibly empty), or null when unset.</summary>
    public string? GetRaw(string name) => variables.TryGetValue(name, out var v) ? v : null;
}
