using System.Globalization;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// core/v1 Events as client-go's legacy recorder writes them (tools/record/event.go): named
/// <c>&lt;involved&gt;.&lt;hex unix nanos&gt;</c>, and a repeat of the same source, object, type, reason and message
/// bumps <c>count</c> and <c>lastTimestamp</c> on the existing Event instead of creating one (the event logger's
/// dedup). Stored Events are bounded as the apiserver's one-hour TTL bounds them, plus a cap on their number,
/// so a long-running sandbox does not grow without limit.
/// </summary>
internal sealed class EventRecorder(ObjectStore store, TimeProvider time, int maxEvents = 5000)
{
    static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    readonly Dictionary<string, LinkedListNode<Entry>> _byKey = new(StringComparer.Ordinal);
    readonly LinkedList<Entry> _byAge = new();
    long _lastNanos;

    sealed record Entry(string Key, string Ns, string Name)
    {
        public DateTimeOffset Last { get; set; }
    }

    public void Normal(JsonObject involved, string reason, string message, string component, string? host = null, string? fieldPath = null) =>
        Record(involved, "Normal", reason, message, component, host, fieldPath);

    public void Warning(JsonObject involved, string reason, string message, string component, string? host = null, string? fieldPath = null) =>
        Record(involved, "Warning", reason, message, component, host, fieldPath);

    public void Record(JsonObject involved, string type, string reason, string message, string component, string? host, string? fieldPath)
    {
        var now = time.GetUtcNow();
        Expire(now);
        var kind = involved.Str("kind") ?? "";
        var ns = involved.Namespace() is { Length: > 0 } n ? n : "default";
        // The apiserver refuses objects in a namespace that does not exist (or is being deleted).
        if (store.Get(ResourceKinds.Namespaces, null, ns) is null) return;
        var key = string.Join('\u0001', component, host, kind, ns, involved.Name(), involved.Uid(), involved.Str("apiVersion"), fieldPath, type, reason, message);
        var stamp = Js.Timestamp(now);

        if (_byKey.TryGetValue(key, out var node))
        {
            var updated = store.Mutate(ResourceKinds.Events, node.Value.Ns, node.Value.Name, e =>
            {
                e["count"] = (e["count"].AsInt() ?? 1) + 1;
                e["lastTimestamp"] = stamp;
            });
            if (updated is not null)
            {
                Touch(node, now);
                return;
            }
            Forget(node);
        }

        var nanos = Math.Max((now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, _lastNanos + 1);
        _lastNanos = nanos;
        var name = $"{involved.Name()}.{nanos.ToString("x", CultureInfo.InvariantCulture)}";
        var involvedObject = new JsonObject
        {
            ["kind"] = kind,
            ["namespace"] = involved.Namespace(),
            ["name"] = involved.Name(),
            ["uid"] = involved.Uid(),
            ["apiVersion"] = involved.Str("apiVersion"),
            ["resourceVersion"] = involved.At("metadata", "resourceVersion").AsString(),
        };
        if (involvedObject["namespace"] is null) involvedObject.Remove("namespace");
        if (fieldPath is not null) involvedObject["fieldPath"] = fieldPath;
        var source = new JsonObject { ["component"] = component };
        if (host is not null) source["host"] = host;
        var ev = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["involvedObject"] = involvedObject,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = source,
            ["firstTimestamp"] = stamp,
            ["lastTimestamp"] = stamp,
            ["count"] = 1,
            ["type"] = type,
            ["eventTime"] = null,
            ["reportingComponent"] = component,
            ["reportingInstance"] = host ?? "",
        };
        try
        {
            store.Create(ResourceKinds.Events, ev);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            return;
        }
        var entry = new Entry(key, ns, name) { Last = now };
        _byKey[key] = _byAge.AddLast(entry);
        while (_byAge.Count > maxEvents) Evict(_byAge.First!);
    }

    void Touch(LinkedListNode<Entry> node, DateTimeOffset now)
    {
        node.Value.Last = now;
        _byAge.Remove(node);
        _byAge.AddLast(node);
    }

    void Expire(DateTimeOffset now)
    {
        while (_byAge.First is { } oldest && now - oldest.Value.Last > Ttl) Evict(oldest);
    }

    void Evict(LinkedListNode<Entry> node)
    {
        Forget(node);
        try
        {
            store.Delete(ResourceKinds.Events, node.Value.Ns, node.Value.Name);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }

    void Forget(LinkedListNode<Entry> node)
    {
        _byKey.Remove(node.Value.Key);
        _byAge.Remove(node);
    }
}
