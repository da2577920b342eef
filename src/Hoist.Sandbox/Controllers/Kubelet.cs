using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// The simulated kubelets of every node. A pod bound to a node is admitted (Pending, ContainerCreating), its
/// sandbox is ready after <see cref="SandboxOptions.PodStartDelay"/>, init containers run one after another and
/// must exit 0, then the containers start — each by the rule its image reference names (<see cref="ImageRule"/>).
/// A pod marked for deletion is stopped over <see cref="SandboxOptions.PodStopDelay"/> and then deleted (<see cref="Terminate"/>).
/// Status, conditions, messages and Events follow pkg/kubelet (kuberuntime_container.go, images/image_manager.go,
/// status/generate.go); the state machines live in memory, as a real kubelet's do.
/// </summary>
internal sealed class Kubelet(ControllerContext ctx)
{
    const string Component = "kubelet";

    /// <summary>How long ErrImagePull shows before the next sync finds the image in back-off. A real kubelet takes
    /// about ten seconds; one keeps tests quick while still showing both states.</summary>
    internal static readonly TimeSpan PullErrorVisible = TimeSpan.FromSeconds(1);

    /// <summary>How long a <c>crashloop</c> container runs before it exits 1.</summary>
    internal static readonly TimeSpan CrashRunTime = TimeSpan.FromSeconds(1);

    /// <summary>The pod worker's retry after an error (CreateContainerConfigError, InvalidImageName).</summary>
    internal static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(10);

    static readonly TimeSpan InitialBackOff = TimeSpan.FromSeconds(10);
    static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(300);

    readonly Dictionary<string, PodRuntime> _pods = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<string>> _imagesOnNode = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _nextIp = new(StringComparer.Ordinal);

    public void Sync(JsonObject pod)
    {
        var nodeName = pod.At("spec", "nodeName").AsString()!;
        if (ctx.Cache.Get(ResourceKinds.Nodes, null, nodeName) is not { } node)
        {
            // No kubelet will ever stop it: PodGC force-deletes pods bound to a node that does not exist (after a
            // quarantine it leaves out here, where only a pod being deleted is affected).
            if (pod.IsDeleting()) DeleteFinally(pod);
            return;
        }
        var now = ctx.Now;
        if (pod.IsDeleting())
        {
            Terminate(pod, now);
            return;
        }
        if (PodUtil.Phase(pod) is "Succeeded" or "Failed") return;

        if (!_pods.TryGetValue(pod.Uid(), out var rt))
            _pods[pod.Uid()] = rt = new PodRuntime(pod, node, now, now + ctx.Options.PodStartDelay);
        rt.Pod = pod;
        try
        {
            Advance(rt, now);
            WriteStatus(rt, pod, now);
        }
        finally
        {
            rt.EndSync();
        }

        var next = rt.NextWake();
        if (next is { } at) ctx.EnqueueAfter(new WorkItem(Work.Pod, pod.Namespace() ?? "", pod.Name()), at - now);
    }

    /// <summary>
    /// The pod was removed without the kubelet stopping it first (a force delete, grace 0): stop its containers
    /// (the Killing events) and drop its state.
    /// </summary>
    public void Forget(JsonObject pod)
    {
        if (!_pods.Remove(pod.Uid(), out var rt)) return;
        rt.Pod = pod;
        foreach (var c in rt.All.Where(c => c.State == CState.Running))
            Event(rt, c, "Normal", "Killing", $"Stopping container {c.Name}");
    }

