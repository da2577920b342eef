using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// <c>GET pods/{name}/log</c>: the apiserver's checks (registry/core/pod LogLocation) and the kubelet's
/// (<c>validateContainerLogStatus</c>), then a few lines that depend only on the pod, container, image and run,
/// so the same request always returns the same text.
/// </summary>
internal static class PodLogs
{
    public static string Read(JsonObject pod, string? container, bool previous, int? tailLines)
    {
        var name = pod.Name();
        var containers = pod.At("spec", "containers").Objects().Select(c => c["name"].AsString() ?? "").ToList();
        var inits = pod.At("spec", "initContainers").Objects().Select(c => c["name"].AsString() ?? "").ToList();
        if (string.IsNullOrEmpty(container))
        {
            if (containers.Count == 1) container = containers[0];
            else if (containers.Count == 0) throw ApiException.BadRequest($"a container name must be specified for pod {name}");
            else
            {
                var message = $"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]";
                if (inits.Count > 0) message += $" or one of the init containers: [{string.Join(' ', inits)}]";
                throw ApiException.BadRequest(message);
            }
        }
        if (!containers.Contains(container) && !inits.Contains(container))
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        if (pod.At("spec", "nodeName").AsString() is not { Length: > 0 }) return "";

        var isInit = !containers.Contains(container);
        var spec = pod.At("spec", isInit ? "initContainers" : "containers").Objects().First(c => c["name"].AsString() == container);
        var status = pod.At("status", isInit ? "initContainerStatuses" : "containerStatuses").Objects().FirstOrDefault(c => c["name"].AsString() == container)
            ?? throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is not available");

        var restarts = status["restartCount"].AsInt() ?? 0;
        var lastTerminated = status.At("lastState", "terminated") as JsonObject;
        var state = status["state"] as JsonObject;
        int run;
        if (previous)
        {
            if (lastTerminated is null || string.IsNullOrEmpty(lastTerminated["containerID"].AsString()))
                throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
            run = state?["running"] is not null ? restarts - 1 : restarts;
        }
        else if (state?["running"] is not null || state?["terminated"] is not null) run = restarts;
        else if (lastTerminated is not null) run = restarts;
        else if (state.At("waiting", "reason").AsString() is { } reason)
        {
            var why = reason switch
            {
                "ErrImagePull" => "image can't be pulled",
                "ImagePullBackOff" => "trying and failing to pull image",
                _ => reason,
            };
            throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: {why}");
        }
        else throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start - no logs yet");

        var lines = Lines(pod, container, spec["image"].AsString() ?? "", isInit, Math.Max(run, 0));
        if (tailLines is { } tail && tail >= 0) lines = lines.TakeLast(tail).ToList();
        var sb = new StringBuilder();
        foreach (var line in lines) sb.Append(line).Append('\n');
        return sb.ToString();
    }

    static List<string> Lines(JsonObject pod, string container, string image, bool isInit, int run)
    {
        var where = $"pod {pod.Namespace()}/{pod.Name()}";
        List<string> lines = [$"[{container}] starting {image} in {where} (attempt {run + 1})"];
        switch (ImageRef.RuleFor(image))
        {
            case ImageRule.CrashLoop:
                lines.Add($"[{container}] loading configuration from /etc/{container}/config.yaml");
                lines.Add($"[{container}] fatal: required setting DATABASE_URL is empty");
                lines.Add($"[{container}] exiting with code 1");
                break;
            case ImageRule.Unready:
                lines.Add($"[{container}] listening on 0.0.0.0:8080");
                lines.Add($"[{container}] readiness: dependency check failed, answering 503 on /healthz");
                break;
            default:
                if (isInit) lines.Add($"[{container}] initialisation complete");
                else
                {
                    lines.Add($"[{container}] listening on 0.0.0.0:8080");
                    lines.Add($"[{container}] ready");
                }
                break;
        }
        return lines;
    }
}
