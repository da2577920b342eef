using System.Text.RegularExpressions;

namespace Hoist.Server.Http;

/// <summary>
/// Checks for strings that come from users or CI: length, control characters, and the Kubernetes name grammars.
/// Each returns null when the value is fine, or the refusal naming the field. Values are never echoed back in
/// full: a detail says what is wrong, not what was sent.
/// </summary>
public static partial class InputRules
{
    public const int MaxDisplayName = 100;

    /// <summary>Required text of at most <paramref name="max"/> characters without control or bidi-override characters.</summary>
    public static ApiProblem? Text(string field, string? value, int max, bool required = true)
    {
        if (string.IsNullOrEmpty(value))
            return required ? ApiProblem.Invalid(field, $"'{field}' is required.") : null;
        if (value.Length > max)
            return ApiProblem.Invalid(field, $"'{field}' is longer than {max} characters.");
        if (HasForbiddenCharacter(value))
            return ApiProblem.Invalid(field, $"'{field}' contains control characters.");
        if (value.Trim().Length != value.Length)
            return ApiProblem.Invalid(field, $"'{field}' starts or ends with white space.");
        return null;
    }

    /// <summary>A name people choose (team, project, build plan, application): also no path separators and not a dot name.</summary>
    public static ApiProblem? DisplayName(string field, string? value, int max = MaxDisplayName)
    {
        if (Text(field, value, max) is { } p) return p;
        if (value!.IndexOfAny(['/', '\\']) >= 0 || value is "." or "..")
            return ApiProblem.Invalid(field, $"'{field}' must not contain '/' or '\\' or be '.' or '..'.");
        return null;
    }

    /// <summary>User names and cloud-account names: ASCII letters, digits, '.', '_', '-', starting and ending alphanumerically.</summary>
    public static ApiProblem? Identifier(string field, string? value, int max = 63)
    {
        if (Text(field, value, max) is { } p) return p;
        return IdentifierPattern().IsMatch(value!) ? null
            : ApiProblem.Invalid(field, $"'{field}' may hold only letters, digits, '.', '_' and '-', and must start and end with a letter or digit.");
    }

    /// <summary>RFC 1123 label (namespaces, container names): lower-case alphanumerics and '-', at most 63.</summary>
    public static ApiProblem? DnsLabel(string field, string? value)
    {
        if (Text(field, value, 63) is { } p) return p;
        return IsDnsLabel(value!) ? null
            : ApiProblem.Invalid(field, $"'{field}' must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.");
    }

    /// <summary>RFC 1123 subdomain (workload names): labels joined by '.', at most 253.</summary>
    public static ApiProblem? DnsSubdomain(string field, string? value)
    {
        if (Text(field, value, 253) is { } p) return p;
        return IsDnsSubdomain(value!) ? null
            : ApiProblem.Invalid(field, $"'{field}' must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters.");
    }

    public static bool IsDnsLabel(string value) => value.Length <= 63 && DnsLabelPattern().IsMatch(value);

    public static bool IsDnsSubdomain(string value) => value.Length <= 253 && DnsSubdomainPattern().IsMatch(value);

    public static bool HasForbiddenCharacter(string value)
    {
        foreach (var c in value)
            if (IsForbidden(c)) return true;
        return !HasValidSurrogates(value);
    }

    // Line/paragraph separators and bidi overrides make logs and pages lie about what they show.
    static bool IsForbidden(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F';

    static bool HasValidSurrogates(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(value[i])) return false;
        }
        return true;
    }

    /// <summary>For audit records and log fields: at most <paramref name="max"/> characters, control characters replaced.</summary>
    public static string? Sanitize(string? value, int max = 200)
    {
        if (value is null) return null;
        var s = value.Length > max ? value[..(max - 1)] + "…" : value;
        if (!HasForbiddenCharacter(s)) return s;
        var lonelySurrogates = !HasValidSurrogates(s);
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (IsForbidden(chars[i]) || (lonelySurrogates && char.IsSurrogate(chars[i]))) chars[i] = '?';
        return new string(chars);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomainPattern();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}
