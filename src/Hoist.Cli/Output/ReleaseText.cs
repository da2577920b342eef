using Hoist.Contracts;
using static Hoist.Cli.Output.TerminalText;

namespace Hoist.Cli.Output;

/// <summary>Text renderings of releases and runtime views for stdout.</summary>
internal static class ReleaseText
{
    public static void WriteRelease(TextWriter w, ReleaseDto r, Uri server)
    {
        void Row(string label, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                w.WriteLine($"{label,-12} {value}");
            }
        }

        Row("Release", r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("Status", r.Status + (r.Reason is FailureReason.None ? "" : $" ({r.Reason})"));
        Row("Message", Safe(r.Message));
        Row("Page", Verdicts.PageUrl(r.Url, server));
        Row("Application", Safe(r.Application));
        Row("Pipeline", Safe(r.Pipeline));
        Row("Project", Safe(r.Project));
        var build = string.Join(" ", new[]
        {
            Safe(r.BuildPlan),
            r.BuildNumber is null ? null : "#" + Safe(r.BuildNumber),
            r.GitCommit is null ? null : $"commit {Safe(r.GitCommit)}",
        }.Where(s => !string.IsNullOrEmpty(s)));
        Row("Build", build);
        Row("Build URL", Safe(r.BuildUrl));
        Row("Triggered by", Safe(r.TriggeredBy));
        Row("Workload", Workload(r.Workload));
        Row("Image", $"{Safe(r.ImageBefore ?? "?")} → {Safe(r.ImageAfter)}");
        Row("Digest", Safe(r.RunningDigest));
        Row("Revision", r.RevisionBefore is null && r.RevisionAfter is null ? null : $"{Safe(r.RevisionBefore ?? "?")} → {Safe(r.RevisionAfter ?? "?")}");
        Row("Rollback of", r.RollbackOf?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("Rolled back", r.RolledBackBy is { } by ? $"by release {by}" : null);
        Row("Auto-rollback", r.RollbackOnFailure ? "on failure" : null);
        Row("Created", Time(r.CreatedAt));
        Row("Finished", r.FinishedAt is null ? null : Time(r.FinishedAt));

        if (r.Transitions.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Transitions:");
            var t = new TextTable("AT", "FROM", "TO", "MESSAGE");
            foreach (var x in r.Transitions)
            {
                t.Add(Time(x.At), x.From.ToString(), x.To.ToString(), x.Message);
            }
            t.Write(w, "  ");
        }
        if (r.Pods.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Pods:");
            var t = new TextTable("NAME", "REVISION", "NEW", "PHASE", "READY", "RESTARTS", "REASON", "MESSAGE");
            foreach (var p in r.Pods)
            {
                t.Add(p.Name, p.Revision, p.New ? "yes" : "no", p.Phase, p.Ready ? "true" : "false", p.Restarts.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Reason, p.Message);
            }
            t.Write(w, "  ");
        }
    }

    public static void WriteList(TextWriter w, ReleaseListDto list, DateTimeOffset now)
    {
        var t = new TextTable("ID", "STATUS", "REASON", "APPLICATION", "PIPELINE", "WORKLOAD", "IMAGE", "AGE");
        foreach (var r in list.Items)
        {
            t.Add(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Status.ToString(),
                r.Reason is FailureReason.None ? "" : r.Reason.ToString(), r.Application, r.Pipeline,
                $"{r.Workload.Kind}/{r.Workload.Name}:{r.Workload.Container}", r.ImageAfter, Age(r.CreatedAt, now));
        }
        if (t.Count == 0)
        {
            w.WriteLine("No releases match.");
            return;
        }
        t.Write(w);
        var shownTo = (list.Page - 1) * list.PageSize + list.Items.Count;
        if (list.Total > shownTo)
        {
            w.WriteLine($"({list.Items.Count} of {list.Total}; next page: --page {list.Page + 1})");
        }
    }

    public static void WriteRuntime(TextWriter w, RuntimeDto rt, DateTimeOffset now)
    {
        w.WriteLine($"{Workload(rt.Workload)} (release {rt.ReleaseId})");
        if (!rt.Exists)
        {
            w.WriteLine("The workload does not exist in the cluster any more.");
            return;
        }
        w.WriteLine($"{rt.Desired} desired, {rt.Updated} updated, {rt.Ready} ready, {rt.Available} available" +
                    (rt.NewRevision is null ? "" : $"; this release's revision: {Safe(rt.NewRevision)}") +
                    $" (read {Time(rt.ReadAt)})");

        // Grouped by revision, the release's own first, because "which pods run my image" is the first question.
        foreach (var group in rt.Pods.GroupBy(p => p.Revision ?? "-").OrderByDescending(g => g.Any(p => p.IsNew)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            w.WriteLine();
            var isNew = group.Any(p => p.IsNew);
            w.WriteLine($"Revision {Safe(group.Key)}{(isNew ? " (this release)" : " (old)")}: {group.Count()} pod(s)");
            foreach (var pod in group.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                w.WriteLine($"  Pod {Safe(pod.Name)}  {Safe(pod.Phase)}  ready={(pod.Ready ? "true" : "false")}  node={Safe(pod.Node ?? "-")}  age={Age(pod.CreatedAt, now)}");
                var t = new TextTable("CONTAINER", "IMAGE", "STATE", "REASON", "READY", "RESTARTS", "LAST TERMINATION", "MESSAGE");
                foreach (var c in pod.Containers)
                {
                    var last = c.LastTermination is { } lt ? $"exit {lt.ExitCode}{(lt.Reason is null ? "" : $" {lt.Reason}")} {Age(lt.FinishedAt, now)} ago" : null;
                    t.Add(c.IsInit ? $"{c.Name} (init)" : c.Name, c.Image, c.State, c.Reason, c.Ready ? "true" : "false",
                        c.Restarts.ToString(System.Globalization.CultureInfo.InvariantCulture), last, c.Message);
                }
                t.Write(w, "    ");
            }
        }
        if (rt.Pods.Count == 0)
        {
            w.WriteLine();
            w.WriteLine("No pods.");
        }

        w.WriteLine();
        if (rt.Events.Count == 0)
        {
            w.WriteLine("No events.");
            return;
        }
        w.WriteLine("Events:");
        var events = new TextTable("LAST SEEN", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE");
        foreach (var e in rt.Events.OrderBy(e => e.LastSeen ?? e.FirstSeen))
        {
            events.Add(Age(e.LastSeen ?? e.FirstSeen, now), e.Type, e.Reason, e.Object, e.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }
        events.Write(w, "  ");
    }

    static string Workload(WorkloadRefDto wl) =>
        $"{Safe(wl.Kind)} {Safe(wl.Namespace)}/{Safe(wl.Name)}, container {Safe(wl.Container)} (cloud account {Safe(wl.CloudAccount)})";
}
