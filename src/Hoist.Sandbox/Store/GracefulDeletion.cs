using System.Globalization;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Store;

/// <summary>
/// The options of a DELETE that the sandbox honours (<c>metav1.DeleteOptions</c>): <c>gracePeriodSeconds</c> (null:
/// the object's own, for a pod its <c>spec.terminationGracePeriodSeconds</c>) and the uid/resourceVersion preconditions.
/// </summary>
public sealed record DeleteOptions(long? GracePeriodSeconds = null, string? Uid = null, string? ResourceVersion = null)
{
    public static readonly DeleteOptions Default = new();

    /// <summary><c>--grace-period=0 --force</c>, the kubelet's final delete, and anything that must not outlive its caller.</summary>
    public static readonly DeleteOptions Now = new(GracePeriodSeconds: 0);
}

/// <summary>What a delete does to the stored object.</summary>
public enum DeleteAction
{
    /// <summary>The object is removed.</summary>
    Remove,

    /// <summary>The object is written back with <c>deletionTimestamp</c> and <c>deletionGracePeriodSeconds</c> (new, or shortened).</summary>
    Mark,

    /// <summary>Already being deleted with a grace period no longer than the one asked for: nothing changes.</summary>
    Pending,
}

/// <summary>
/// Graceful deletion as the apiserver's registry decides it: <c>rest.BeforeDelete</c>
/// (k8s.io/apiserver/pkg/registry/rest/delete.go) with the pod strategy's <c>CheckGracefulDelete</c>
/// (pkg/registry/core/pod/strategy.go). Only pods delete gracefully; every other kind is removed at once.
/// </summary>
public static class GracefulDeletion
{
    /// <summary>The v1 default of <c>spec.terminationGracePeriodSeconds</c>, for a pod stored without defaulting.</summary>
    public const long DefaultGracePeriodSeconds = 30;

    /// <summary>
    /// Decides what a delete does to <paramref name="obj"/> and, for a pod, stamps the deletion fields on it.
    /// A pod is removed at once when the grace period is 0, when it was never scheduled (no kubelet would stop
    /// it) or when it has already finished; otherwise it gets <c>deletionTimestamp = now + grace</c>,
    /// <c>deletionGracePeriodSeconds = grace</c> and a generation bump. A second delete may only shorten the
    /// grace period (the timestamp moves by the difference); an equal or longer one changes nothing.
    /// </summary>
    /// <remarks>
    /// The apiserver writes a pod it deletes with grace 0 once more (deletionTimestamp now, grace 0) before it
    /// removes it, in the same request, so that a failed second step can be retried. No client can act between
    /// the two writes, so the sandbox removes at once; the removed state still carries those fields, as the
    /// DELETED event of a real apiserver does.
    /// </remarks>
    public static DeleteAction Apply(ResourceKind kind, JsonObject obj, long? gracePeriodSeconds, DateTimeOffset now)
    {
        if (kind != ResourceKinds.Pods) return DeleteAction.Remove;
        // BeforeDelete: a negative grace period is taken as 1s, in the request and in the stored object.
        if (gracePeriodSeconds < 0) gracePeriodSeconds = 1;
        var meta = obj.Meta();
        var stored = meta.Long("deletionGracePeriodSeconds");
        if (stored < 0) stored = 1;

        if (meta["deletionTimestamp"] is JsonValue deletingSince)
        {
            // Marked with grace 0 (or without one): only the removal is left to do.
            if (stored is null or 0) return DeleteAction.Remove;
            if (gracePeriodSeconds is not { } shorter || shorter >= stored) return DeleteAction.Pending;
            var timestamp = ParseTime(deletingSince.ToString()).AddSeconds(shorter - stored.Value);
            Stamp(meta, timestamp, shorter);
            return shorter == 0 ? DeleteAction.Remove : DeleteAction.Mark;
        }

        var grace = gracePeriodSeconds ?? (obj["spec"] as JsonObject)?.Long("terminationGracePeriodSeconds") ?? DefaultGracePeriodSeconds;
        if ((obj["spec"] as JsonObject)?.Str("nodeName") is not { Length: > 0 }) grace = 0;
        if ((obj["status"] as JsonObject)?.Str("phase") is "Failed" or "Succeeded") grace = 0;
        if (grace < 0) grace = 1;
        Stamp(meta, now.AddSeconds(grace), grace);
        if (grace == 0) return DeleteAction.Remove;
        // The first graceful delete bumps the generation: controllers of the object should stop acting on it.
        if (meta.Long("generation") is > 0 and var generation) meta["generation"] = generation + 1;
        return DeleteAction.Mark;
    }

    /// <summary>The uid and resourceVersion preconditions, with the apiserver's 409 messages.</summary>
    public static void CheckPreconditions(ResourceKind kind, string name, JsonObject current, DeleteOptions options)
    {
        var meta = current.Meta();
        if (options.Uid is { } uid && uid != meta.Str("uid"))
            throw PreconditionFailed(kind, name, $"UID in precondition: {uid}, UID in object meta: {meta.Str("uid")}");
        if (options.ResourceVersion is { } rv && rv != meta.Str("resourceVersion"))
            throw PreconditionFailed(kind, name, $"ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {meta.Str("resourceVersion")}");
    }

    static ApiException PreconditionFailed(ResourceKind kind, string name, string detail) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {kind.GroupResource} \"{name}\": Precondition failed: {detail}",
            new JsonObject { ["name"] = name, ["group"] = kind.Group, ["kind"] = kind.Plural });

    static void Stamp(JsonObject meta, DateTimeOffset timestamp, long grace)
    {
        meta["deletionTimestamp"] = ObjectStore.Timestamp(timestamp);
        meta["deletionGracePeriodSeconds"] = grace;
    }

    static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
