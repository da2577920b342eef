using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Hoist.Server.Kubernetes;

/// <summary>The watch was asked to resume from a resourceVersion the server no longer has (410 Gone): relist.</summary>
sealed class WatchExpiredException() : Exception("watch history expired (410)");

/// <summary>
/// One watch request, spoken directly over the client's HttpClient: response headers within the request
/// timeout, then one JSON event per line until the server ends the stream. The library's own watch helpers
/// wait for the first event before returning and report stream errors out of band; a watch that must notice a
/// dead connection and resume exactly needs the plain stream.
/// </summary>
sealed class RawWatch(k8s.Kubernetes client, TimeSpan requestTimeout)
{
    public async IAsyncEnumerable<(WatchEventType Type, T Object)> StreamAsync<T>(string collectionPath, string? fieldSelector, string? labelSelector,
        string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var query = new StringBuilder("?watch=true&allowWatchBookmarks=true");
        query.Append("&resourceVersion=").Append(Uri.EscapeDataString(resourceVersion));
        query.Append("&timeoutSeconds=").Append(timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(fieldSelector)) query.Append("&fieldSelector=").Append(Uri.EscapeDataString(fieldSelector));
        if (!string.IsNullOrEmpty(labelSelector)) query.Append("&labelSelector=").Append(Uri.EscapeDataString(labelSelector));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, collectionPath + query));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (client.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(request, ct);

        HttpResponseMessage response;
        using (var headers = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            headers.CancelAfter(requestTimeout);
            response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var code = (int)response.StatusCode;
                if (code == 410) throw new WatchExpiredException();
                var reason = await ReasonAsync(response, ct);
                var message = $"watch {collectionPath}: {code} {reason}".TrimEnd();
                if (code is 429 or >= 500) throw new ClusterUnreachableException(message);
                throw new ClusterRequestException(code, message);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0) continue;
                using var doc = JsonDocument.Parse(line);
                var type = doc.RootElement.GetProperty("type").GetString();
                var obj = doc.RootElement.GetProperty("object");
                switch (type)
                {
                    case "ADDED": yield return (WatchEventType.Added, KubernetesJson.Deserialize<T>(obj.GetRawText())); break;
                    case "MODIFIED": yield return (WatchEventType.Modified, KubernetesJson.Deserialize<T>(obj.GetRawText())); break;
                    case "DELETED": yield return (WatchEventType.Deleted, KubernetesJson.Deserialize<T>(obj.GetRawText())); break;
                    case "BOOKMARK": yield return (WatchEventType.Bookmark, KubernetesJson.Deserialize<T>(obj.GetRawText())); break;
                    case "ERROR":
                        var status = KubernetesJson.Deserialize<V1Status>(obj.GetRawText());
                        if (status.Code == 410) throw new WatchExpiredException();
                        var message = $"watch {collectionPath}: {status.Code} {Word(status.Reason)}".TrimEnd();
                        if (status.Code is null or 429 or >= 500) throw new ClusterUnreachableException(message);
                        throw new ClusterRequestException(status.Code.Value, message);
                }
            }
        }
    }

    static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (body.Length <= 64 * 1024)
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
                    return Word(r.GetString());
            }
        }
        catch (JsonException) { }
        return Word(response.ReasonPhrase);
    }

    static string Word(string? s) => s is { Length: > 0 and <= 40 } && s.All(char.IsAsciiLetter) ? s : "";
}
