using System.Text.Json.Nodes;
using Hoist.Sandbox.Printing;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Printing;

public class TableConverterTests
{
    static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    static List<string?> Cells(ResourceKind kind, string json)
    {
        var table = TableConverter.ToTable(kind, [JsonNode.Parse(json)!.AsObject()], new JsonObject(), Now, IncludeObject.Metadata);
        return table["rows"]![0]!["cells"]!.AsArray()
            .Select(c => c is JsonValue v && v.TryGetValue<string>(out var s) ? s : c?.ToJsonString()).ToList();
    }

    static string Pod(string containerStatuses, string phase = "Running") => """
        {"metadata":{"name":"web-1","creationTimestamp":"2025-01-01T11:55:00Z"},
         "spec":{"containers":[{"name":"app"},{"name":"side"}],"nodeName":"node-1"},
         "status":{"phase":"PHASE","podIP":"10.0.0.5","containerStatuses":STATUSES}}
        """.Replace("PHASE", phase, StringComparison.Ordinal).Replace("STATUSES", containerStatuses, StringComparison.Ordinal);

    [Fact]
    public void Pods_WaitingReason_IsTheStatusColumn()
    {
        var cells = Cells(ResourceKinds.Pods, Pod("""
            [{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ImagePullBackOff"}}},
             {"name":"side","ready":true,"restartCount":0,"state":{"running":{}}}]
            """, "Pending"));

        cells.Take(5).ShouldBe(["web-1", "1/2", "ImagePullBackOff", "0", "5m"]);
        cells.Skip(5).ShouldBe(["10.0.0.5", "node-1", "<none>", "<none>"]);
    }

    [Fact]
    public void Pods_CrashLoop_ShowsRestartsWithLastRestartAge()
    {
        var cells = Cells(ResourceKinds.Pods, Pod("""
            [{"name":"app","ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
              "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2025-01-01T11:59:20Z"}}},
             {"name":"side","ready":true,"restartCount":0,"state":{"running":{}}}]
            """));

        cells[2].ShouldBe("CrashLoopBackOff");
        cells[3].ShouldBe("3 (40s ago)");
    }

    [Fact]
    public void Pods_AllReadyAndRunning_ShowsRunning()
    {
        var cells = Cells(ResourceKinds.Pods, Pod("""
            [{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}},{"name":"side","ready":true,"restartCount":0,"state":{"running":{}}}]
            """));

        cells[1].ShouldBe("2/2");
        cells[2].ShouldBe("Running");
    }

    static string Deleting(string pod) =>
        pod.Replace("\"creationTimestamp\":", "\"deletionTimestamp\":\"2025-01-01T12:00:30Z\",\"creationTimestamp\":", StringComparison.Ordinal);

    [Fact]
    public void Pods_BeingDeleted_ShowTerminatingWithTheirReadiness()
    {
        var cells = Cells(ResourceKinds.Pods, Deleting(Pod("""
            [{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}},{"name":"side","ready":false,"restartCount":0,"state":{"running":{}}}]
            """)));

        cells[1].ShouldBe("1/2");
        cells[2].ShouldBe("Terminating");
    }

    [Fact]
    public void Pods_BeingDeletedOnceFinished_ShowTheContainersReasonNotTerminating()
    {
        // printPod since 1.31 (kubernetes#122038): a pod whose kubelet has reported a terminal phase is not "Terminating".
        var cells = Cells(ResourceKinds.Pods, Deleting(Pod("""
            [{"name":"app","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
             {"name":"side","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]
            """, "Succeeded")));

        cells[1].ShouldBe("0/2");
        cells[2].ShouldBe("Completed");
    }

    [Fact]
    public void Deployments_CellsAreReadyUpToDateAvailable()
    {
        var cells = Cells(ResourceKinds.Deployments, """
            {"metadata":{"name":"web","creationTimestamp":"2025-01-01T09:00:00Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:2"}]}}},
             "status":{"readyReplicas":2,"updatedReplicas":1,"availableReplicas":2}}
            """);

        cells.ShouldBe(["web", "2/3", "1", "2", "3h", "a,b", "x:1,y:2", "app=web"]);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(150, "2m30s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 60, "3h1m")]
    [InlineData(9 * 3600, "9h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(30 * 86400, "30d")]
    public void HumanDuration_MatchesApimachinery(int seconds, string expected) =>
        TableConverter.HumanDuration(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
}
