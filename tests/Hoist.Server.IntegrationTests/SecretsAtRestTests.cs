using System.Text;
using Hoist.Contracts;
using Microsoft.Data.Sqlite;

namespace Hoist.Server.IntegrationTests;

/// <summary>After a realistic session, no token, kubeconfig secret or password is in the database files or the logs.</summary>
public sealed class SecretsAtRestTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    const string ClientKey = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCnNlY3JldC1jbGllbnQta2V5LWZvci10ZXN0cw==";
    const string ServiceAccountToken = "eyJhbGciOiJSUzI1NiJ9.service-account-token-for-tests";

    [Fact]
    public async Task Secrets_AfterUse_NowhereInDatabaseFilesOrLogs()
    {
        await using var app = new HoistApplication();
        var world = await World.CreateAsync(app);
        var owner = await app.LoginAsync("owner", World.Password);
        var certAccount = await owner.PostAsJsonAsync($"/api/v1/teams/{world.Team.Id}/cloud-accounts", new
        {
            name = "certs",
            kubeconfig = Samples.Kubeconfig($"    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n    client-key-data: {ClientKey}"),
        }, Ct);
        var tokenAccount = await owner.PostAsJsonAsync($"/api/v1/teams/{world.Team.Id}/cloud-accounts",
            new { name = "sa", server = "https://127.0.0.1:1", token = ServiceAccountToken }, Ct);
        certAccount.StatusCode.ShouldBe(HttpStatusCode.Created);
        tokenAccount.StatusCode.ShouldBe(HttpStatusCode.Created);
        var deploy = await app.WithToken(world.Token("member", "deploy")).PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy(buildNumber: "1"), Ct);
        deploy.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await app.WithToken(world.Token("member", "deploy") + "x").PostAsJsonAsync(ApiRoutes.Deploys, world.Deploy(), Ct);
        await app.Anonymous().PostAsJsonAsync("/api/v1/session", new { userName = "owner", password = "wrong-" + World.Password }, Ct);
        await owner.GetStringAsync($"/api/v1/teams/{world.Team.Id}/cloud-accounts", Ct);
        await owner.GetStringAsync("/api/v1/audit", Ct);

        var secrets = world.Tokens.Values
            .SelectMany(t => new[] { t, t[16..] })
            .Concat([Samples.KubeconfigToken, ClientKey, ServiceAccountToken, World.Password, HoistApplication.AdminPassword])
            .ToList();
        using (var connection = new SqliteConnection($"Data Source={app.DatabaseFile}"))
        {
            // Fold the WAL into the main file as well, so both places are looked at.
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(FULL);";
            checkpoint.ExecuteNonQuery();
        }
        var files = Directory.GetFiles(app.DataDir).Select(f => (f, File.ReadAllBytes(f))).ToList();
        files.ShouldNotBeEmpty();
        var logs = app.Logs.All;
        logs.Length.ShouldBeGreaterThan(1000);

        foreach (var secret in secrets)
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            foreach (var (file, content) in files)
                content.AsSpan().IndexOf(bytes).ShouldBe(-1, $"{secret} found in {Path.GetFileName(file)}");
            logs.ShouldNotContain(secret);
        }
        // The prefix is meant to be visible; it proves the scan looks at the right files.
        var prefix = Encoding.UTF8.GetBytes(world.Token("member", "deploy")[..16]);
        files.Any(f => f.Item2.AsSpan().IndexOf(prefix) >= 0).ShouldBeTrue();
    }
}
