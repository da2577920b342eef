using System.Text;

namespace Hoist.Cli.Deploy;

internal static class StepExpansion
{
    /// <summary>
    /// The argument's value with its variables taken from the environment. An unset variable is an error naming it:
    /// Jenkins would have left <c>${X}</c> in the text and the release would fail later with a confusing message.
    /// A variable set to the empty string expands to nothing, as in Groovy and the shell.
    /// </summary>
    public static string Expand(StepCall call, StepArgument argument, CliEnvironment env)
    {
        var unset = argument.Parts.OfType<VariablePart>().Where(v => env.GetRaw(v.Name) is null).ToList();
        if (unset.Count > 0)
        {
            var names = string.Join(", ", unset.Select(v => v.Name).Distinct());
            var verb = unset.Select(v => v.Name).Distinct().Count() == 1 ? "is" : "are";
            throw new StepSyntaxException($"{call.Where(unset[0].Offset)}: {names} {verb} not set in the environment (used by {argument.Name})", unset[0].Offset);
        }
        var value = new StringBuilder();
        foreach (var part in argument.Parts)
        {
            value.Append(part switch
            {
                LiteralPart l => l.Text,
                VariablePart v => env.GetRaw(v.Name),
                _ => throw new InvalidOperationException(part.GetType().Name),
            });
        }
        return value.ToString();
    }
}
