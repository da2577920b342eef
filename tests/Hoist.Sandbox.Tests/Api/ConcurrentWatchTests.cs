using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Api;

/// <summary>Several clients watching the same resource at once, as kubectl rollout status and Hoist's engine do.</summary>
public class ConcurrentWatchTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watch_TwoClientsOnTheSameKind_BothReceiveEveryEvent()
    {
        await using var cluster = await SandboxCluster.StartAsync(new SandboxOptions { RunControllers = false }, Ct);
        using var http = new HttpClient { BaseAddress = cluster.Url };
        var rv = cluster.Store.ResourceVersion;
        async Task<string> Watch()
        {
            using var response = await http.GetAsync($"/apis/apps/v1/namespaces/default/deployments?watch=true&resourceVersion={rv}&timeoutSeconds=1",
                HttpCompletionOption.ResponseHeadersRead, Ct);
            return await response.Content.ReadAsStringAsync(Ct);
        }

        var first = Watch();
        var second = Watch();
        await cluster.ApplyAsync(Manifests.Deployment("web") + "\n---\n" + Manifests.Deployment("api"), Ct);
        var streams = await Task.WhenAll(first, second);

        foreach (var stream in streams)
        {
            var lines = stream.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Length.ShouldBe(2, stream);
            lines.ShouldAllBe(l => l.StartsWith("{\"type\":\"ADDED\",\"object\":{", StringComparison.Ordinal));
        }
        streams[0].ShouldBe(streams[1]);
    }
}
