using System.Text.Json;
using System.Text.Json.Serialization;
using Hoist.Contracts;

namespace Hoist.Cli.Api;

/// <summary>
/// Source-generated serializers for everything the CLI sends and reads: no reflection at start-up, and the CLI stays
/// trimmable. Web defaults (camelCase, case-insensitive reading) match ASP.NET Core's.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeployRequest))]
[JsonSerializable(typeof(DeployAccepted))]
[JsonSerializable(typeof(ReleaseDto))]
[JsonSerializable(typeof(ReleaseListDto))]
[JsonSerializable(typeof(ReleaseEventDto))]
[JsonSerializable(typeof(RuntimeDto))]
[JsonSerializable(typeof(LogTailDto))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>For <c>--output json</c>: indented for people, same shape for scripts.</summary>
    // Lazy: a static initialiser here would run before the generated Default exists. The relaxed encoder keeps
    // quotes and Chinese readable on stdout; this JSON is never embedded in HTML.
    public static CliJsonContext Indented => indented ??= new(new JsonSerializerOptions(Default.Options)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    static CliJsonContext? indented;
}
