using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hoist.Cli.Output;
using Hoist.Contracts;

namespace Hoist.Cli.Api;

/// <summary>
/// The CLI's only way to the server. Every call retries transient trouble (connection errors, timeouts, 5xx, 429)
/// with back-off and then gives up with <see cref="ServerUnreachableException"/>; a 4xx becomes
/// <see cref="ProblemException"/> at once. Retrying a deploy is safe because it carries an Idempotency-Key.
/// </summary>
internal sealed class HoistApiClient : IDisposable
{
    readonly HttpClient http;
    readonly Uri server;
    readonly string? token;
    readonly CliContext context;

    public HoistApiClient(CliContext context, Uri server, string? token)
    {
        this.context = context;
        this.server = server;
        this.token = token;
        http = new HttpClient(context.CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("hoist-cli", CliApp.Version.Split('+')[0]));
    }

    public Uri Server => server;

    public void Dispose() => http.Dispose();

    public Task<DeployAccepted> DeployAsync(DeployRequest request, string idempotencyKey, CancellationToken ct) =>
        SendAsync("deploy", () => Post(ApiRoutes.Deploys, request, CliJsonContext.Default.DeployRequest, idempotencyKey),
            CliJsonContext.Default.DeployAccepted, ct);

    public async Task<ReleaseDto> GetReleaseAsync(long id, CancellationToken ct) => ContractDefaults.Fill(
        await SendAsync($"reading release {id}", () => Get(ApiRoutes.Release(id)), CliJsonContext.Default.ReleaseDto, ct));

