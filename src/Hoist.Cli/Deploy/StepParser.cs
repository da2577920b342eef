using System.Text;

namespace Hoist.Cli.Deploy;

/// <summary>A piece of a step argument's value: literal text or an environment variable to look up later.</summary>
internal abstract record StepValuePart;

internal sealed record LiteralPart(string Text) : StepValuePart;

/// <summary><c>${NAME}</c>, <c>$NAME</c>, <c>${env.NAME}</c> or a bare <c>NAME</c>/<c>env.NAME</c>; Offset is where it starts.</summary>
internal sealed record VariablePart(string Name, int Offset) : StepValuePart;

internal sealed record StepArgument(string Name, int Offset, IReadOnlyList<StepValuePart> Parts);

/// <summary>A parsed <c>cdDeploy(...)</c> call. Variables stay unexpanded until a value is used, so that an option
/// overriding an argument also spares the user an error about a variable that argument needed.</summary>
internal sealed record StepCall(string Text, IReadOnlyList<StepArgument> Arguments)
{
    public StepArgument? Find(string name) => Arguments.FirstOrDefault(a => a.Name == name);

    public string Where(int offset) => StepParser.Where(Text, offset);
}

/// <summary>A syntax or expansion error in <c>--step</c>, already phrased as "at column N: expected X but found Y".</summary>
internal sealed class StepSyntaxException(string message, int offset) : Exception(message)
{
    public int Offset { get; } = offset;
}

/// <summary>
/// Parses the Jenkinsfile step exactly as users have it:
/// <code>cdDeploy(deployType: 'PATCH_IMAGE', application: '${CCI_CURRENT_TEAM}', image: '"${IMAGE}:${TAG}"', ...)</code>
/// Groovy's named-argument call, with or without parentheses; values are single-, double- or triple-quoted strings,
/// bare <c>NAME</c> / <c>env.NAME</c> references, or several of those joined with <c>+</c>; <c>//</c> and <c>/* */</c>
/// comments and line breaks are allowed between tokens.
/// <para>
/// <c>${VAR}</c>, <c>$VAR</c> and <c>${env.VAR}</c> are expanded from the environment inside both kinds of string:
/// CODING's plugin did that itself for single-quoted strings, and for double-quoted ones Groovy would have done
/// the same before the plugin saw them. <c>\$</c> keeps a literal dollar. When a string starts and ends with a
/// double quote inside single quotes (CODING's generated <c>'"${IMAGE}:${TAG}"'</c>), those quotes are dropped.
/// </para>
/// </summary>
internal sealed class StepParser
{
    public const string StepName = "cdDeploy";

    /// <summary>CODING's ten parameters plus <c>personalAccessToken</c>, which later CODING examples pass too.</summary>
    public static readonly IReadOnlyList<string> ParameterNames =
    [
        "deployType", "application", "pipelineName", "credentialId", "image", "cloudAccountName",
        "namespace", "manifestType", "manifestName", "containerName", "personalAccessToken",
    ];

    readonly string text;
    int pos;

    StepParser(string text) => this.text = text;

    public static StepCall Parse(string text) => new StepParser(text).ParseCall();

    /// <summary>"at column 42", or "at line 2, column 7" when the step spans lines; 1-based.</summary>
    public static string Where(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        var column = offset - lineStart + 1;
        return line == 1 && text.IndexOf('\n', StringComparison.Ordinal) < 0 ? $"at column {column}" : $"at line {line}, column {column}";
    }

    char Peek => pos < text.Length ? text[pos] : '\0';

    bool AtEnd => pos >= text.Length;

    StepCall ParseCall()
    {
        SkipTrivia();
        var nameAt = pos;
        if (!IsIdentifierStart(Peek))
        {
            throw Expected($"'{StepName}('");
        }
        var function = ReadIdentifier();
        if (function != StepName)
        {
            throw Fail(nameAt, $"expected '{StepName}' but found '{function}'");
        }
        SkipTrivia();

        var arguments = new List<StepArgument>();
        if (Peek == '(')
        {
            pos++;
            SkipTrivia();
            while (Peek != ')')
            {
                arguments.Add(ParseArgument(arguments));
                SkipTrivia();
                if (Peek == ',')
                {
                    pos++;
                    SkipTrivia();
                }
                else if (Peek != ')')
                {
                    throw Expected("',' or ')'");
                }
            }
            pos++;
        }
        else if (IsIdentifierStart(Peek) || Peek is '\'' or '"')
        {
            // Groovy's command-call form: cdDeploy deployType: 'PATCH_IMAGE', image: '...'
            while (true)
            {
                arguments.Add(ParseArgument(arguments));
                SkipTrivia();
                if (Peek != ',')
                {
                    break;
                }
                pos++;
                SkipTrivia();
            }
            if (!AtEnd && Peek != ';')
            {
                throw Expected("',' or the end of the step");
            }
        }
        else
        {
            throw Expected("'('");
        }

        SkipTrivia();
        if (Peek == ';')
        {
            pos++;
            SkipTrivia();
        }
        if (!AtEnd)
        {
            throw Expected("the end of the step");
        }
        return new StepCall(text, arguments);
    }

