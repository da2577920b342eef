using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hoist.Sandbox.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hoist.Sandbox.Api;

/// <summary>The Kestrel app: route table, authentication, Status error bodies and the apiserver's response headers.</summary>
internal static class ApiServer
{
    public static WebApplication Build(SandboxCluster cluster)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "hoist-sandbox" });
        builder.Logging.ClearProviders();
        // The sandbox is a library inside tests and demos: the host must not grab Ctrl+C/SIGTERM for itself.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 3 * 1024 * 1024 + 1;
            k.Listen(IPAddress.Loopback, cluster.Options.Port);
        });

        var app = builder.Build();
        app.Use((http, next) => Pipeline(cluster, http, next));
        // Routing after the pipeline, so that even a routing failure is answered with a Status body.
        app.UseRouting();

        var discovery = new DiscoveryApi(cluster);
        var resources = new ResourceApi(cluster);
        var control = new ControlApi(cluster);

        app.MapGet("/version", discovery.Version);
        app.MapGet("/api", discovery.Api);
        app.MapGet("/api/v1", discovery.CoreResources);
        app.MapGet("/apis", discovery.Apis);
        app.MapGet("/apis/{group}", discovery.ApiGroup);
        app.MapGet("/apis/{group}/{version}", discovery.GroupResources);
        app.MapGet("/openapi/v2", discovery.OpenApiV2Document);
        app.MapGet("/openapi/v3", discovery.OpenApiRoot);
        app.MapGet("/openapi/v3/{**path}", discovery.OpenApiGroupVersion);
        app.MapPost("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", discovery.AccessReview);
        foreach (var probe in new[] { "/healthz", "/livez", "/readyz" })
            app.MapGet(probe, http => HttpJson.WriteText(http, 200, "ok"));

        app.Map("/api/v1/{**path}", resources.Handle);
        app.Map("/apis/{group}/{version}/{**path}", resources.Handle);

        app.MapGet("/sandbox/v1/faults", control.GetFaults);
        app.MapPut("/sandbox/v1/faults", control.PutFaults);
        app.MapGet("/sandbox/v1/stats", control.GetStats);
        app.MapDelete("/sandbox/v1/stats", control.ResetStats);

        app.MapFallback(_ => throw ApiException.UnknownPath());
        return app;
    }

    static async Task Pipeline(SandboxCluster cluster, HttpContext http, RequestDelegate next)
    {
        http.Response.Headers.CacheControl = "no-cache, private";
        var started = Stopwatch.GetTimestamp();
        var log = cluster.Options.RequestLog;
        var logged = false;
        void Log()
        {
            if (logged || log is null) return;
            logged = true;
            log($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString} {http.Response.StatusCode} {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0}ms");
        }
        // Logged as the response starts, so the line exists before the client has read the answer.
        http.Response.OnStarting(() =>
        {
            Log();
            return Task.CompletedTask;
        });
        try
        {
            if (!Authenticated(cluster.Options.BearerToken, http)) throw ApiException.Unauthorized();
            await next(http);
        }
        catch (ApiException e)
        {
            if (!http.Response.HasStarted) await HttpJson.Write(http, e.Code, e.ToStatus());
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (!http.Response.HasStarted) await HttpJson.Write(http, 500, ApiException.InternalError(e.Message).ToStatus());
        }
        finally
        {
            if (!http.Response.HasStarted) Log();
        }
    }

    static bool Authenticated(string? token, HttpContext http)
    {
        if (string.IsNullOrEmpty(token)) return true;
        var path = http.Request.Path.Value ?? "";
        if (path.StartsWith("/sandbox/", StringComparison.Ordinal)) return true;
        var header = http.Request.Headers.Authorization.ToString();
        // Like system:public-info-viewer: anonymous callers may read the version (the kubectl dispatcher does).
        if (header.Length == 0 && path.TrimEnd('/') is "/version" or "/healthz" or "/livez" or "/readyz") return true;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes("Bearer " + token));
    }

    sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