    public Task<ReleaseListDto> ListReleasesAsync(IEnumerable<KeyValuePair<string, string?>> query, CancellationToken ct)
    {
        var pairs = query.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value!)}");
        var qs = string.Join('&', pairs);
        return ListAsync();

        async Task<ReleaseListDto> ListAsync() => ContractDefaults.Fill(await SendAsync("listing releases",
            () => Get(ApiRoutes.Releases + (qs.Length > 0 ? "?" + qs : "")), CliJsonContext.Default.ReleaseListDto, ct));
    }

    /// <summary>The key makes the CLI's own retries of one rollback request safe; it is random per invocation.</summary>
    public Task<DeployAccepted> RollbackAsync(long id, string idempotencyKey, CancellationToken ct) =>
        SendAsync($"rolling back release {id}", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Url(ApiRoutes.ReleaseRollback(id))) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation(ApiRoutes.IdempotencyKeyHeader, idempotencyKey);
            return Authorize(request);
        }, CliJsonContext.Default.DeployAccepted, ct);

    public async Task<RuntimeDto> GetRuntimeAsync(long id, CancellationToken ct) => ContractDefaults.Fill(
        await SendAsync($"reading the runtime of release {id}", () => Get(ApiRoutes.ReleaseRuntime(id)), CliJsonContext.Default.RuntimeDto, ct));

    public async Task<LogTailDto> GetPodLogAsync(long id, string pod, string container, int tail, CancellationToken ct)
    {
        var log = await SendAsync($"reading the log of {pod}/{container}",
            () => Get($"{ApiRoutes.ReleasePodLog(id, pod)}?container={Uri.EscapeDataString(container)}&tail={tail.ToString(System.Globalization.CultureInfo.InvariantCulture)}"),
            CliJsonContext.Default.LogTailDto, ct);
        return log with { Lines = log.Lines ?? [] };
    }

    /// <summary>
    /// Follows a release's Server-Sent Events until <c>event: done</c> and returns its final ReleaseDto. A dropped
    /// or silent stream is reopened with <c>Last-Event-ID</c>, so nothing is printed twice or missed; the retry budget
    /// starts afresh whenever a connection delivered something.
    /// </summary>
    public async Task<ReleaseDto> FollowReleaseAsync(long id, Action<ServerSentEvent> onEvent, CancellationToken ct)
    {
        string? lastEventId = null;
        var failures = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var received = false;
            string problem;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = Get(ApiRoutes.ReleaseEvents(id));
                request.Headers.Accept.Clear();
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (lastEventId is not null)
                {
                    request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
                }
                using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(ct);
                watchdog.CancelAfter(context.RequestTimeout);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watchdog.Token);
                if (!response.IsSuccessStatusCode)
                {
                    if (!IsTransient(response.StatusCode))
                    {
                        throw new ProblemException(await ReadProblemAsync(response, ct));
                    }
                    problem = await DescribeFailureAsync(response, ct);
                    retryAfter = RetryAfter(response);
                }
                else
                {
                    await using var stream = await response.Content.ReadAsStreamAsync(watchdog.Token);
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    var parser = new SseParser();
                    problem = "the server closed the event stream before the release finished";
                    while (true)
                    {
                        watchdog.CancelAfter(context.StreamIdleTimeout);
                        var line = await reader.ReadLineAsync(watchdog.Token);
                        if (line is null)
                        {
                            break;
                        }
                        if (parser.Feed(line) is not { } message)
                        {
                            continue;
                        }
                        received = true;
                        lastEventId = message.Id ?? lastEventId;
                        if (message.Event == "done")
                        {
                            return TryRead(message.Data, CliJsonContext.Default.ReleaseDto) is { } final
                                ? ContractDefaults.Fill(final)
                                : await GetReleaseAsync(id, ct);
                        }
                        onEvent(message);
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                problem = received
                    ? $"no news from the server for {Duration.Format(context.StreamIdleTimeout)}"
                    : $"the server did not answer within {Duration.Format(context.RequestTimeout)}";
            }
            catch (HttpRequestException e)
            {
                problem = Describe(e);
            }
            catch (IOException e)
            {
                problem = $"the connection broke ({e.Message})";
            }

            failures = received ? 1 : failures + 1;
            if (failures >= context.Retry.MaxAttempts)
            {
                throw new ServerUnreachableException($"lost the connection to {server.GetLeftPart(UriPartial.Authority)} while following release {id}: {problem} (tried {failures} times)");
            }
            var delay = context.Retry.DelayBefore(failures + 1, retryAfter);
            await context.Error.WriteLineAsync($"hoist: {problem}; reconnecting in {Duration.Format(Round(delay))} (attempt {failures + 1} of {context.Retry.MaxAttempts})");
            await Task.Delay(delay, context.Time, ct);
        }
    }

    async Task<T> SendAsync<T>(string what, Func<HttpRequestMessage> create, JsonTypeInfo<T> type, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            string problem;
            var answered = false;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = create();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(context.RequestTimeout);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStringAsync(timeout.Token);
                    return TryRead(body, type) ?? throw new ServerUnreachableException(
                        $"{server.GetLeftPart(UriPartial.Authority)} answered {what} with something that is not a Hoist {typeof(T).Name} " +
                        "(is --server the Hoist server's base URL?)");
                }
                if (!IsTransient(response.StatusCode))
                {
                    throw new ProblemException(await ReadProblemAsync(response, ct));
                }
                problem = await DescribeFailureAsync(response, ct);
                answered = true;
                retryAfter = RetryAfter(response);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                problem = $"no answer within {Duration.Format(context.RequestTimeout)}";
            }
            catch (HttpRequestException e)
            {
                problem = Describe(e);
            }
            catch (IOException e)
            {
                problem = $"the connection broke ({e.Message})";
            }

            if (attempt >= context.Retry.MaxAttempts)
            {
                throw new ServerUnreachableException(answered
                    ? $"the Hoist server at {server.GetLeftPart(UriPartial.Authority)} kept failing {what}: {problem} (tried {attempt} times)"
                    : $"cannot reach the Hoist server at {server.GetLeftPart(UriPartial.Authority)} for {what}: {problem} (tried {attempt} times)");
            }
            var delay = context.Retry.DelayBefore(attempt + 1, retryAfter);
            await context.Error.WriteLineAsync($"hoist: {what}: {problem}; retrying in {Duration.Format(Round(delay))} (attempt {attempt + 1} of {context.Retry.MaxAttempts})");
            await Task.Delay(delay, context.Time, ct);
        }
    }

    HttpRequestMessage Get(string route) => Authorize(new HttpRequestMessage(HttpMethod.Get, Url(route)));

    HttpRequestMessage Post<T>(string route, T body, JsonTypeInfo<T> type, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url(route))
        {
            Content = new StringContent(JsonSerializer.Serialize(body, type), Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiRoutes.IdempotencyKeyHeader, idempotencyKey);
        }
        return Authorize(request);
    }

    HttpRequestMessage Authorize(HttpRequestMessage request)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    // A server base URL may carry a path (https://ci.example.com/hoist/); routes are appended to it.
    Uri Url(string route) => new(server.AbsoluteUri.TrimEnd('/') + route);

    static bool IsTransient(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.RequestTimeout;

    /// <summary>A 5xx/429 in words, with the problem's code, title and detail when the server sent one (503
    /// cluster_unreachable says which cloud account failed; a bare "503" would blame the wrong thing).</summary>
    static async Task<string> DescribeFailureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var problem = await ReadProblemAsync(response, ct);
        if (problem.Code is null)
        {
            return $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        var text = $"the server answered {(int)response.StatusCode} {problem.Code}: {problem.Title}" +
                   (string.IsNullOrWhiteSpace(problem.Detail) ? "" : $" — {problem.Detail}");
        return TerminalText.Safe(text.Length > 400 ? text[..400] + "…" : text);
    }

    static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException)
        {
            body = "";
        }
        return ApiProblem.From(response.StatusCode, response.ReasonPhrase, body);
    }

    static T? TryRead<T>(string json, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    static string Describe(HttpRequestException e) =>
        e.InnerException is SocketException se ? $"{se.Message} ({se.SocketErrorCode})" : e.Message;

    static TimeSpan Round(TimeSpan t) => TimeSpan.FromMilliseconds(Math.Max(100, Math.Round(t.TotalMilliseconds / 100) * 100));
}