    StepArgument ParseArgument(List<StepArgument> seen)
    {
        var at = pos;
        string name;
        if (Peek is '\'' or '"')
        {
            // Groovy accepts quoted map keys: cdDeploy('image': '...')
            var quote = Peek;
            pos++;
            var end = text.IndexOf(quote, pos);
            if (end < 0)
            {
                pos = text.Length;
                throw Expected($"{quote} to close the parameter name");
            }
            name = text[pos..end];
            pos = end + 1;
        }
        else if (IsIdentifierStart(Peek))
        {
            name = ReadIdentifier();
        }
        else
        {
            throw Expected("a parameter name");
        }

        if (!ParameterNames.Contains(name))
        {
            throw Fail(at, $"unknown parameter '{name}'{Suggest(name)}; expected one of {string.Join(", ", ParameterNames)}");
        }
        if (seen.Any(a => a.Name == name))
        {
            throw Fail(at, $"parameter '{name}' is given twice");
        }

        SkipTrivia();
        if (Peek != ':')
        {
            throw Expected($"':' after '{name}'");
        }
        pos++;
        SkipTrivia();
        return new StepArgument(name, at, ParseValue());
    }

    List<StepValuePart> ParseValue()
    {
        var parts = new List<StepValuePart>();
        ParseTerm(parts);
        while (true)
        {
            var save = pos;
            SkipTrivia();
            if (Peek != '+')
            {
                pos = save;
                return parts;
            }
            pos++;
            SkipTrivia();
            ParseTerm(parts);
        }
    }

    void ParseTerm(List<StepValuePart> parts)
    {
        if (StartsWith("'''") || StartsWith("\"\"\""))
        {
            parts.AddRange(ReadString(text.Substring(pos, 3)));
        }
        else if (Peek is '\'' or '"')
        {
            parts.AddRange(ReadString(Peek.ToString()));
        }
        else if (IsIdentifierStart(Peek))
        {
            var at = pos;
            var name = ReadIdentifier();
            if (name is "true" or "false" or "null")
            {
                throw Fail(at, $"expected a quoted string but found '{name}'");
            }
            if (name == "env")
            {
                if (Peek != '.')
                {
                    throw Expected("'.' after 'env'");
                }
                pos++;
                if (!IsIdentifierStart(Peek))
                {
                    throw Expected("a variable name after 'env.'");
                }
                name = ReadIdentifier();
            }
            parts.Add(new VariablePart(name, at));
        }
        else
        {
            throw Expected("a quoted string");
        }
    }