    /// <summary>
    /// A pod with a deletionTimestamp (syncTerminatingPod, then the status manager's final delete): every running
    /// container is told to stop (a Killing event each); no container starts or restarts any more. The containers
    /// exit <see cref="SandboxOptions.PodStopDelay"/> after the kubelet first saw the deletion — cleanly, exit 0
    /// "Completed", as an app that handles SIGTERM — unless the grace period ends first: then SIGKILL, exit 137
    /// "Error". The terminal status follows (phase Succeeded or Failed, as kubelets since 1.27 report a pod that
    /// will not run again), and the kubelet deletes the pod with grace 0, which removes it.
    /// </summary>
    /// <remarks>
    /// Readiness: the kubelet goes on probing readiness while a pod terminates (prober/worker.go stops only the
    /// liveness and startup probes), and a container without a readiness probe counts as ready while it runs. The
    /// simulated app stops answering its readiness probe once it has SIGTERM (it drains, as graceful shutdown
    /// usually does), so a container with a readinessProbe goes unready at once; one without stays ready until it
    /// stops. Either way the endpoints controller drops a terminating pod from a Service's ready addresses.
    /// </remarks>
    void Terminate(JsonObject pod, DateTimeOffset now)
    {
        if (!_pods.TryGetValue(pod.Uid(), out var rt))
        {
            // Never admitted here (or already stopped): nothing runs that would need stopping.
            DeleteFinally(pod);
            return;
        }
        rt.Pod = pod;
        try
        {
            var grace = TimeSpan.FromSeconds(Math.Max(pod.At("metadata", "deletionGracePeriodSeconds").AsLong() ?? 0, 0));
            var running = rt.All.Where(c => c.State == CState.Running).ToList();
            if (rt.Stop is not { } stop)
            {
                // Nothing running: the sandbox is torn down at once, there is no app to wait for.
                var appStops = running.Count == 0 ? now : now + ctx.Options.PodStopDelay;
                rt.Stop = stop = new Stopping(now, appStops, now + grace, grace);
                foreach (var c in running)
                {
                    Event(rt, c, "Normal", "Killing", $"Stopping container {c.Name}");
                    if (rt.SpecOf(c)?["readinessProbe"] is JsonObject) c.Ready = false;
                }
                foreach (var c in rt.All) c.NextAt = null;
            }
            else if (grace < stop.Grace)
            {
                // A second delete shortened the grace period: the kubelet kills within the new one from now.
                rt.Stop = stop = stop with { Grace = grace, KillAt = Min(stop.KillAt, now + grace) };
            }

            var stopAt = Min(stop.AppStopsAt, stop.KillAt);
            if (now < stopAt)
            {
                WriteStatus(rt, pod, now);
                ctx.EnqueueAfter(new WorkItem(Work.Pod, pod.Namespace() ?? "", pod.Name()), stopAt - now);
                return;
            }

            var killed = stop.KillAt < stop.AppStopsAt;
            foreach (var c in running)
            {
                c.Current = Terminated(c, killed ? 137 : 0, killed ? "Error" : "Completed", stopAt);
                c.State = CState.Terminated;
                c.FinishedAt = stopAt;
                c.Ready = c.Started = false;
            }
            // With no stop delay the containers stop in the instant the kubelet sees the deletion, and its final
            // delete follows in the same sync: the pod goes Terminating (the apiserver's write) → gone, without a
            // terminal status nobody could act on in between.
            if (stopAt > stop.RequestedAt) WriteStatus(rt, pod, now, terminal: true);
            _pods.Remove(rt.Uid);
        }
        finally
        {
            rt.EndSync();
        }
        DeleteFinally(pod);
    }

