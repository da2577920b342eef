using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Patching;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) as apimachinery's <c>strategicpatch</c>
/// applies it on the server (<c>MergeParallelList</c>, <c>IgnoreUnmatchedNulls</c>): lists with a merge key merge
/// element by element, other lists replace; <c>$patch: replace|delete|merge</c>, <c>$retainKeys</c>,
/// <c>$setElementOrder/&lt;list&gt;</c> and <c>$deleteFromPrimitiveList/&lt;list&gt;</c> directives; null deletes a key.
/// The patch strategy of a field comes from the Go struct tags of the built-in types, looked up by field name.
/// </summary>
public static class StrategicMergePatch
{
    const string Directive = "$patch";
    const string RetainKeys = "$retainKeys";
    const string SetElementOrder = "$setElementOrder/";
    const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    public static JsonObject Apply(JsonObject original, JsonObject patch) =>
        MergeMap((JsonObject)original.DeepClone(), (JsonObject)patch.DeepClone(), parent: "");

    /// <summary>The <c>patchStrategy</c>/<c>patchMergeKey</c> tags of the k8s.io/api types for a list field.</summary>
    public static (bool Merge, string? MergeKey) ListStrategy(string parent, string field) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets"
            or "resourceClaims" or "schedulingGates" => (true, "name"),
        "ports" => (true, "containerPort"),
        "volumeMounts" => (true, "mountPath"),
        "volumeDevices" => (true, "devicePath"),
        "hostAliases" or "podIPs" or "hostIPs" => (true, "ip"),
        "conditions" => (true, "type"),
        "ownerReferences" => (true, "uid"),
        "topologySpreadConstraints" => (true, "topologyKey"),
        // metadata.finalizers is a merged set; a Namespace's spec.finalizers is a plain list.
        "finalizers" when parent == "metadata" => (true, null),
        _ => (false, null),
    };

    static JsonObject MergeMap(JsonObject original, JsonObject patch, string parent)
    {
        if (patch.TryGetPropertyValue(Directive, out var directive))
        {
            var kind = (directive as JsonValue)?.ToString();
            patch.Remove(Directive);
            switch (kind)
            {
                case "replace":
                    return MergeMap(new JsonObject(), patch, parent);
                case "delete":
                    return new JsonObject();
                case "merge":
                    break;
                default:
                    throw new PatchException($"Unknown patch type: {kind} in map: {patch.ToJsonString()}", 400);
            }
        }

        ApplyRetainKeys(original, patch);
        MergeOrderedLists(original, patch, parent);

        foreach (var (rawKey, patchValue) in patch.ToList())
        {
            var key = rawKey;
            var isDeleteList = false;
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                key = key[DeleteFromPrimitiveList.Length..];
                isDeleteList = true;
            }
            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }
            if (!original.TryGetPropertyValue(key, out var originalValue) || originalValue is null)
            {
                if (!isDeleteList) original[key] = Fresh(key, patchValue, parent);
                continue;
            }
            switch (originalValue, patchValue)
            {
                case (JsonObject o, JsonObject p):
                    var mergedMap = MergeMap(o, p, key);
                    if (!ReferenceEquals(mergedMap, o)) original[key] = mergedMap;
                    break;
                case (JsonArray o, JsonArray p):
                    original[key] = MergeList(o, p, parent, key, isDeleteList);
                    break;
                default:
                    if (!isDeleteList) original[key] = Fresh(key, patchValue, parent);
                    break;
            }
        }
        return original;
    }

    /// <summary>A patch value for a key the original lacks: its directives still apply (to an empty value).</summary>
    static JsonNode Fresh(string key, JsonNode value, string parent) => value switch
    {
        JsonObject o => MergeMap(new JsonObject(), (JsonObject)o.DeepClone(), key),
        JsonArray a => MergeList(new JsonArray(), (JsonArray)a.DeepClone(), parent, key, isDeleteList: false),
        _ => value.DeepClone(),
    };

    static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeys, out var retain)) return;
        patch.Remove(RetainKeys);
        if (retain is not JsonArray keep) throw new PatchException("invalid patch format of retainKeys", 400);
        var keys = keep.Select(k => k?.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var (k, v) in patch)
        {
            if (v is null || k.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal) || k.StartsWith(SetElementOrder, StringComparison.Ordinal)) continue;
            if (!keys.Contains(k)) throw new PatchException("doesn't match the retainKeys list of the patch", 422);
        }
        foreach (var k in original.Select(p => p.Key).ToList())
            if (!keys.Contains(k)) original.Remove(k);
    }

    /// <summary>
    /// Handles <c>$setElementOrder/&lt;list&gt;</c> with its list: merges the list, then orders the result with
    /// the precedence $setElementOrder &gt; order in the patch &gt; order in the live object.
    /// </summary>
    static void MergeOrderedLists(JsonObject original, JsonObject patch, string parent)
    {
        foreach (var (directiveKey, orderNode) in patch.ToList())
        {
            if (!directiveKey.StartsWith(SetElementOrder, StringComparison.Ordinal)) continue;
            patch.Remove(directiveKey);
            if (orderNode is not JsonArray order) throw new PatchException($"invalid type for {directiveKey}: expected a list", 400);
            var key = directiveKey[SetElementOrder.Length..];
            var originalList = original[key] as JsonArray;
            var patchList = patch[key] as JsonArray;
            patch.Remove(key);
            if (originalList is null && patchList is null) continue;

            var (_, mergeKey) = ListStrategy(parent, key);
            var merged = patchList is null
                ? originalList!.Select(n => n?.DeepClone()).ToList()
                : MergeList(originalList ?? [], patchList, parent, key, isDeleteList: false).Select(n => n?.DeepClone()).ToList();
            var originalItems = originalList?.ToList() ?? [];
            var (inOrder, serverOnly) = Partition(merged, order.ToList(), mergeKey);
            original[key] = new JsonArray([.. NormalizeOrder(inOrder, serverOnly, order.ToList(), originalItems, mergeKey)]);
        }
    }

    static JsonArray MergeList(JsonArray original, JsonArray patch, string parent, string key, bool isDeleteList)
    {
        var (merge, mergeKey) = ListStrategy(parent, key);
        if (!merge && !isDeleteList) return (JsonArray)StripNulls(patch.DeepClone())!;

        var originalItems = original.Select(n => n?.DeepClone()).ToList();
        var patchItems = patch.Select(n => n?.DeepClone()).ToList();
        if (originalItems.Count == 0 && patchItems.Count == 0) return [];
        var ofMaps = originalItems.Concat(patchItems).FirstOrDefault(n => n is not null) is JsonObject;

        List<JsonNode?> merged;
        if (!ofMaps)
        {
            if (isDeleteList)
                return new JsonArray([.. originalItems.Where(o => !patchItems.Any(p => JsonEquality.Equal(o, p)))]);
            merged = [];
            foreach (var item in originalItems.Concat(patchItems))
                if (!merged.Any(m => JsonEquality.Equal(m, item))) merged.Add(item?.DeepClone());
        }
        else
        {
            if (mergeKey is null) throw new PatchException($"cannot merge lists without merge key for {key}");
            (originalItems, patchItems) = ApplyListDirectives(originalItems, patchItems, mergeKey);
            merged = MergeByKey(originalItems, patchItems, mergeKey, key);
        }
        var (inPatch, serverOnly) = Partition(merged, patchItems, ofMaps ? mergeKey : null);
        return new JsonArray([.. NormalizeOrder(inPatch, serverOnly, patchItems, originalItems, ofMaps ? mergeKey : null)]);
    }

    /// <summary>Elements <c>{"$patch":"delete", key: v}</c> remove matches; <c>{"$patch":"replace"}</c> makes the patch list the whole list.</summary>
    static (List<JsonNode?> Original, List<JsonNode?> Patch) ApplyListDirectives(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey)
    {
        var plain = new List<JsonNode?>();
        var replace = false;
        foreach (var item in patch)
        {
            if (item is not JsonObject o || !o.TryGetPropertyValue(Directive, out var d))
            {
                plain.Add(item);
                continue;
            }
            switch ((d as JsonValue)?.ToString())
            {
                case "delete":
                    if (!o.TryGetPropertyValue(mergeKey, out var value)) throw new PatchException($"map: {o.ToJsonString()} does not contain declared merge key: {mergeKey}", 400);
                    original = original.Where(x => !(x is JsonObject xo && JsonEquality.Equal(xo[mergeKey], value))).ToList();
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    throw new PatchException("merging lists cannot yet be specified in the patch", 400);
                default:
                    throw new PatchException($"Unknown patch type: {d} in map: {o.ToJsonString()}", 400);
            }
        }
        return replace ? (plain.Select(p => p is JsonObject po ? (JsonNode)MergeMap(new JsonObject(), po, "") : p).ToList(), []) : (original, plain);
    }

    static List<JsonNode?> MergeByKey(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, string key)
    {
        var result = original.ToList();
        foreach (var item in patch)
        {
            if (item is not JsonObject p || !p.TryGetPropertyValue(mergeKey, out var value))
                throw new PatchException($"map: {item?.ToJsonString()} does not contain declared merge key: {mergeKey}", 400);
            var index = result.FindIndex(o => o is JsonObject oo && JsonEquality.Equal(oo[mergeKey], value));
            if (index >= 0) result[index] = MergeMap((JsonObject)result[index]!, p, key);
            else result.Add(MergeMap(new JsonObject(), p, key));
        }
        return result;
    }

    static (List<JsonNode?> Present, List<JsonNode?> Absent) Partition(List<JsonNode?> items, List<JsonNode?> list, string? mergeKey)
    {
        var present = new List<JsonNode?>();
        var absent = new List<JsonNode?>();
        foreach (var item in items)
            (IndexOf(list, item, mergeKey) >= 0 ? present : absent).Add(item);
        return (present, absent);
    }

    static int IndexOf(List<JsonNode?> list, JsonNode? item, string? mergeKey)
    {
        if (mergeKey is null) return list.FindIndex(x => JsonEquality.Equal(x, item));
        var value = (item as JsonObject)?[mergeKey];
        return list.FindIndex(x => x is JsonObject xo && xo.ContainsKey(mergeKey) && JsonEquality.Equal(xo[mergeKey], value));
    }

    /// <summary>
    /// <c>normalizeElementOrder</c> + <c>mergeSortedSlice</c>: sort the patch items by the patch order and the
    /// server-only items by the live order, then insert each server-only item before the first patch item that
    /// comes after it in the live list. Relative orders within each group are kept.
    /// </summary>
    static List<JsonNode?> NormalizeOrder(List<JsonNode?> patchItems, List<JsonNode?> serverOnly, List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string? mergeKey)
    {
        var right = SortBy(patchItems, patchOrder, mergeKey);
        var left = SortBy(serverOnly, serverOrder, mergeKey);
        var result = new List<JsonNode?>(left.Count + right.Count);
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (i >= left.Count) { result.Add(right[j++]); continue; }
            if (j >= right.Count) { result.Add(left[i++]); continue; }
            var li = IndexOf(serverOrder, left[i], mergeKey);
            var ri = IndexOf(serverOrder, right[j], mergeKey);
            if (li >= 0 && ri >= 0 && li < ri) result.Add(left[i++]);
            else result.Add(right[j++]);
        }
        return result;
    }

    static List<JsonNode?> SortBy(List<JsonNode?> items, List<JsonNode?> order, string? mergeKey) =>
        items.Select((item, n) => (item, n, at: IndexOf(order, item, mergeKey)))
            .OrderBy(t => t.at < 0 ? int.MaxValue : t.at).ThenBy(t => t.n)
            .Select(t => t.item).ToList();

    static JsonNode? StripNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList())
                {
                    if (v is null) o.Remove(k);
                    else StripNulls(v);
                }
                break;
            case JsonArray a:
                foreach (var v in a) StripNulls(v);
                break;
        }
        return node;
    }
}
