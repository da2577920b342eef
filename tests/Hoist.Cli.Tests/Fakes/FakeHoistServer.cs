using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Hoist.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hoist.Cli.Tests.Fakes;

/// <summary>A request the fake server saw.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// A stand-in Hoist server on 127.0.0.1:0 (real Kestrel, real sockets), scripted per test with <see cref="On"/>. It
/// serializes like ASP.NET Core does (web defaults, reflection), so a CLI that only understood its own
/// source-generated JSON would fail here.
/// </summary>
public sealed class FakeHoistServer : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly WebApplication app;
    readonly ConcurrentDictionary<string, Func<HttpContext, RecordedRequest, Task>> routes = new();
    readonly ConcurrentQueue<RecordedRequest> requests = new();

    FakeHoistServer(WebApplication app) => this.app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => requests.ToArray();

    public IEnumerable<RecordedRequest> RequestsTo(string method, string path) =>
        Requests.Where(r => r.Method == method && r.PathAndQuery.Split('?')[0] == path);

    public static async Task<FakeHoistServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeHoistServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>Answers METHOD PATH (query ignored) with the handler; later calls replace earlier ones.</summary>
    public FakeHoistServer On(string method, string path, Func<HttpContext, RecordedRequest, Task> handler)
    {
        routes[$"{method} {path}"] = handler;
        return this;
    }

    async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(http.Request.Method, http.Request.Path + http.Request.QueryString, headers, body);
        requests.Enqueue(recorded);
        if (routes.TryGetValue($"{http.Request.Method} {http.Request.Path}", out var handler))
        {
            await handler(http, recorded);
            return;
        }
        await Problem(http, 404, ProblemCodes.NotFound, "Not Found");
    }

    public static Task WriteJson<T>(HttpContext http, T value, int status = 200)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(value, Json));
    }

    public static Task Problem(HttpContext http, int status, string code, string title, string? detail = null, Dictionary<string, object?>? extensions = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = "https://hoist.dev/problems/" + code,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
        };
        foreach (var (k, v) in extensions ?? [])
        {
            body[k] = v;
        }
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/problem+json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    /// <summary>Starts an event stream and writes the events; the caller decides whether to end, hang or abort.</summary>
    public static async Task WriteEvents(HttpContext http, IEnumerable<(long Id, string Event, object Data)> events)
    {
        if (!http.Response.HasStarted)
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
        }
        foreach (var (id, name, data) in events)
        {
            await http.Response.WriteAsync($"id: {id}\nevent: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n");
        }
        await http.Response.Body.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
