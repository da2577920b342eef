using Hoist.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace Hoist.Server.Http;

/// <summary>
/// Caps request bodies (64 KB by default; nothing Hoist accepts is larger). The body is read into memory up
/// to the cap before the endpoint runs, so the limit holds the same on Kestrel, behind a proxy and in the test
/// server, and a too-large body becomes a 413 ProblemDetails before any handler sees it.
/// </summary>
sealed class BodyLimit(RequestDelegate next, IConfiguration configuration)
{
    public const int DefaultMaxBytes = 64 * 1024;
    readonly int _max = configuration.GetValue("Hoist:MaxRequestBodyBytes", DefaultMaxBytes);

    public static ApiProblem TooLarge(int max = DefaultMaxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "Request body too large",
            $"Request bodies are limited to {max / 1024} KB.");

    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
        {
            await next(http);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = _max + 1L;

        if (request.ContentLength > _max)
        {
            await RefuseAsync(http);
            return;
        }
        var buffer = new MemoryStream();
        try
        {
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > _max)
                {
                    await RefuseAsync(http);
                    return;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RefuseAsync(http);
            return;
        }
        buffer.Position = 0;
        request.Body = buffer;
        await next(http);
    }

    async Task RefuseAsync(HttpContext http)
    {
        var problem = TooLarge(_max);
        http.Response.StatusCode = problem.Status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem.ToProblemDetails() });
    }
}