    List<StepValuePart> ReadString(string delimiter)
    {
        var opened = pos;
        pos += delimiter.Length;
        var parts = new List<StepValuePart>();
        var literal = new StringBuilder();

        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(new LiteralPart(literal.ToString()));
                literal.Clear();
            }
        }

        while (true)
        {
            if (AtEnd)
            {
                throw Expected($"{delimiter} to close the string opened {Where(text, opened)}");
            }
            if (StartsWith(delimiter))
            {
                pos += delimiter.Length;
                break;
            }
            var c = text[pos];
            if (c is '\n' or '\r' && delimiter.Length == 1)
            {
                throw Expected($"{delimiter} to close the string opened {Where(text, opened)}");
            }
            if (c == '\\')
            {
                ReadEscape(literal);
            }
            else if (c == '$' && TryReadVariable(out var variable))
            {
                Flush();
                parts.Add(variable);
            }
            else
            {
                literal.Append(c);
                pos++;
            }
        }
        Flush();
        return StripCodingQuotes(parts);
    }

    /// <summary>CODING generated <c>image: '"${CODING_DOCKER_IMAGE_NAME}:${DOCKER_IMAGE_VERSION}"'</c>; the inner quotes
    /// are not part of any image reference, so a string wrapped in them loses them.</summary>
    static List<StepValuePart> StripCodingQuotes(List<StepValuePart> parts)
    {
        if (parts is [LiteralPart { Text: [ '"', .., '"' ] } only] && only.Text.Length >= 2)
        {
            return [new LiteralPart(only.Text[1..^1])];
        }
        if (parts.Count >= 2 && parts[0] is LiteralPart { Text: ['"', ..] } first && parts[^1] is LiteralPart { Text: [.., '"'] } last)
        {
            var stripped = new List<StepValuePart>(parts);
            stripped[0] = new LiteralPart(first.Text[1..]);
            stripped[^1] = new LiteralPart(last.Text[..^1]);
            stripped.RemoveAll(p => p is LiteralPart { Text.Length: 0 });
            return stripped;
        }
        return parts;
    }

    void ReadEscape(StringBuilder literal)
    {
        var at = pos;
        pos++;
        if (AtEnd)
        {
            throw Expected("an escaped character after '\\'");
        }
        var c = text[pos++];
        switch (c)
        {
            case '\\' or '\'' or '"' or '$' or '/':
                literal.Append(c);
                break;
            case 'n':
                literal.Append('\n');
                break;
            case 't':
                literal.Append('\t');
                break;
            case 'r':
                literal.Append('\r');
                break;
            case 'b':
                literal.Append('\b');
                break;
            case 'f':
                literal.Append('\f');
                break;
            case 's':
                literal.Append(' ');
                break;
            case '\n':
                break; // a backslash at the end of a line continues the string
            case 'u' when pos + 4 <= text.Length && ushort.TryParse(text.AsSpan(pos, 4), System.Globalization.NumberStyles.HexNumber, null, out var code):
                literal.Append((char)code);
                pos += 4;
                break;
            default:
                throw Fail(at, $"unknown escape sequence '\\{c}'; to write a backslash, use '\\\\'");
        }
    }

    bool TryReadVariable(out VariablePart variable)
    {
        var at = pos;
        variable = null!;
        if (pos + 1 < text.Length && text[pos + 1] == '{')
        {
            pos += 2;
            SkipSpaces();
            if (!IsIdentifierStart(Peek))
            {
                throw Expected("a variable name after '${'");
            }
            var name = ReadIdentifier();
            if (name == "env" && Peek == '.')
            {
                pos++;
                if (!IsIdentifierStart(Peek))
                {
                    throw Expected("a variable name after 'env.'");
                }
                name = ReadIdentifier();
            }
            SkipSpaces();
            if (Peek != '}')
            {
                throw Expected($"'}}' to close '${{{name}'");
            }
            pos++;
            variable = new VariablePart(name, at);
            return true;
        }
        if (pos + 1 < text.Length && IsIdentifierStart(text[pos + 1]))
        {
            pos++;
            var name = ReadIdentifier();
            if (name == "env" && Peek == '.' && pos + 1 < text.Length && IsIdentifierStart(text[pos + 1]))
            {
                pos++;
                name = ReadIdentifier();
            }
            variable = new VariablePart(name, at);
            return true;
        }
        return false; // a lone '$' is literal text
    }

    string ReadIdentifier()
    {
        var start = pos;
        while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek) || Peek == '_'))
        {
            pos++;
        }
        return text[start..pos];
    }

    static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    bool StartsWith(string s) => string.CompareOrdinal(text, pos, s, 0, s.Length) == 0;

    void SkipSpaces()
    {
        while (Peek is ' ' or '\t')
        {
            pos++;
        }
    }

    void SkipTrivia()
    {
        while (!AtEnd)
        {
            if (char.IsWhiteSpace(Peek))
            {
                pos++;
            }
            else if (StartsWith("//"))
            {
                while (!AtEnd && Peek != '\n')
                {
                    pos++;
                }
            }
            else if (StartsWith("/*"))
            {
                var end = text.IndexOf("*/", pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Fail(pos, "expected '*/' to close the comment but found the end of the step");
                }
                pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    string Found() => AtEnd ? "the end of the step"
        : Peek is '\n' or '\r' ? "the end of the line"
        : Peek == '\'' ? "\"'\""
        : $"'{Peek}'";

    StepSyntaxException Expected(string what) => Fail(pos, $"expected {what} but found {Found()}");

    StepSyntaxException Fail(int offset, string message) => new($"{Where(text, offset)}: {message}", offset);

    static string Suggest(string name)
    {
        var best = ParameterNames
            .Select(p => (Name: p, Distance: Distance(name.ToLowerInvariant(), p.ToLowerInvariant())))
            .MinBy(p => p.Distance);
        return best.Distance <= Math.Max(2, name.Length / 4) ? $" (did you mean '{best.Name}'?)" : "";
    }

    static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
