using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Selectors;

public enum LabelOperator { Equals, DoubleEquals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan }

/// <summary>One term of a label selector, with the semantics of apimachinery <c>labels.Requirement</c>.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.In => has && Values.Contains(value!),
            // "!=" and "notin" also match objects that do not carry the label at all.
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            LabelOperator.GreaterThan => has && long.TryParse(value, out var g) && g > long.Parse(Values[0], System.Globalization.CultureInfo.InvariantCulture),
            LabelOperator.LessThan => has && long.TryParse(value, out var l) && l < long.Parse(Values[0], System.Globalization.CultureInfo.InvariantCulture),
            _ => false,
        };
    }

    /// <summary>The canonical form apimachinery prints (values sorted inside <c>in (…)</c>).</summary>
    public override string ToString()
    {
        var op = Operator switch
        {
            LabelOperator.Equals => "=",
            LabelOperator.DoubleEquals => "==",
            LabelOperator.NotEquals => "!=",
            LabelOperator.In => " in ",
            LabelOperator.NotIn => " notin ",
            LabelOperator.GreaterThan => ">",
            LabelOperator.LessThan => "<",
            _ => "",
        };
        if (Operator == LabelOperator.Exists) return Key;
        if (Operator == LabelOperator.DoesNotExist) return "!" + Key;
        var values = Values.Count == 1 ? Values[0] : string.Join(",", Values.Order(StringComparer.Ordinal));
        return Operator is LabelOperator.In or LabelOperator.NotIn ? $"{Key}{op}({values})" : $"{Key}{op}{values}";
    }
}

/// <summary>
/// A label selector: parsed from the query-string syntax (<c>app=web,tier in (a,b),!canary</c>) or built from a
/// JSON <c>LabelSelector</c> (<c>matchLabels</c> + <c>matchExpressions</c>), matching as apimachinery does.
/// A null JSON selector selects nothing; an empty one selects everything (controllers rely on both).
/// </summary>
public sealed class LabelSelector
{
    readonly bool _nothing;

    LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool nothing)
    {
        Requirements = requirements;
        _nothing = nothing;
    }

    public static LabelSelector Everything { get; } = new([], false);
    public static LabelSelector Nothing { get; } = new([], true);

    public IReadOnlyList<LabelRequirement> Requirements { get; }
    public bool IsEverything => !_nothing && Requirements.Count == 0;
    public bool IsNothing => _nothing;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        if (_nothing) return false;
        foreach (var r in Requirements)
            if (!r.Matches(labels)) return false;
        return true;
    }

    public bool Matches(JsonObject obj) => Matches(obj.Labels());

    /// <summary>The string kubectl and the apiserver print: requirements sorted by key, <c>""</c> for everything and nothing.</summary>
    public override string ToString() => string.Join(",", Requirements.Select(r => r.ToString()));

    /// <summary><c>metav1.FormatLabelSelector</c>: as <see cref="ToString"/>, but <c>&lt;none&gt;</c> when empty.</summary>
    public string Format()
    {
        var s = ToString();
        return s.Length == 0 ? "<none>" : s;
    }

    /// <summary>Builds from a JSON LabelSelector. Throws <see cref="FormatException"/> for an unknown operator.</summary>
    public static LabelSelector FromJson(JsonNode? selector)
    {
        if (selector is not JsonObject s) return Nothing;
        var list = new List<LabelRequirement>();
        if (s["matchLabels"] is JsonObject ml)
            foreach (var (k, v) in ml)
                list.Add(new LabelRequirement(k, LabelOperator.Equals, [v?.ToString() ?? ""]));
        if (s["matchExpressions"] is JsonArray me)
        {
            foreach (var e in me.OfType<JsonObject>())
            {
                var key = e.Str("key") ?? "";
                var values = (e["values"] as JsonArray)?.Select(v => v?.ToString() ?? "").ToList() ?? [];
                var op = e.Str("operator") switch
                {
                    "In" => LabelOperator.In,
                    "NotIn" => LabelOperator.NotIn,
                    "Exists" => LabelOperator.Exists,
                    "DoesNotExist" => LabelOperator.DoesNotExist,
                    var other => throw new FormatException($"\"{other}\" is not a valid label selector operator"),
                };
                if (op is LabelOperator.In or LabelOperator.NotIn && values.Count == 0)
                    throw new FormatException("for 'in', 'notin' operators, values set can't be empty");
                list.Add(new LabelRequirement(key, op, values));
            }
        }
        return new LabelSelector(Sort(list), false);
    }

    /// <summary>Like <see cref="FromJson"/>, but an invalid selector selects nothing instead of throwing.</summary>
    public static LabelSelector FromJsonOrNothing(JsonNode? selector)
    {
        try { return FromJson(selector); }
        catch (FormatException) { return Nothing; }
    }

    /// <summary>Parses the query-string syntax. Throws a 400 <see cref="ApiException"/> on a syntax error, as the apiserver does.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        try
        {
            return new LabelSelector(Sort(new Parser(text).ParseAll()), false);
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest($"unable to parse requirement: {e.Message}");
        }
    }

    static List<LabelRequirement> Sort(List<LabelRequirement> list)
    {
        list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return list;
    }

    /// <summary>The lexer and grammar of apimachinery <c>labels.Parse</c>, reduced to what selectors use.</summary>
    sealed class Parser(string text)
    {
        int _pos;
        readonly List<(string Kind, string Value)> _tokens = Lex(text);

        public List<LabelRequirement> ParseAll()
        {
            var list = new List<LabelRequirement>();
            while (true)
            {
                list.Add(Requirement());
                if (Peek().Kind == "end") return list;
                Expect(",");
            }
        }

        LabelRequirement Requirement()
        {
            if (Peek().Kind == "!")
            {
                _pos++;
                return new LabelRequirement(Identifier(), LabelOperator.DoesNotExist, []);
            }
            var key = Identifier();
            var t = Peek();
            switch (t.Kind)
            {
                case "," or "end":
                    return new LabelRequirement(key, LabelOperator.Exists, []);
                case "=" or "==" or "!=":
                    _pos++;
                    var value = Peek().Kind == "id" ? _tokens[_pos++].Value : "";
                    var op = t.Kind switch { "=" => LabelOperator.Equals, "==" => LabelOperator.DoubleEquals, _ => LabelOperator.NotEquals };
                    return new LabelRequirement(key, op, [value]);
                case ">" or "<":
                    _pos++;
                    var n = Identifier();
                    if (!long.TryParse(n, out _)) throw new FormatException($"for 'Gt', 'Lt' operators, the value must be an integer");
                    return new LabelRequirement(key, t.Kind == ">" ? LabelOperator.GreaterThan : LabelOperator.LessThan, [n]);
                case "id" when t.Value is "in" or "notin":
                    _pos++;
                    Expect("(");
                    var values = new List<string>();
                    while (Peek().Kind != ")")
                    {
                        values.Add(Peek().Kind == "id" ? _tokens[_pos++].Value : "");
                        if (Peek().Kind == ",") _pos++;
                        else if (Peek().Kind != ")") throw new FormatException($"found '{Peek().Value}', expected: ',' or ')'");
                    }
                    _pos++;
                    if (values.Count == 0) throw new FormatException("for 'in', 'notin' operators, values set can't be empty");
                    return new LabelRequirement(key, t.Value == "in" ? LabelOperator.In : LabelOperator.NotIn, values);
                default:
                    throw new FormatException($"found '{t.Value}', expected: in, notin, =, ==, !=, gt, lt");
            }
        }

        (string Kind, string Value) Peek() => _pos < _tokens.Count ? _tokens[_pos] : ("end", "");

        string Identifier()
        {
            var t = Peek();
            if (t.Kind != "id") throw new FormatException($"found '{t.Value}', expected: identifier");
            _pos++;
            return t.Value;
        }

        void Expect(string kind)
        {
            var t = Peek();
            if (t.Kind != kind) throw new FormatException($"found '{t.Value}', expected: '{kind}'");
            _pos++;
        }

        static List<(string, string)> Lex(string s)
        {
            var tokens = new List<(string, string)>();
            var i = 0;
            while (i < s.Length)
            {
                var c = s[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }
                if (c is ',' or '(' or ')' or '>' or '<') { tokens.Add((c.ToString(), c.ToString())); i++; continue; }
                if (c == '=')
                {
                    if (i + 1 < s.Length && s[i + 1] == '=') { tokens.Add(("==", "==")); i += 2; }
                    else { tokens.Add(("=", "=")); i++; }
                    continue;
                }
                if (c == '!')
                {
                    if (i + 1 < s.Length && s[i + 1] == '=') { tokens.Add(("!=", "!=")); i += 2; }
                    else { tokens.Add(("!", "!")); i++; }
                    continue;
                }
                var sb = new StringBuilder();
                while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not (',' or '(' or ')' or '=' or '!' or '>' or '<'))
                    sb.Append(s[i++]);
                tokens.Add(("id", sb.ToString()));
            }
            return tokens;
        }
    }
}