    /// <summary>The status manager's delete once the pod's containers are gone: grace 0, only this pod (uid precondition).</summary>
    void DeleteFinally(JsonObject pod)
    {
        try
        {
            ctx.Store.Delete(ResourceKinds.Pods, pod.Namespace(), pod.Name(), DeleteOptions.Now with { Uid = pod.Uid() });
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }

    void WriteStatus(PodRuntime rt, JsonObject pod, DateTimeOffset now, bool terminal = false)
    {
        var status = BuildStatus(rt, pod, now, terminal);
        if (Js.SortedJson(status) != Js.SortedJson(pod["status"]))
            ctx.Store.Mutate(ResourceKinds.Pods, pod.Namespace(), pod.Name(), o => o["status"] = status, statusOnly: true);
    }

    void Advance(PodRuntime rt, DateTimeOffset now)
    {
        for (var guard = 0; guard < 10_000; guard++)
        {
            if (!rt.SandboxReady)
            {
                if (rt.SandboxReadyAt > now) return;
                rt.SandboxReady = true;
                rt.PodIp = AllocateIp(rt.NodeName);
            }
            SyncSpecImages(rt, now);
            var due = NextDue(rt, now);
            if (due is null) return;
            var (c, at) = due.Value;
            if (c.State == CState.Pending) Launch(rt, c, at);
            else Step(rt, c, at);
        }
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>The container with the earliest action due by <paramref name="now"/>: a new container becomes due when its turn comes.</summary>
    static (Ctr, DateTimeOffset)? NextDue(PodRuntime rt, DateTimeOffset now)
    {
        (Ctr, DateTimeOffset)? best = null;
        void Consider(Ctr c, DateTimeOffset at)
        {
            if (at <= now && (best is null || at < best.Value.Item2)) best = (c, at);
        }
        var turn = rt.SandboxReadyAt;
        foreach (var c in rt.Init)
        {
            if (c.State == CState.Pending)
            {
                Consider(c, turn);
                return best;
            }
            if (c.NextAt is { } at) Consider(c, at);
            if (!c.Completed) return best;
            turn = Max(turn, c.FinishedAt ?? turn);
        }
        foreach (var c in rt.Main)
        {
            if (c.State == CState.Pending) Consider(c, turn);
            else if (c.NextAt is { } at) Consider(c, at);
        }
        return best;
    }

    /// <summary>A container whose image changed in the pod spec is killed and started again with the new image.</summary>
    void SyncSpecImages(PodRuntime rt, DateTimeOffset at)
    {
        foreach (var c in rt.All)
        {
            if (c.Completed) continue;
            var spec = rt.SpecOf(c);
            var image = spec?["image"].AsString() ?? "";
            if (image == c.Image) continue;
            if (c.State == CState.Running)
            {
                Event(rt, c, "Normal", "Killing", $"Container {c.Name} definition changed, will be restarted");
                c.LastTerminated = Terminated(c, 0, "Completed", at);
            }
            c.Reset(image);
        }
    }

    /// <summary>Pull, create and start a container (<c>startContainer</c>), stopping at the first step its image rule fails.</summary>
    void Launch(PodRuntime rt, Ctr c, DateTimeOffset at)
    {
        var spec = rt.SpecOf(c);
        var image = ImageRef.Parse(c.Image);
        if (image is null)
        {
            var msg = $"Failed to apply default image tag \"{c.Image}\": couldn't parse image name \"{c.Image}\": invalid reference format";
            Event(rt, c, "Warning", "InspectFailed", msg);
            Event(rt, c, "Warning", "Failed", "Error: InvalidImageName");
            c.Wait("InvalidImageName", msg, at + RetryPeriod);
            return;
        }

        if (!Pull(rt, c, image, spec, at)) return;

        if (c.Rule == ImageRule.ConfigError)
        {
            var msg = ConfigErrorMessage(rt.Pod, spec);
            Event(rt, c, "Warning", "Failed", $"Error: {msg}");
            c.Wait("CreateContainerConfigError", msg, at + RetryPeriod);
            return;
        }

        c.RestartCount = c.Runs;
        c.Runs++;
        c.ContainerId = "containerd://" + Hashing.Sha256Hex($"{rt.Uid}/{c.Name}/{c.Runs}");
        c.ImageId = image.ImageId;
        c.RuntimeImage = image.Digest is null ? image.FullName : image.Repository + "@" + image.Digest;
        Event(rt, c, "Normal", "Created", ctx.KubeMinor >= 32 ? $"Created container: {c.Name}" : $"Created container {c.Name}");
        Event(rt, c, "Normal", "Started", $"Started container {c.Name}");
        c.State = CState.Running;
        c.Reason = c.Message = null;
        c.StartedAt = at;
        c.FinishedAt = null;
        c.Started = true;
        c.NextAt = null;
        c.Ready = !c.IsInit && c.Rule == ImageRule.Starts;
        if (c.Rule == ImageRule.CrashLoop)
        {
            c.Ready = false;
            c.NextAt = at + CrashRunTime;
        }
        else if (c.IsInit)
        {
            c.Current = Terminated(c, 0, "Completed", at);
            c.State = CState.Terminated;
            c.FinishedAt = at;
            c.Started = false;
            c.Ready = true;
        }
        else if (c.Rule == ImageRule.Unready)
        {
            Event(rt, c, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503");
        }
    }

    /// <summary>EnsureImageExists: true when the image is on the node.</summary>
    bool Pull(PodRuntime rt, Ctr c, ImageRef image, JsonObject? spec, DateTimeOffset at)
    {
        var images = NodeImages(rt.NodeName);
        var present = images.Contains(image.FullName);
        var policy = spec?["imagePullPolicy"].AsString() ?? (image.DefaultsToAlwaysPull ? "Always" : "IfNotPresent");
        if (policy == "Never" && !present)
        {
            var msg = $"Container image \"{c.Image}\" is not present with pull policy of Never";
            Event(rt, c, "Warning", "ErrImageNeverPull", msg);
            Event(rt, c, "Warning", "Failed", "Error: ErrImageNeverPull");
            c.Wait("ErrImageNeverPull", msg, at + RetryPeriod);
            return false;
        }
        if (present && policy != "Always")
        {
            Event(rt, c, "Normal", "Pulled", $"Container image \"{c.Image}\" already present on machine");
            return true;
        }

        var requested = image.WithDefaultTag;
        if (c.Rule == ImageRule.PullFails)
        {
            if (c.PullBackOffUntil is { } until && at < until)
            {
                var msg = $"Back-off pulling image \"{requested}\"";
                Event(rt, c, "Normal", "BackOff", msg);
                Event(rt, c, "Warning", "Failed", "Error: ImagePullBackOff");
                // 1.32+ carries the last pull error into the waiting message (prevPullErrMsg).
                if (ctx.KubeMinor >= 32 && c.LastPullError is not null) msg += $": ErrImagePull: {c.LastPullError}";
                c.Wait("ImagePullBackOff", msg, until);
                return false;
            }
            var error = image.PullError();
            Event(rt, c, "Normal", "Pulling", $"Pulling image \"{requested}\"");
            Event(rt, c, "Warning", "Failed", $"Failed to pull image \"{requested}\": {error}");
            Event(rt, c, "Warning", "Failed", "Error: ErrImagePull");
            c.PullBackOff = c.PullBackOff == TimeSpan.Zero ? InitialBackOff : Min(c.PullBackOff * 2, MaxBackOff);
            c.PullBackOffUntil = at + c.PullBackOff;
            c.LastPullError = error;
            c.Wait("ErrImagePull", error, at + PullErrorVisible);
            return false;
        }

        var seed = BitConverter.ToUInt32(Convert.FromHexString(Hashing.Sha256Hex(image.FullName)[..8]));
        var took = TimeSpan.FromMilliseconds(700 + seed % 4000);
        var size = 20_000_000 + seed % 90_000_000;
        Event(rt, c, "Normal", "Pulling", $"Pulling image \"{requested}\"");
        Event(rt, c, "Normal", "Pulled",
            $"Successfully pulled image \"{requested}\" in {Js.GoDuration(took)} ({Js.GoDuration(took)} including waiting). Image size: {size.ToString(CultureInfo.InvariantCulture)} bytes.");
        images.Add(image.FullName);
        c.PullBackOff = TimeSpan.Zero;
        c.PullBackOffUntil = null;
        return true;
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>A timed action: a retry after a failure, a back-off ending, or a crashloop container exiting.</summary>
    void Step(PodRuntime rt, Ctr c, DateTimeOffset at)
    {
        c.NextAt = null;
        if (c.State == CState.Waiting)
        {
            Launch(rt, c, at);
            return;
        }
        if (c.State != CState.Running || c.Rule != ImageRule.CrashLoop) return;

        c.LastTerminated = Terminated(c, 1, "Error", at);
        c.Crashes++;
        c.Started = false;
        c.Ready = false;
        c.FinishedAt = at;
        if (c.Crashes == 1)
        {
            // kubelet's back-off has no entry after the first exit: it restarts at once.
            Launch(rt, c, at);
            return;
        }
        var backOff = Min(TimeSpan.FromTicks(InitialBackOff.Ticks << Math.Min(c.Crashes - 2, 10)), MaxBackOff);
        var podRef = $"{rt.Name}_{rt.Ns}({rt.Uid})";
        Event(rt, c, "Warning", "BackOff", $"Back-off restarting failed container {c.Name} in pod {podRef}");
        c.Wait("CrashLoopBackOff", $"back-off {Js.GoDuration(backOff)} restarting failed container={c.Name} pod={podRef}", at + backOff);
    }

    static JsonObject Terminated(Ctr c, int exitCode, string reason, DateTimeOffset finishedAt) => new()
    {
        ["exitCode"] = exitCode,
        ["reason"] = reason,
        ["startedAt"] = Js.Timestamp(c.StartedAt ?? finishedAt),
        ["finishedAt"] = Js.Timestamp(finishedAt),
        ["containerID"] = c.ContainerId,
    };

    static string ConfigErrorMessage(JsonObject pod, JsonObject? spec)
    {
        var ns = pod.Namespace();
        foreach (var env in spec?["env"].Objects() ?? [])
            if (env.At("valueFrom", "configMapKeyRef") is JsonObject r)
                return $"couldn't find key {r["key"].AsString()} in ConfigMap {ns}/{r["name"].AsString()}";
        foreach (var from in spec?["envFrom"].Objects() ?? [])
            if (from.At("configMapRef", "name").AsString() is { } name)
                return $"configmap \"{name}\" not found";
        return $"couldn't find key config.yaml in ConfigMap {ns}/{spec?["name"].AsString()}-config";
    }

    /// <summary>The pod status (generateAPIPodStatus); <paramref name="terminal"/> once its containers have stopped for good.</summary>
    JsonObject BuildStatus(PodRuntime rt, JsonObject pod, DateTimeOffset now, bool terminal = false)
    {
        var old = pod["status"] as JsonObject ?? [];
        var initDone = rt.Init.All(c => c.Completed);
        // getPhase: a container that has never run (waiting without a last termination) keeps the pod Pending.
        var phase = !initDone || rt.Main.Any(c => c.State is CState.Pending or CState.Waiting && c.LastTerminated is null) ? "Pending" : "Running";
        // getPhase with podIsTerminal: every container has stopped and none will restart, so the pod is finished.
        if (terminal && phase == "Running")
            phase = rt.Main.All(c => c.State == CState.Terminated && c.Current?["exitCode"].AsInt() == 0) ? "Succeeded" : "Failed";
        var stamp = Js.Timestamp(now);
        var conditions = new JsonArray();
        void Condition(string type, bool value, string? reason = null, string? message = null)
        {
            var status = value ? "True" : "False";
            var previous = old["conditions"].Objects().FirstOrDefault(c => c["type"].AsString() == type);
            var c = new JsonObject
            {
                ["type"] = type,
                ["status"] = status,
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = previous?["status"].AsString() == status ? previous["lastTransitionTime"]?.DeepClone() : stamp,
            };
            if (reason is not null) c["reason"] = reason;
            if (message is not null) c["message"] = message;
            conditions.Add(c);
        }
        // A terminal pod's sandbox has been torn down.
        if (ctx.KubeMinor >= 29) Condition("PodReadyToStartContainers", rt.SandboxReady && !terminal);
        var incomplete = rt.Init.Where(c => !c.Completed).Select(c => c.Name).ToList();
        if (incomplete.Count == 0) Condition("Initialized", true, phase == "Succeeded" ? "PodCompleted" : null);
        else Condition("Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]");
        var unready = rt.Main.Where(c => !c.Ready).Select(c => c.Name).ToList();
        var readyMessage = $"containers with unready status: [{string.Join(' ', unready)}]";
        if (phase is "Succeeded" or "Failed")
        {
            // status.generateContainersReadyConditionForTerminalPhase: no container list, the phase says it.
            var reason = phase == "Succeeded" ? "PodCompleted" : "PodFailed";
            Condition("Ready", false, reason);
            Condition("ContainersReady", false, reason);
        }
        else if (unready.Count == 0)
        {
            Condition("Ready", true);
            Condition("ContainersReady", true);
        }
        else
        {
            Condition("Ready", false, "ContainersNotReady", readyMessage);
            Condition("ContainersReady", false, "ContainersNotReady", readyMessage);
        }
        var known = new HashSet<string> { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady" };
        foreach (var other in old["conditions"].Objects().Where(c => !known.Contains(c["type"].AsString() ?? "")))
            conditions.Add(other.DeepClone());
        // A pod created with spec.nodeName never went through the scheduler; the kubelet reports it scheduled.
        if (!conditions.Objects().Any(c => c["type"].AsString() == "PodScheduled")) Condition("PodScheduled", true);

        var status = new JsonObject { ["phase"] = phase, ["conditions"] = conditions, ["hostIP"] = rt.HostIp, ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = rt.HostIp }) };
        if (rt.PodIp is not null)
        {
            status["podIP"] = rt.PodIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = rt.PodIp });
        }
        status["startTime"] = Js.Timestamp(rt.AdmittedAt);
        var hasInit = rt.Init.Count > 0;
        if (hasInit) status["initContainerStatuses"] = new JsonArray([.. rt.Init.Select(c => (JsonNode)ContainerStatus(c, hasInit))]);
        status["containerStatuses"] = new JsonArray([.. rt.Main.Select(c => (JsonNode)ContainerStatus(c, hasInit))]);
        status["qosClass"] = old["qosClass"]?.DeepClone() ?? PodUtil.QosClass(pod["spec"] as JsonObject ?? []);
        return status;
    }

    static JsonObject ContainerStatus(Ctr c, bool podHasInit)
    {
        var state = c.State switch
        {
            CState.Running => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Js.Timestamp(c.StartedAt!.Value) } },
            CState.Terminated => new JsonObject { ["terminated"] = c.Current!.DeepClone() },
            CState.Waiting => Waiting(c.Reason!, c.Message),
            _ => Waiting(podHasInit ? "PodInitializing" : "ContainerCreating", null),
        };
        var showRuntime = c.State is CState.Running or CState.Terminated || (c.State == CState.Waiting && c.Reason == "CrashLoopBackOff");
        var s = new JsonObject
        {
            ["name"] = c.Name,
            ["state"] = state,
            ["lastState"] = c.LastTerminated is { } last ? new JsonObject { ["terminated"] = last.DeepClone() } : new JsonObject(),
            ["ready"] = c.Ready,
            ["restartCount"] = c.RestartCount,
            ["image"] = showRuntime ? c.RuntimeImage : c.Image,
            ["imageID"] = showRuntime ? c.ImageId : "",
        };
        if (showRuntime && c.ContainerId is not null) s["containerID"] = c.ContainerId;
        s["started"] = c.Started;
        return s;

