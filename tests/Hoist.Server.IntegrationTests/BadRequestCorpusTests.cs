using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hoist.Contracts;

namespace Hoist.Server.IntegrationTests;

/// <summary>One server with a seeded world; every bad request must end in a 4xx ProblemDetails with a code.</summary>
public sealed class BadRequestCorpusFixture : IAsyncLifetime
{
    public HoistApplication App { get; } = new();
    public World World { get; private set; } = null!;

    public async ValueTask InitializeAsync() => World = await World.CreateAsync(App);

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

public sealed class BadRequestCorpusTests(BadRequestCorpusFixture fixture) : IClassFixture<BadRequestCorpusFixture>
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly string Big = new('a', 100 * 1024);
    static readonly string Ten = new('a', 10 * 1024);

    /// <summary>name → (how to build the request from a valid deploy body, expected status, expected code).</summary>
    static readonly Dictionary<string, (Func<JsonObject, HttpRequestMessage> Build, int Status, string Code)> Cases = new()
    {
        ["empty body"] = (_ => Raw("", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["no body, no content type"] = (_ => new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Deploys), 400, ProblemCodes.InvalidRequest),
        ["unclosed object"] = (_ => Raw("{", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["truncated"] = (_ => Raw("{\"deployType\":\"PATCH_IMAGE\"", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["array body"] = (_ => Raw("[]", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["string body"] = (_ => Raw("\"PATCH_IMAGE\"", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["null body"] = (_ => Raw("null", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["trailing comma"] = (b => Raw(b.ToJsonString().TrimEnd('}') + ",}", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["comment"] = (b => Raw("/* hi */" + b.ToJsonString(), "application/json"), 400, ProblemCodes.InvalidRequest),
        ["invalid utf-8"] = (_ => RawBytes("{\"image\":\""u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}"u8.ToArray()).ToArray()), 400, ProblemCodes.InvalidRequest),
        ["deployType number"] = (b => Set(b, "deployType", 5), 400, ProblemCodes.InvalidRequest),
        ["image boolean"] = (b => Set(b, "image", true), 400, ProblemCodes.InvalidRequest),
        ["build as string"] = (b => Set(b, "build", "x"), 400, ProblemCodes.InvalidRequest),
        ["timeout not a number"] = (b => Set(b, "timeoutSeconds", "abc"), 400, ProblemCodes.InvalidRequest),
        ["timeout overflow"] = (b => Set(b, "timeoutSeconds", 1e30), 400, ProblemCodes.InvalidRequest),
        ["rollback as string"] = (b => Set(b, "rollbackOnFailure", "yes"), 400, ProblemCodes.InvalidRequest),
        ["nested too deep"] = (b => Raw(b.ToJsonString().TrimEnd('}') + ",\"x\":" + new string('[', 40) + new string(']', 40) + "}", "application/json"), 400, ProblemCodes.InvalidRequest),
        ["text/plain"] = (b => Raw(b.ToJsonString(), "text/plain"), 415, ProblemCodes.UnsupportedMediaType),
        ["form encoded"] = (_ => Raw("deployType=PATCH_IMAGE", "application/x-www-form-urlencoded"), 415, ProblemCodes.UnsupportedMediaType),
        ["empty object"] = (_ => Raw("{}", "application/json"), 400, ProblemCodes.InvalidField),
        ["no credentialId"] = (b => Remove(b, "credentialId"), 400, ProblemCodes.InvalidField),
        ["credentialId not hex"] = (b => Set(b, "credentialId", "not-a-credential"), 404, ProblemCodes.CredentialNotFound),
        ["credentialId path traversal"] = (b => Set(b, "credentialId", "../../../../etc/passwd"), 404, ProblemCodes.CredentialNotFound),
        ["credentialId control chars"] = (b => Set(b, "credentialId", "\u0000\u0001\u0002"), 404, ProblemCodes.CredentialNotFound),
        ["no deployType"] = (b => Remove(b, "deployType"), 400, ProblemCodes.InvalidField),
        ["unknown deployType"] = (b => Set(b, "deployType", "ROLLING_UPDATE"), 422, ProblemCodes.UnsupportedDeployType),
        ["deployType trailing space"] = (b => Set(b, "deployType", "PATCH_IMAGE "), 400, ProblemCodes.InvalidField),
        ["no image"] = (b => Remove(b, "image"), 400, ProblemCodes.InvalidField),
        ["image upper case"] = (b => Set(b, "image", "registry.example.com/Shop/Web:1"), 422, ProblemCodes.InvalidImageReference),
        ["image with space"] = (b => Set(b, "image", "registry.example.com/shop/web:1 2"), 422, ProblemCodes.InvalidImageReference),
        ["image short digest"] = (b => Set(b, "image", "registry.example.com/shop/web@sha256:1234"), 422, ProblemCodes.InvalidImageReference),
        ["image only tag"] = (b => Set(b, "image", ":latest"), 422, ProblemCodes.InvalidImageReference),
        ["image path traversal"] = (b => Set(b, "image", "../../etc/passwd"), 422, ProblemCodes.InvalidImageReference),
        ["image shell"] = (b => Set(b, "image", "web:1;rm -rf /"), 422, ProblemCodes.InvalidImageReference),
        ["image 10 KB"] = (b => Set(b, "image", Ten), 400, ProblemCodes.InvalidField),
        ["image 100 KB"] = (b => Set(b, "image", Big), 413, ProblemCodes.PayloadTooLarge),
        ["body 100 KB of padding"] = (b => Raw(b.ToJsonString() + new string(' ', 100 * 1024), "application/json"), 413, ProblemCodes.PayloadTooLarge),
        ["credentialId 100 KB"] = (b => Set(b, "credentialId", Big), 413, ProblemCodes.PayloadTooLarge),
        ["namespace traversal"] = (b => Set(b, "namespace", "../kube-system"), 400, ProblemCodes.InvalidField),
        ["namespace upper case"] = (b => Set(b, "namespace", "Default"), 400, ProblemCodes.InvalidField),
        ["namespace newline"] = (b => Set(b, "namespace", "default\n"), 400, ProblemCodes.InvalidField),
        ["namespace NUL escape"] = (b => Raw(b.ToJsonString().Replace("\"default\"", "\"def\\u0000ault\"", StringComparison.Ordinal), "application/json"), 400, ProblemCodes.InvalidField),
        ["namespace bidi override"] = (b => Set(b, "namespace", "def\u202Eault"), 400, ProblemCodes.InvalidField),
        ["namespace 10 KB"] = (b => Set(b, "namespace", Ten), 400, ProblemCodes.InvalidField),
        ["manifestName traversal"] = (b => Set(b, "manifestName", "web/../../secrets"), 400, ProblemCodes.InvalidField),
        ["manifestName encoded traversal"] = (b => Set(b, "manifestName", "web%2F..%2F"), 400, ProblemCodes.InvalidField),
        ["manifestName empty"] = (b => Set(b, "manifestName", ""), 400, ProblemCodes.InvalidField),
        ["containerName shell"] = (b => Set(b, "containerName", "app;rm -rf /"), 400, ProblemCodes.InvalidField),
        ["manifestType Job"] = (b => Set(b, "manifestType", "Job"), 422, ProblemCodes.UnsupportedWorkloadKind),
        ["manifestType Secret"] = (b => Set(b, "manifestType", "Secret"), 422, ProblemCodes.UnsupportedWorkloadKind),
        ["no manifestType"] = (b => Remove(b, "manifestType"), 400, ProblemCodes.InvalidField),
        ["cloudAccountName traversal"] = (b => Set(b, "cloudAccountName", "../prod"), 400, ProblemCodes.InvalidField),
        ["cloudAccountName control char"] = (b => Set(b, "cloudAccountName", "pr\u0007od"), 400, ProblemCodes.InvalidField),
        ["pipelineName control char"] = (b => Set(b, "pipelineName", "shop\r\nX-Injected: 1"), 403, ProblemCodes.CredentialBuildPlanMismatch),
        ["no pipelineName"] = (b => Remove(b, "pipelineName"), 400, ProblemCodes.InvalidField),
        ["application 10 KB"] = (b => Set(b, "application", Ten), 403, ProblemCodes.CredentialScopeViolation),
        ["buildUrl javascript"] = (b => SetBuild(b, "buildUrl", "javascript:alert(1)"), 400, ProblemCodes.InvalidField),
        ["buildNumber newline"] = (b => SetBuild(b, "buildNumber", "12\n13"), 400, ProblemCodes.InvalidField),
        ["timeout zero"] = (b => Set(b, "timeoutSeconds", 0), 400, ProblemCodes.InvalidField),
        ["timeout a year"] = (b => Set(b, "timeoutSeconds", 31_536_000), 400, ProblemCodes.InvalidField),
        ["idempotency key 500 chars"] = (b => WithKey(b, new string('k', 500)), 400, ProblemCodes.InvalidField),
        ["idempotency key tab"] = (b => WithKey(b, "key\twith-tab"), 400, ProblemCodes.InvalidField),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Fact]
    public void Corpus_HasAtLeastFortyCases() => Cases.Count.ShouldBeGreaterThanOrEqualTo(40);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Deploy_BadRequest_RefusedWithCodeAndNoRelease(string name)
    {
        var (build, status, code) = Cases[name];
        var body = JsonSerializer.SerializeToNode(fixture.World.Deploy(), JsonSerializerOptions.Web)!.AsObject();
        using var request = build(body);
        using var client = fixture.App.WithToken(fixture.World.Token("member", "deploy"));

        using var response = await client.SendAsync(request, Ct);

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        var problem = await response.ReadProblemAsync();
        ((int)response.StatusCode).ShouldBe(status, problem.ToString());
        problem.Str("code").ShouldBe(code, problem.ToString());
        (await fixture.App.ReleaseCountAsync()).ShouldBe(0);
        fixture.App.Logs.Lines.ShouldNotContain(l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/api/v1/credentials/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("GET", "/api/v1/releases/abc")]
    [InlineData("GET", "/api/v1/releases/99999999999999999999")]
    [InlineData("GET", "/api/v1/releases?status=Nope")]
    [InlineData("GET", "/api/v1/releases?page=abc")]
    [InlineData("GET", "/api/v1/releases/1/runtime/pods/..%2F..%2Fsecrets/log")]
    [InlineData("DELETE", "/api/v1/deploys")]
    [InlineData("GET", "/api/v1/no-such-thing")]
    public async Task Api_BadPathOrQuery_RefusedWithCode(string method, string path)
    {
        using var client = fixture.App.WithToken(fixture.World.Token("owner", "read"));

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        (await response.CodeAsync()).ShouldNotBeNullOrEmpty();
    }

    static HttpRequestMessage Raw(string body, string contentType) => new(HttpMethod.Post, ApiRoutes.Deploys)
    {
        Content = new StringContent(body, Encoding.UTF8, contentType),
    };

    static HttpRequestMessage RawBytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        return new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Deploys) { Content = content };
    }

    static HttpRequestMessage Set(JsonObject body, string property, JsonNode? value)
    {
        body[property] = value;
        return Raw(body.ToJsonString(), "application/json");
    }

    static HttpRequestMessage SetBuild(JsonObject body, string property, string value)
    {
        body["build"]![property] = value;
        return Raw(body.ToJsonString(), "application/json");
    }

    static HttpRequestMessage Remove(JsonObject body, string property)
    {
        body.Remove(property);
        return Raw(body.ToJsonString(), "application/json");
    }

    static HttpRequestMessage WithKey(JsonObject body, string key)
    {
        var request = Raw(body.ToJsonString(), "application/json");
        request.Headers.TryAddWithoutValidation(ApiRoutes.IdempotencyKeyHeader, key);
        return request;
    }
}
