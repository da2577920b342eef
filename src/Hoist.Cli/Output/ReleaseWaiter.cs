using System.Text.Json;
using Hoist.Cli.Api;
using Hoist.Contracts;

namespace Hoist.Cli.Output;

/// <summary>
/// Waits for a release the way a CI log wants it: one stderr line per change, then a verdict line, then an exit
/// code (0/3/4, or 2 when the server is lost). Shared by <c>deploy</c>, <c>release wait</c> and <c>release rollback --wait</c>.
/// </summary>
internal sealed class ReleaseWaiter(HoistApiClient api, CliContext context, bool json)
{
    /// <param name="timeout">How long the client waits; the release itself keeps its own server-side timeout.</param>
    public async Task<int> WaitAsync(long id, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(timeout, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var printer = new ProgressPrinter(context.Error);
        ReleaseDto final;
        try
        {
            final = await api.FollowReleaseAsync(id, printer.OnEvent, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync(
                $"hoist: stopped waiting after {Duration.Format(timeout)}: release {id} has not finished and keeps running on the server; " +
                $"reattach with: hoist release wait {id}");
            await WriteSnapshotAsync(id, ct);
            return ExitCodes.TimedOut;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync($"hoist: interrupted; release {id} keeps running on the server; reattach with: hoist release wait {id}");
            return ExitCodes.Interrupted;
        }
        catch (ServerUnreachableException e)
        {
            await context.Error.WriteLineAsync($"hoist: {e.Message}");
            await context.Error.WriteLineAsync($"hoist: release {id} keeps running on the server; reattach with: hoist release wait {id}");
            return ExitCodes.ServerUnreachable;
        }

        await context.Error.WriteLineAsync(Verdicts.Line(final, api.Server));
        if (final.Reason is FailureReason.CrashLoop or FailureReason.ContainerConfigError)
        {
            await context.Error.WriteLineAsync($"hoist: the pods and the container's log: hoist runtime {final.Id} --logs");
        }
        var code = Verdicts.ExitCode(final);
        if (code != ExitCodes.Succeeded && final.RolledBackBy is { } rollbackId && !linked.IsCancellationRequested)
        {
            await FollowRollbackAsync(rollbackId, linked.Token, deadline, ct);
        }
        if (json)
        {
            await WriteJsonAsync(final);
        }
        return code;
    }

    /// <summary>The exit code stays the failed release's; the rollback's outcome is reported for the log only.</summary>
    async Task FollowRollbackAsync(long rollbackId, CancellationToken token, CancellationTokenSource deadline, CancellationToken ct)
    {
        await context.Error.WriteLineAsync($"hoist: following rollback release {rollbackId}");
        try
        {
            var rollback = await api.FollowReleaseAsync(rollbackId, new ProgressPrinter(context.Error).OnEvent, token);
            await context.Error.WriteLineAsync(Verdicts.Line(rollback, api.Server, "rollback release"));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync($"hoist: stopped waiting for rollback release {rollbackId}; follow it with: hoist release wait {rollbackId}");
        }
        catch (Exception e) when (e is ServerUnreachableException or ProblemException)
        {
            await context.Error.WriteLineAsync($"hoist: could not follow rollback release {rollbackId} ({e.Message}); follow it with: hoist release wait {rollbackId}");
        }
    }

    /// <summary>After a client-side timeout a script still gets the release's id, URL and current state on stdout.</summary>
    async Task WriteSnapshotAsync(long id, CancellationToken ct)
    {
        if (!json)
        {
            return;
        }
        try
        {
            using var quick = CancellationTokenSource.CreateLinkedTokenSource(ct);
            quick.CancelAfter(context.RequestTimeout);
            await WriteJsonAsync(await api.GetReleaseAsync(id, quick.Token));
        }
        catch (Exception e) when (e is ServerUnreachableException or ProblemException or OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"hoist: could not read release {id} for --output json ({e.Message})");
        }
    }

    async Task WriteJsonAsync(ReleaseDto release)
    {
        await context.Out.WriteLineAsync(JsonSerializer.Serialize(release, CliJsonContext.Indented.ReleaseDto));
        await context.Out.FlushAsync();
    }
}

/// <summary>Prints each release event once, and a progress line only when the rollout's numbers changed.</summary>
internal sealed class ProgressPrinter(TextWriter error)
{
    long lastSequence = -1;
    string? lastLine;

    public void OnEvent(ServerSentEvent message)
    {
        ReleaseEventDto? e;
        try
        {
            e = JsonSerializer.Deserialize(message.Data, CliJsonContext.Default.ReleaseEventDto);
        }
        catch (JsonException)
        {
            return; // an event type from a newer server: not worth failing a deploy over
        }
        if (e is null || e.Sequence <= lastSequence && e.Sequence > 0)
        {
            return;
        }
        e = ContractDefaults.Fill(e);
        lastSequence = e.Sequence;
        var line = e.Type switch
        {
            "progress" when e.Progress is { } p => Verdicts.Progress(p),
            "status" => string.IsNullOrWhiteSpace(e.Message) ? e.Status.ToString() : $"{e.Status}: {TerminalText.Safe(e.Message)}",
            _ => TerminalText.Safe(e.Message),
        };
        if (line.Length == 0 || line == lastLine)
        {
            return;
        }
        lastLine = line;
        error.WriteLine($"hoist: {line}");
    }
}