        static JsonObject Waiting(string reason, string? message)
        {
            var w = new JsonObject { ["reason"] = reason };
            if (message is not null) w["message"] = message;
            return new JsonObject { ["waiting"] = w };
        }
    }

    void Event(PodRuntime rt, Ctr c, string type, string reason, string message) =>
        ctx.Events.Record(rt.Pod, type, reason, message, Component, rt.NodeName, c.IsInit ? $"spec.initContainers{{{c.Name}}}" : $"spec.containers{{{c.Name}}}");

    HashSet<string> NodeImages(string node)
    {
        if (!_imagesOnNode.TryGetValue(node, out var set)) _imagesOnNode[node] = set = new HashSet<string>(StringComparer.Ordinal);
        return set;
    }

    string AllocateIp(string node)
    {
        var n = _nextIp.GetValueOrDefault(node, 2);
        _nextIp[node] = n >= 254 ? 2 : n + 1;
        return $"10.244.{ClusterSeed.NodeIndex(node)}.{n}";
    }

    internal enum CState { Pending, Waiting, Running, Terminated }

    /// <summary>
    /// A pod being stopped: when the kubelet first saw the deletion, when the app will have exited after SIGTERM,
    /// and when the grace period (the last one seen) ends and SIGKILL follows.
    /// </summary>
    internal sealed record Stopping(DateTimeOffset RequestedAt, DateTimeOffset AppStopsAt, DateTimeOffset KillAt, TimeSpan Grace);

    /// <summary>One container's runtime state.</summary>
    internal sealed class Ctr(string name, bool isInit, string image)
    {
        public string Name { get; } = name;
        public bool IsInit { get; } = isInit;
        public string Image { get; private set; } = image;
        public ImageRule Rule { get; private set; } = ImageRef.RuleFor(image);
        public CState State { get; set; }
        public string? Reason { get; set; }
        public string? Message { get; set; }
        public DateTimeOffset? StartedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public DateTimeOffset? NextAt { get; set; }
        public JsonObject? Current { get; set; }
        public JsonObject? LastTerminated { get; set; }
        public string? ContainerId { get; set; }
        public string? ImageId { get; set; }
        public string? RuntimeImage { get; set; }
        public int RestartCount { get; set; }
        public int Runs { get; set; }
        public int Crashes { get; set; }
        public bool Ready { get; set; }
        public bool Started { get; set; }
        public TimeSpan PullBackOff { get; set; }
        public DateTimeOffset? PullBackOffUntil { get; set; }
        public string? LastPullError { get; set; }

        public bool Completed => IsInit && State == CState.Terminated && Current?["exitCode"].AsInt() == 0;

        public void Wait(string reason, string? message, DateTimeOffset next)
        {
            State = CState.Waiting;
            Reason = reason;
            Message = message;
            Ready = false;
            Started = false;
            NextAt = next;
        }

        public void Reset(string image)
        {
            Image = image;
            Rule = ImageRef.RuleFor(image);
            State = CState.Pending;
            Reason = Message = null;
            NextAt = null;
            Current = null;
            Ready = Started = false;
            Crashes = 0;
            PullBackOff = TimeSpan.Zero;
            PullBackOffUntil = null;
            LastPullError = null;
        }
    }

    internal sealed class PodRuntime
    {
        public PodRuntime(JsonObject pod, JsonObject node, DateTimeOffset admittedAt, DateTimeOffset sandboxReadyAt)
        {
            Uid = pod.Uid();
            Ns = pod.Namespace() ?? "";
            Name = pod.Name();
            NodeName = node.Name();
            HostIp = node.At("status", "addresses").Objects().FirstOrDefault(a => a["type"].AsString() == "InternalIP")?["address"].AsString()
                ?? ClusterSeed.NodeIp(ClusterSeed.NodeIndex(NodeName));
            AdmittedAt = admittedAt;
            SandboxReadyAt = sandboxReadyAt;
            Init = [.. pod.At("spec", "initContainers").Objects().Select(c => new Ctr(c["name"].AsString() ?? "", true, c["image"].AsString() ?? ""))];
            Main = [.. pod.At("spec", "containers").Objects().Select(c => new Ctr(c["name"].AsString() ?? "", false, c["image"].AsString() ?? ""))];
        }

        /// <summary>
        /// The pod being synced. Held only during a sync: the cache has the pod, and a parsed copy kept for every
        /// idle pod would be the sandbox's biggest use of memory.
        /// </summary>
        public JsonObject Pod
        {
            get => _pod ?? throw new InvalidOperationException("A pod's runtime is read only while the pod is synced.");
            set => _pod = value;
        }

        JsonObject? _pod;

        public void EndSync() => _pod = null;

        public string Uid { get; }
        public string Ns { get; }
        public string Name { get; }
        public string NodeName { get; }
        public string HostIp { get; }
        public DateTimeOffset AdmittedAt { get; }
        public DateTimeOffset SandboxReadyAt { get; }
        public bool SandboxReady { get; set; }
        public string? PodIp { get; set; }
        public List<Ctr> Init { get; }
        public List<Ctr> Main { get; }
        public IEnumerable<Ctr> All => Init.Concat(Main);

        public JsonObject? SpecOf(Ctr c) =>
            Pod.At("spec", c.IsInit ? "initContainers" : "containers").Objects().FirstOrDefault(s => s["name"].AsString() == c.Name);

        /// <summary>Set once the kubelet has seen the pod's deletionTimestamp.</summary>
        public Stopping? Stop { get; set; }

        public DateTimeOffset? NextWake()
        {
            if (!SandboxReady) return SandboxReadyAt;
            var times = All.Where(c => c.NextAt is not null).Select(c => c.NextAt!.Value).ToList();
            return times.Count == 0 ? null : times.Min();
        }
    }
}
