using System.Net;
using System.Text.Json;

namespace Hoist.Server.IntegrationTests.Infrastructure;

public static class Problems
{
    /// <summary>The response as ProblemDetails JSON; fails the test when it is not one or has no <c>code</c>.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"body: {text}");
        var json = JsonDocument.Parse(text).RootElement;
        json.TryGetProperty("code", out _).ShouldBeTrue($"no code in {text}");
        return json;
    }

    public static async Task<string> CodeAsync(this HttpResponseMessage response) =>
        (await response.ReadProblemAsync()).GetProperty("code").GetString()!;

    /// <summary>Asserts status and code, returning the problem for further checks.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ReadProblemAsync();
        response.StatusCode.ShouldBe(status, problem.ToString());
        problem.GetProperty("code").GetString().ShouldBe(code, problem.ToString());
        return problem;
    }

    public static string? Str(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
