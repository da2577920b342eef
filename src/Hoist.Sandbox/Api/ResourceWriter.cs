using System.Text.Json.Nodes;
using Hoist.Sandbox.Admission;
using Hoist.Sandbox.Patching;
using Hoist.Sandbox.Store;

namespace Hoist.Sandbox.Api;

/// <summary>The patch formats the apiserver accepts (the <c>Content-Type</c> of a PATCH).</summary>
public enum PatchType { Json, Merge, StrategicMerge }

/// <summary>
/// Writes through the apiserver's admission path: namespace must exist, system fields reset, defaulting,
/// validation, then the store. Both the HTTP handlers and <see cref="SandboxCluster.ApplyAsync"/> go through it,
/// so an object created either way is identical.
/// </summary>
public sealed class ResourceWriter(ObjectStore store)
{
    public ObjectStore Store { get; } = store;

    public JsonObject Create(ResourceKind kind, string? ns, JsonObject input, bool dryRun = false)
    {
        var obj = (JsonObject)input.DeepClone();
        var meta = obj.Meta();
        CheckNamespace(kind, ns, obj);
        RequireNamespace(kind, ns);
        foreach (var system in new[] { "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "managedFields", "selfLink" })
            meta.Remove(system);
        meta["uid"] = Guid.NewGuid().ToString();
        if (string.IsNullOrEmpty(meta.Str("name")) && meta.Str("generateName") is { Length: > 0 } prefix)
            meta["name"] = prefix + Names.RandomSuffix();
        if (kind.Namespaced) meta["namespace"] = ns;
        else meta.Remove("namespace");
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;

        // Strategies' PrepareForCreate: a client cannot create an object with a status (pods start Pending).
        if (kind != ResourceKinds.Nodes && kind != ResourceKinds.Events && kind != ResourceKinds.ControllerRevisions) obj.Remove("status");
        Defaulting.Apply(kind, obj);
        if (kind == ResourceKinds.Pods) Defaulting.PodStatusOnCreate(obj);
        if (kind == ResourceKinds.Jobs) GenerateJobSelector(obj);
        Validation.ValidateCreate(kind, obj);

        if (dryRun)
        {
            meta["creationTimestamp"] = ObjectStore.Timestamp(Store.Time.GetUtcNow());
            meta["generation"] = 1;
            return obj;
        }
        return Store.Create(kind, Normalize(obj));
    }

    /// <summary>PUT: replaces the object; a resourceVersion in <paramref name="input"/> must be current (409 otherwise).</summary>
    public JsonObject Update(ResourceKind kind, string? ns, string name, JsonObject input, bool dryRun = false)
    {
        var current = Store.GetRequired(kind, ns, name);
        var obj = PrepareUpdate(kind, ns, name, input, current);
        Defaulting.Apply(kind, obj);
        Validation.ValidateUpdate(kind, obj, current);
        if (dryRun) return DryRunResult(kind, obj, current);
        return Store.Update(kind, Normalize(obj));
    }

    /// <summary>PUT on <c>/status</c>: only the status is taken from <paramref name="input"/>.</summary>
    public JsonObject UpdateStatus(ResourceKind kind, string? ns, string name, JsonObject input, bool dryRun = false)
    {
        var current = Store.GetRequired(kind, ns, name);
        var obj = PrepareUpdate(kind, ns, name, input, current);
        Defaulting.RemoveNulls(obj);
        if (dryRun)
        {
            var result = (JsonObject)current.DeepClone();
            result["status"] = obj["status"]?.DeepClone();
            return result;
        }
        return Store.UpdateStatus(kind, Normalize(obj));
    }

    /// <summary>
    /// PATCH: applies the patch to the latest object and writes it back. A patch that sets
    /// metadata.resourceVersion makes the write conditional on it (409 when stale); otherwise a concurrent write
    /// is retried, as the apiserver's patcher does.
    /// </summary>
    public JsonObject Patch(ResourceKind kind, string? ns, string name, PatchType type, JsonNode patch, string? subresource = null, bool dryRun = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = Store.GetRequired(kind, ns, name);
            var currentRv = current.Meta().Str("resourceVersion");
            var patched = ApplyPatch(current, type, patch);
            var patchedRv = patched.Meta().Str("resourceVersion");
            var conditional = !string.IsNullOrEmpty(patchedRv) && patchedRv != currentRv;
            if (conditional) throw ApiException.Conflict(kind, name);
            patched.Meta()["resourceVersion"] = currentRv;
            try
            {
                return subresource == "status"
                    ? UpdateStatus(kind, ns, name, patched, dryRun)
                    : Update(kind, ns, name, patched, dryRun);
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && attempt < 5)
            {
                // Someone wrote in between our read and write: patch the newer object.
            }
        }
    }

    public static JsonObject ApplyPatch(JsonObject current, PatchType type, JsonNode patch)
    {
        try
        {
            var result = type switch
            {
                PatchType.Json => patch is JsonArray ops
                    ? JsonPatch.Apply(current, ops)
                    : throw new PatchException("json: cannot unmarshal object into Go value of type jsonpatch.Patch", 400),
                PatchType.Merge => patch is JsonObject ? JsonMergePatch.Apply(current, patch) : throw new PatchException("merge patch must be a JSON object", 400),
                _ => patch is JsonObject smp
                    ? StrategicMergePatch.Apply(current, smp)
                    : throw new PatchException("json: cannot unmarshal array into Go value of type map[string]interface {}", 400),
            };
            return result as JsonObject ?? throw new PatchException("the patched document is not an object");
        }
        catch (PatchException e) when (e.Code == 400)
        {
            throw ApiException.BadRequest(e.Message);
        }
        catch (PatchException e)
        {
            throw ApiException.Unprocessable(e.Message);
        }
    }

    /// <summary>
    /// DELETE: returns the pod marked for graceful deletion or, for anything removed, its last state (see
    /// <see cref="ObjectStore.Delete"/>). Deleting a namespace deletes everything in it first.
    /// </summary>
    public JsonObject Delete(ResourceKind kind, string? ns, string name, DeleteOptions? options = null, bool dryRun = false)
    {
        options ??= DeleteOptions.Default;
        var current = Store.GetRequired(kind, ns, name);
        GracefulDeletion.CheckPreconditions(kind, name, current, options);
        if (kind == ResourceKinds.Namespaces && name is "default" or "kube-system" or "kube-public")
            throw new ApiException(403, "Forbidden", $"namespaces \"{name}\" is forbidden: this namespace may not be deleted",
                new JsonObject { ["name"] = name, ["kind"] = "namespaces" });
        if (dryRun)
        {
            // A dry run answers what the delete would have written: a pod with its deletion fields.
            GracefulDeletion.Apply(kind, current, options.GracePeriodSeconds, Store.Time.GetUtcNow());
            return current;
        }
        if (kind == ResourceKinds.Namespaces)
        {
            // The sandbox removes a namespace at once (it does not model the namespace controller waiting for
            // its content to go), so nothing in it may outlive it: pods go without a grace period.
            foreach (var k in ResourceKinds.All.Where(k => k.Namespaced))
                foreach (var item in Store.List(k, name).Items)
                {
                    try { Store.Delete(k, name, item.Name(), DeleteOptions.Now); }
                    catch (ApiException e) when (e.Code == 404) { }
                }
        }
        return Store.Delete(kind, ns, name, options);
    }

    JsonObject PrepareUpdate(ResourceKind kind, string? ns, string name, JsonObject input, JsonObject current)
    {
        var obj = (JsonObject)input.DeepClone();
        var meta = obj.Meta();
        var bodyName = meta.Str("name");
        if (string.IsNullOrEmpty(bodyName)) meta["name"] = name;
        else if (bodyName != name)
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        CheckNamespace(kind, ns, obj);
        if (kind.Namespaced) meta["namespace"] = ns;
        var rv = meta.Str("resourceVersion");
        if (!string.IsNullOrEmpty(rv) && rv != current.Meta().Str("resourceVersion")) throw ApiException.Conflict(kind, name);
        foreach (var system in new[] { "managedFields", "selfLink" }) meta.Remove(system);
        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
        return obj;
    }

    /// <summary>
    /// Re-reads the object from its JSON text, so every stored number is a parsed JSON value: readers can take
    /// it as int, long or double, whichever way defaulting or a patch produced it.
    /// </summary>
    static JsonObject Normalize(JsonObject obj) => JsonNode.Parse(HttpJson.Serialize(obj, newline: false))!.AsObject();

    static JsonObject DryRunResult(ResourceKind kind, JsonObject obj, JsonObject current)
    {
        var result = (JsonObject)obj.DeepClone();
        var meta = result.Meta();
        var old = current.Meta();
        meta["uid"] = old["uid"]?.DeepClone();
        meta["creationTimestamp"] = old["creationTimestamp"]?.DeepClone();
        meta["resourceVersion"] = old["resourceVersion"]?.DeepClone();
        result["status"] = current["status"]?.DeepClone();
        if (result["status"] is null) result.Remove("status");
        var changed = !JsonNode.DeepEquals(current["spec"], result["spec"])
            || (kind == ResourceKinds.Deployments && !JsonNode.DeepEquals(old["annotations"], meta["annotations"]));
        var generation = old.Long("generation") ?? 1;
        meta["generation"] = changed ? generation + 1 : generation;
        return result;
    }

    static void CheckNamespace(ResourceKind kind, string? ns, JsonObject obj)
    {
        if (!kind.Namespaced) return;
        var bodyNs = obj.Namespace();
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
    }

    void RequireNamespace(ResourceKind kind, string? ns)
    {
        if (!kind.Namespaced) return;
        if (string.IsNullOrEmpty(ns) || Store.Get(ResourceKinds.Namespaces, null, ns) is null)
            throw ApiException.NotFound(ResourceKinds.Namespaces, ns ?? "");
    }

    /// <summary>The Job strategy's generated selector (unless <c>manualSelector</c>), keyed on the Job's uid.</summary>
    static void GenerateJobSelector(JsonObject job)
    {
        var spec = job.Obj("spec");
        if (spec["manualSelector"] is JsonValue manual && manual.GetValue<bool>()) return;
        var uid = job.Meta().Str("uid")!;
        var name = job.Name();
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
        var labels = spec.Obj("template").Obj("metadata").Obj("labels");
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
    }
}
