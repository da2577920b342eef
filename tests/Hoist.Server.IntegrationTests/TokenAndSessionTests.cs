using System.Net.Http.Headers;
using System.Text;
using Hoist.Contracts;
using Hoist.Server.Tokens;
using Hoist.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hoist.Server.IntegrationTests;

public sealed class TokenAndSessionTests : IAsyncLifetime
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    readonly HoistApplication _app = new();
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app.Settings["Hoist:MaxAuthFailures"] = "5";
        _app.ConfigureServices(s => s.AddSingleton<TimeProvider>(_time)).Start();
        await _app.SeedAsync(s => s.EnsureUserAsync("alice", "alice-password"));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    async Task<TokenCreatedDto> CreateTokenAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/tokens", request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<TokenCreatedDto>(Ct))!;
    }

    [Fact]
    public async Task Token_Created_SecretShownOnceThenOnlyPrefix()
    {
        var alice = await _app.LoginAsync("alice", "alice-password");

        var created = await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:deployment", "project:read" }, expiresInDays = 30 });
        var listed = await alice.GetStringAsync("/api/v1/tokens", Ct);

        created.Token.ShouldStartWith("hoist_pat_");
        created.Token.Length.ShouldBe(50);
        created.Prefix.ShouldBe(created.Token[..16]);
        created.Scopes.ShouldBe(["project:deployment", "project:read"]);
        created.ExpiresAt.ShouldBe(_time.GetUtcNow().AddDays(30));
        listed.ShouldContain(created.Prefix);
        listed.ShouldNotContain(created.Token);
        var stored = await _app.DbAsync(db => db.PersonalAccessTokens.SingleAsync(t => t.Id == created.Id, Ct));
        stored.Hash.ShouldBe(PersonalAccessToken.HashOf(created.Token));
        stored.Hash.ShouldNotContain(created.Token[10..]);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("token")]
    [InlineData("Basic")]
    public async Task Token_AcceptedInEveryHeaderForm(string scheme)
    {
        var alice = await _app.LoginAsync("alice", "alice-password");
        var token = (await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:read" } })).Token;
        var value = scheme == "Basic" ? Convert.ToBase64String(Encoding.UTF8.GetBytes("anything:" + token)) : token;

        var session = await _app.WithToken(value, scheme).GetFromJsonAsync<SessionDto>("/api/v1/session", Ct);

        session!.User.UserName.ShouldBe("alice");
        session.ViaToken.ShouldBeTrue();
        session.Scopes.ShouldBe(["project:read"]);
    }

    [Fact]
    public async Task Token_UseRecordsLastUse()
    {
        var alice = await _app.LoginAsync("alice", "alice-password");
        var created = await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:read" } });
        _time.Advance(TimeSpan.FromHours(1));

        await _app.WithToken(created.Token).GetAsync("/api/v1/session", Ct);

        var tokens = await alice.GetFromJsonAsync<TokenDto[]>("/api/v1/tokens", Ct);
        tokens!.Single().LastUsedAt.ShouldBe(_time.GetUtcNow());
    }

    [Fact]
    public async Task Token_Revoked_Refused401TokenRevoked()
    {
        var alice = await _app.LoginAsync("alice", "alice-password");
        var created = await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:read" } });

        (await alice.DeleteAsync($"/api/v1/tokens/{created.Id}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var response = await _app.WithToken(created.Token).GetAsync("/api/v1/session", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, ProblemCodes.TokenRevoked);
        response.Headers.WwwAuthenticate.ShouldNotBeEmpty();
        (await alice.GetFromJsonAsync<TokenDto[]>("/api/v1/tokens", Ct))!.Single().Status.ShouldBe("revoked");
        var audit = await _app.DbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "token.rejected", Ct));
        audit.Code.ShouldBe(ProblemCodes.TokenRevoked);
        audit.Detail!.ShouldContain(created.Prefix);
        audit.Detail!.ShouldNotContain(created.Token);
    }

    [Fact]
    public async Task Token_Expired_Refused401TokenExpired()
    {
        var alice = await _app.LoginAsync("alice", "alice-password");
        var created = await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:read" }, expiresInDays = 1 });
        (await _app.WithToken(created.Token).GetAsync("/api/v1/session", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        _time.Advance(TimeSpan.FromDays(1));
        var response = await _app.WithToken(created.Token).GetAsync("/api/v1/session", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, ProblemCodes.TokenExpired);
    }

    [Theory]
    [InlineData("hoist_pat_0000000000000000000000000000000000000000")]
    [InlineData("ghp_somebodyelsestoken")]
    [InlineData("")]
    public async Task Token_Unknown_Refused401TokenInvalid(string token)
    {
        var client = _app.Anonymous();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);

        var response = await client.GetAsync("/api/v1/session", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.CodeAsync()).ShouldBeOneOf(ProblemCodes.TokenInvalid, ProblemCodes.TokenMissing);
    }

    [Fact]
    public async Task Token_RepeatedFailures_ThrottledWith429()
    {
        var bad = _app.WithToken("hoist_pat_" + new string('1', 40));
        for (var i = 0; i < 5; i++) (await bad.GetAsync("/api/v1/session", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var throttled = await bad.GetAsync("/api/v1/session", Ct);
        var alice = await _app.LoginAsync("alice", "alice-password");
        var good = await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:read" } });
        var evenGood = await _app.WithToken(good.Token).GetAsync("/api/v1/session", Ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var later = await _app.WithToken(good.Token).GetAsync("/api/v1/session", Ct);

        await throttled.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, ProblemCodes.TooManyRequests);
        throttled.Headers.RetryAfter.ShouldNotBeNull();
        evenGood.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        later.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(new[] { "root" }, null)]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "project:read" }, 0)]
    [InlineData(new[] { "project:read" }, 100000)]
    public async Task Token_InvalidRequest_Refused400(string[] scopes, int? days)
    {
        var alice = await _app.LoginAsync("alice", "alice-password");

        var response = await alice.PostAsJsonAsync("/api/v1/tokens", new { name = "x", scopes, expiresInDays = days }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ProblemCodes.InvalidField);
    }

    [Fact]
    public async Task Token_DeployScope_CannotManageTokens()
    {
        var alice = await _app.LoginAsync("alice", "alice-password");
        var deploy = await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:deployment" } });

        var response = await _app.WithToken(deploy.Token).PostAsJsonAsync("/api/v1/tokens", new { name = "escalate", scopes = new[] { "admin" } }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ProblemCodes.ScopeMissing);
    }

    [Fact]
    public async Task Login_WrongPassword_Refused401AndAudited()
    {
        var response = await _app.Anonymous().PostAsJsonAsync("/api/v1/session", new { userName = "alice", password = "nope" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, ProblemCodes.InvalidCredentials);
        var audit = await _app.DbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "session.login" && !a.Allowed, Ct));
        audit.ActorName.ShouldBe("alice");
    }

    [Fact]
    public async Task Login_RepeatedFailures_Throttled()
    {
        var client = _app.Anonymous();
        for (var i = 0; i < 5; i++) await client.PostAsJsonAsync("/api/v1/session", new { userName = "alice", password = "nope" }, Ct);

        var response = await client.PostAsJsonAsync("/api/v1/session", new { userName = "alice", password = "alice-password" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, ProblemCodes.TooManyRequests);
    }

    [Fact]
    public async Task Session_Cookie_IsHttpOnlyStrictAndClearedOnLogout()
    {
        var client = _app.Anonymous();
        var login = await client.PostAsJsonAsync("/api/v1/session", new { userName = "alice", password = "alice-password" }, Ct);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("hoist_session=", StringComparison.Ordinal));
        client.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);

        var during = await client.GetAsync("/api/v1/session", Ct);
        var logout = await client.DeleteAsync("/api/v1/session", Ct);

        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        during.StatusCode.ShouldBe(HttpStatusCode.OK);
        logout.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("hoist_session=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Session_PasswordChanged_OldCookieStopsWorking()
    {
        var first = await _app.LoginAsync("alice", "alice-password");
        var second = await _app.LoginAsync("alice", "alice-password");

        var change = await first.PutAsJsonAsync("/api/v1/me/password", new { currentPassword = "alice-password", newPassword = "a-new-password" }, Ct);
        var stale = await second.GetAsync("/api/v1/session", Ct);

        change.StatusCode.ShouldBe(HttpStatusCode.OK);
        await stale.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, ProblemCodes.TokenMissing);
    }

    [Fact]
    public async Task User_Disabled_TokensStopWorking()
    {
        var alice = await _app.LoginAsync("alice", "alice-password");
        var token = (await CreateTokenAsync(alice, new { name = "ci", scopes = new[] { "project:read" } })).Token;
        var admin = await _app.LoginAsAdminAsync();
        var id = await _app.DbAsync(db => db.Users.Where(u => u.UserName == "alice").Select(u => u.Id).SingleAsync(Ct));

        (await admin.PostAsync($"/api/v1/users/{id}/disable", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var response = await _app.WithToken(token).GetAsync("/api/v1/session", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, ProblemCodes.TokenInvalid);
    }
}

public sealed class AdminBootstrapTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstStart_NoPasswordGiven_GeneratesOnePrintedOnceToConsoleOnly()
    {
        await using var app = new HoistApplication();
        app.Settings["HOIST_ADMIN_PASSWORD"] = "";
        app.Start();

        var printed = app.Console.ToString();
        var password = System.Text.RegularExpressions.Regex.Match(printed, "password (\\S+)").Groups[1].Value;
        password.Length.ShouldBe(20);
        app.Logs.All.ShouldNotContain(password);
        var login = await app.Anonymous().PostAsJsonAsync("/api/v1/session", new { userName = "admin", password }, Ct);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await login.Content.ReadFromJsonAsync<SessionDto>(Ct))!.User.IsAdmin.ShouldBeTrue();
    }

    [Fact]
    public async Task FirstStart_PasswordFromEnvironment_UsedAndNothingPrinted()
    {
        await using var app = new HoistApplication();
        app.Start();

        app.Console.ToString().ShouldBeEmpty();
        (await app.LoginAsAdminAsync()).ShouldNotBeNull();
    }

    [Fact]
    public async Task SecondStart_SameDatabase_NoNewAdmin()
    {
        await using var first = new HoistApplication();
        first.Start();
        await using var second = new HoistApplication();
        second.Settings["Hoist:DataDir"] = first.DataDir;
        second.Settings["HOIST_ADMIN_PASSWORD"] = "";
        second.Start();

        second.Console.ToString().ShouldBeEmpty();
        (await second.DbAsync(db => db.Users.CountAsync(Ct))).ShouldBe(1);
    }
}
