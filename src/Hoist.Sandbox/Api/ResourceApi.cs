using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hoist.Sandbox.Patching;
using Hoist.Sandbox.Printing;
using Hoist.Sandbox.Selectors;
using Hoist.Sandbox.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hoist.Sandbox.Api;

/// <summary>
/// The REST handlers of every stored resource (get, list, watch, create, update, patch, delete,
/// deletecollection) and of the status, scale and log subresources, with fault injection and request counting.
/// </summary>
internal sealed class ResourceApi(SandboxCluster cluster)
{
    static readonly string[] PatchTypes =
        ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml", "application/strategic-merge-patch+json"];

    static readonly ResourceKind ScaleKind = new("autoscaling", "v1", "scale", "scale", "Scale", true, [], []);

    ObjectStore Store => cluster.Store;
    ResourceWriter Writer => cluster.Writer;

    public async Task Handle(HttpContext http)
    {
        var group = http.GetRouteValue("group") as string ?? "";
        var version = http.GetRouteValue("version") as string ?? "v1";
        var path = http.GetRouteValue("path") as string ?? "";
        var request = ApiRequest.Parse(group, version, path, http.Request.Method, http.Request.Query) ?? throw ApiException.UnknownPath();

        cluster.Stats.Record(request.Verb, request.Resource);
        await InjectFaults(http, request);

        var query = http.Request.Query;
        var dryRun = query["dryRun"].Any(v => v == "All");
        if (query["dryRun"].Any(v => v is not ("All" or "")))
            throw ApiException.BadRequest($"Invalid dry run value: {string.Join(",", query["dryRun"].ToArray())}");
        var k = request.Kind;
        var ns = request.Namespace;
        var name = request.Name;

        switch (request.Verb, request.Subresource)
        {
            case ("get", "scale"):
                await HttpJson.Write(http, 200, ToScale(k, Store.GetRequired(k, ns, name!)));
                return;
            case ("get", "log"):
                await Log(http, ns!, name!);
                return;
            case ("get", _):
                var obj = Store.GetRequired(k, ns, name!);
                await WriteObjects(http, k, [obj], obj.Meta().Str("resourceVersion"), list: false);
                return;
            case ("list", _):
                await List(http, request);
                return;
            case ("watch", _):
                await Watch(http, request);
                return;
            case ("create", _):
                var created = Writer.Create(k, ns, await HttpJson.ReadObject(http), dryRun);
                await HttpJson.Write(http, 201, created);
                return;
            case ("update", "scale"):
                await HttpJson.Write(http, 200, UpdateScale(k, ns, name!, await HttpJson.ReadObject(http), dryRun, unconditional: false));
                return;
            case ("update", "status"):
                await HttpJson.Write(http, 200, Writer.UpdateStatus(k, ns, name!, await HttpJson.ReadObject(http), dryRun));
                return;
            case ("update", _):
                await HttpJson.Write(http, 200, Writer.Update(k, ns, name!, await HttpJson.ReadObject(http), dryRun));
                return;
            case ("patch", var sub):
                var type = PatchTypeOf(http.Request.ContentType);
                var patch = await HttpJson.ReadBody(http);
                if (sub == "scale")
                {
                    var current = ToScale(k, Store.GetRequired(k, ns, name!));
                    var patchedScale = ResourceWriter.ApplyPatch(current, type, patch);
                    await HttpJson.Write(http, 200, UpdateScale(k, ns, name!, patchedScale, dryRun, unconditional: true));
                }
                else
                {
                    await HttpJson.Write(http, 200, Writer.Patch(k, ns, name!, type, patch, sub, dryRun));
                }
                return;
            case ("delete", _):
                await Delete(http, request, dryRun);
                return;
            case ("deletecollection", _):
                await DeleteCollection(http, request, dryRun);
                return;
            default:
                throw ApiException.MethodNotAllowed();
        }
    }

    async Task InjectFaults(HttpContext http, ApiRequest request)
    {
        var faults = cluster.Faults;
        if (faults.LatencyMs > 0) await Task.Delay(faults.LatencyMs, http.RequestAborted);
        if (faults.IsDenied(request.Verb, request.Resource))
            throw ApiException.Forbidden(request.Kind, request.Name, cluster.UserName, request.Verb, request.Subresource, request.Kind.Namespaced ? request.Namespace : null);
        if (faults.ErrorRate > 0 && Random.Shared.NextDouble() < faults.ErrorRate)
            throw ApiException.InternalError("sandbox fault injection: random server error");
        if (request.IsWrite && faults.ConflictRate > 0 && Random.Shared.NextDouble() < faults.ConflictRate)
            throw ApiException.Conflict(request.Kind, request.Name ?? "");
    }

    static PatchType PatchTypeOf(string? contentType)
    {
        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/json-patch+json" => PatchType.Json,
            "application/merge-patch+json" => PatchType.Merge,
            "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
            _ => throw ApiException.UnsupportedMediaType(media, PatchTypes),
        };
    }

    async Task List(HttpContext http, ApiRequest request)
    {
        var query = http.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"], request.Kind);
        var (items, rv) = Store.List(request.Kind, request.Namespace, o => labels.Matches(o) && fields.Matches(o));

        string? next = null;
        long? remaining = null;
        var start = query["continue"].ToString();
        if (start.Length > 0)
        {
            var after = DecodeContinue(start);
            items = items.Where(o => string.CompareOrdinal(Key(o), after) > 0).ToList();
        }
        if (int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 && items.Count > limit)
        {
            remaining = items.Count - limit;
            items = items.Take(limit).ToList();
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(Key(items[^1])));
        }
        await WriteObjects(http, request.Kind, items, rv.ToString(CultureInfo.InvariantCulture), list: true, next, remaining);
    }

    static string Key(JsonObject o) => $"{o.Namespace()}/{o.Name()}";

    static string DecodeContinue(string token)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(token)); }
        catch (FormatException) { throw ApiException.BadRequest("continue key is not valid: illegal base64 data at input byte 0"); }
    }

    /// <summary>Writes a single object or a list, as JSON, a Table or PartialObjectMetadata, as the Accept header asks.</summary>
    async Task WriteObjects(HttpContext http, ResourceKind kind, List<JsonObject> items, string? rv, bool list, string? next = null, long? remaining = null)
    {
        var (format, apiVersion) = Negotiate(http.Request.Headers.Accept.ToString());
        var listMeta = new JsonObject { ["resourceVersion"] = rv };
        if (next is not null)
        {
            listMeta["continue"] = next;
            listMeta["remainingItemCount"] = remaining;
        }
        JsonNode body = format switch
        {
            Format.Table => TableConverter.ToTable(kind, items, listMeta, Store.Time.GetUtcNow(), IncludeOf(http), apiVersion),
            Format.Partial when list => new JsonObject
            {
                ["kind"] = "PartialObjectMetadataList",
                ["apiVersion"] = apiVersion,
                ["metadata"] = listMeta,
                ["items"] = new JsonArray([.. items.Select(i => TableConverter.PartialObjectMetadata(i, apiVersion))]),
            },
            Format.Partial => TableConverter.PartialObjectMetadata(items[0], apiVersion),
            _ when list => new JsonObject
            {
                ["kind"] = kind.Kind + "List",
                ["apiVersion"] = kind.ApiVersion,
                ["metadata"] = listMeta,
                ["items"] = new JsonArray([.. items]),
            },
            _ => items[0],
        };
        await HttpJson.Write(http, 200, body);
    }

    static IncludeObject IncludeOf(HttpContext http) => http.Request.Query["includeObject"].ToString() switch
    {
        "None" => IncludeObject.None,
        "Object" => IncludeObject.Object,
        _ => IncludeObject.Metadata,
    };

    enum Format { Json, Table, Partial }

    /// <summary>
    /// Picks the first acceptable media range: a meta.k8s.io Table or PartialObjectMetadata when asked for,
    /// else plain JSON. Protobuf ranges are skipped (the sandbox speaks JSON, which every client falls back to).
    /// </summary>
    static (Format, string ApiVersion) Negotiate(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return (Format.Json, "");
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            var media = parts[0].ToLowerInvariant();
            var p = parts.Skip(1).Select(x => x.Split('=', 2)).Where(x => x.Length == 2).ToDictionary(x => x[0].Trim(), x => x[1].Trim(), StringComparer.Ordinal);
            if (media is not ("application/json" or "*/*" or "application/*")) continue;
            if (!p.TryGetValue("as", out var @as)) return (Format.Json, "");
            var v = p.GetValueOrDefault("v");
            if (p.GetValueOrDefault("g") != "meta.k8s.io" || v is not ("v1" or "v1beta1")) continue;
            if (@as == "Table") return (Format.Table, "meta.k8s.io/" + v);
            if (@as is "PartialObjectMetadata" or "PartialObjectMetadataList") return (Format.Partial, "meta.k8s.io/" + v);
        }
        throw new ApiException(406, "NotAcceptable",
            "only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io");
    }

    /// <summary>
    /// A watch: 200 and a chunked stream of newline-delimited events, flushed as they happen. Resumes from
    /// resourceVersion (0 or empty: synthetic ADDED for what exists); a version older than the retained history
    /// gets one ERROR event carrying the 410 Expired Status. Filtered watches turn "stops matching" into DELETED
    /// and "starts matching" into ADDED.
    /// </summary>
    async Task Watch(HttpContext http, ApiRequest request)
    {
        var query = http.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fieldText = query["fieldSelector"].ToString();
        if (request.Name is not null) fieldText = $"metadata.name={request.Name}" + (fieldText.Length > 0 ? "," + fieldText : "");
        var fields = FieldSelector.Parse(fieldText, request.Kind);
        bool Matches(JsonObject? o) => o is not null && labels.Matches(o) && fields.Matches(o);
        var (format, tableVersion) = Negotiate(http.Request.Headers.Accept.ToString());
        var include = IncludeOf(http);

        var rvText = query["resourceVersion"].ToString();
        long from = 0;
        if (rvText.Length > 0 && !long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out from))
            throw ApiException.BadRequest($"invalid resource version: {rvText}");

        var timeout = TimeSpan.FromMinutes(30);
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            timeout = TimeSpan.FromSeconds(seconds);
        if (cluster.Faults.WatchCloseAfterSeconds is { } close && TimeSpan.FromSeconds(close) < timeout)
            timeout = TimeSpan.FromSeconds(close);

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        WatchSubscription subscription;
        try
        {
            subscription = Store.Watch(request.Kind, request.Namespace, from, Matches);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            // The apiserver's cacher answers an expired version with a 200 stream holding one ERROR event.
            await http.Response.Body.WriteAsync(HttpJson.Serialize(new JsonObject { ["type"] = "ERROR", ["object"] = e.ToStatus() }), http.RequestAborted);
            return;
        }

        using var _ = subscription;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, cluster.Stopping);
        cts.CancelAfter(timeout);
        await http.Response.StartAsync(cts.Token);
        await http.Response.Body.FlushAsync(cts.Token);

        // Like the apiserver's cacher: with allowWatchBookmarks, a BOOKMARK every minute and one shortly before
        // the timeout, so that a client can resume an idle watch without relisting. Not for Table output.
        var bookmarks = query["allowWatchBookmarks"].ToString() is "true" or "1" && format == Format.Json;
        var deadline = DateTime.UtcNow + timeout;
        var nextBookmark = Min(DateTime.UtcNow + BookmarkInterval, deadline - TimeSpan.FromSeconds(2));

        var firstTable = true;
        var reader = subscription.Events;
        try
        {
            while (true)
            {
                var bookmarkRv = -1L;
                if (bookmarks)
                {
                    var wait = nextBookmark - DateTime.UtcNow;
                    if (wait > TimeSpan.Zero)
                    {
                        using var tick = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                        tick.CancelAfter(wait);
                        try
                        {
                            if (!await reader.WaitToReadAsync(tick.Token)) break;
                        }
                        catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                        {
                        }
                    }
                    if (DateTime.UtcNow >= nextBookmark)
                    {
                        // Read the version before draining: every event up to it is already queued.
                        bookmarkRv = Store.ResourceVersion;
                        nextBookmark = DateTime.UtcNow + BookmarkInterval;
                    }
                }
                else if (!await reader.WaitToReadAsync(cts.Token))
                {
                    break;
                }

                using var batch = new MemoryStream();
                while (reader.TryRead(out var e))
                {
                    var (type, obj) = Translate(e, Matches);
                    if (type is null) continue;
                    JsonNode payload = format switch
                    {
                        Format.Table => TableConverter.ToTable(request.Kind, [obj!], new JsonObject { ["resourceVersion"] = obj!.Meta().Str("resourceVersion") },
                            Store.Time.GetUtcNow(), include, tableVersion, includeColumns: firstTable),
                        Format.Partial => TableConverter.PartialObjectMetadata(obj!, tableVersion),
                        _ => obj!,
                    };
                    firstTable = false;
                    batch.Write(HttpJson.SerializeEvent(type, payload));
                }
                if (bookmarkRv >= 0)
                {
                    batch.Write(HttpJson.Serialize(new JsonObject
                    {
                        ["type"] = "BOOKMARK",
                        ["object"] = new JsonObject
                        {
                            ["kind"] = request.Kind.Kind,
                            ["apiVersion"] = request.Kind.ApiVersion,
                            ["metadata"] = new JsonObject { ["resourceVersion"] = bookmarkRv.ToString(CultureInfo.InvariantCulture), ["creationTimestamp"] = null },
                        },
                    }));
                }
                if (batch.Length == 0) continue;
                await http.Response.Body.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), cts.Token);
                await http.Response.Body.FlushAsync(cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, fault-injected close, client gone or sandbox stopping: end the stream cleanly.
        }
    }

    static readonly TimeSpan BookmarkInterval = TimeSpan.FromMinutes(1);

    static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    static (string? Type, JsonObject? Object) Translate(StoreEvent e, Func<JsonObject?, bool> matches)
    {
        switch (e.Type)
        {
            case StoreEventType.Added:
                return matches(e.Object) ? ("ADDED", e.Object) : (null, null);
            case StoreEventType.Deleted:
                return matches(e.Object) ? ("DELETED", e.Object) : (null, null);
            default:
                var now = matches(e.Object);
                var before = e.Previous is null ? now : matches(e.Previous);
                if (now && before) return ("MODIFIED", e.Object);
                if (now) return ("ADDED", e.Object);
                if (before)
                {
                    // The previous state, stamped with the version of the write that made it stop matching
                    // (the event's parsed copy is this reader's own, so it can be stamped in place).
                    var last = e.Previous!;
                    last.Meta()["resourceVersion"] = e.ResourceVersion.ToString(CultureInfo.InvariantCulture);
                    return ("DELETED", last);
                }
                return (null, null);
        }
    }

    /// <summary>
    /// The DeleteOptions of a DELETE, as the apiserver's handler reads them: from the body when there is one,
    /// else from the query (<c>?gracePeriodSeconds=0</c>).
    /// </summary>
    static async Task<(DeleteOptions Options, bool DryRun)> ReadDeleteOptions(HttpContext http, bool dryRun)
    {
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await HttpJson.ReadBody(http) as JsonObject;
            if (body?["dryRun"] is JsonArray dr && dr.Any(v => v?.ToString() == "All")) dryRun = true;
            long? grace = body?["gracePeriodSeconds"] switch
            {
                null => null,
                JsonValue v when v.TryGetValue<long>(out var n) => n,
                var other => throw ApiException.BadRequest($"json: cannot unmarshal {other.GetValueKind().ToString().ToLowerInvariant()} into Go struct field DeleteOptions.gracePeriodSeconds of type int64"),
            };
            return (new DeleteOptions(grace, body?["preconditions"]?["uid"]?.ToString(), body?["preconditions"]?["resourceVersion"]?.ToString()), dryRun);
        }
        var text = http.Request.Query["gracePeriodSeconds"].ToString();
        if (text.Length == 0) return (DeleteOptions.Default, dryRun);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            throw ApiException.BadRequest($"strconv.ParseInt: parsing \"{text}\": invalid syntax");
        return (new DeleteOptions(seconds), dryRun);
    }

    async Task Delete(HttpContext http, ApiRequest request, bool dryRun)
    {
        (var options, dryRun) = await ReadDeleteOptions(http, dryRun);
        var k = request.Kind;
        var deleted = Writer.Delete(k, request.Namespace, request.Name!, options, dryRun);
        // Pods and namespaces answer with the object (graceful deletion); other kinds with a Success Status.
        if (k == ResourceKinds.Pods)
        {
            await HttpJson.Write(http, 200, deleted);
        }
        else if (k == ResourceKinds.Namespaces)
        {
            deleted.Obj("status")["phase"] = "Terminating";
            await HttpJson.Write(http, 200, deleted);
        }
        else
        {
            await HttpJson.Write(http, 200, new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = new JsonObject
                {
                    ["name"] = request.Name,
                    ["group"] = k.Group,
                    ["kind"] = k.Plural,
                    ["uid"] = deleted.Meta().Str("uid"),
                },
            });
        }
    }

    async Task DeleteCollection(HttpContext http, ApiRequest request, bool dryRun)
    {
        (var options, dryRun) = await ReadDeleteOptions(http, dryRun);
        var query = http.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"], request.Kind);
        var (items, rv) = Store.List(request.Kind, request.Namespace, o => labels.Matches(o) && fields.Matches(o));
        var deleted = new JsonArray();
        foreach (var item in items)
        {
            try { deleted.Add(Writer.Delete(request.Kind, item.Namespace(), item.Name(), options, dryRun)); }
            catch (ApiException e) when (e.Code == 404) { }
        }
        await HttpJson.Write(http, 200, new JsonObject
        {
            ["kind"] = request.Kind.Kind + "List",
            ["apiVersion"] = request.Kind.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        });
    }

    async Task Log(HttpContext http, string ns, string pod)
    {
        var query = http.Request.Query;
        Store.GetRequired(ResourceKinds.Pods, ns, pod);
        int? tail = null;
        if (query["tailLines"].ToString() is { Length: > 0 } t)
        {
            if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                throw ApiException.BadRequest($"tailLines: Invalid value: \"{t}\"");
            tail = n;
        }
        var container = query["container"].ToString();
        var previous = query["previous"].ToString() is "true" or "1";
        var text = cluster.Controllers.ReadLog(ns, pod, container.Length == 0 ? null : container, previous, tail);
        await HttpJson.WriteText(http, 200, text);
    }

    /// <summary>The autoscaling/v1 Scale view of a workload.</summary>
    static JsonObject ToScale(ResourceKind kind, JsonObject obj)
    {
        var meta = obj.Meta();
        var replicas = obj["spec"] is JsonObject spec ? spec.Long("replicas") ?? 0 : 0;
        var scaleSpec = new JsonObject();
        if (replicas != 0) scaleSpec["replicas"] = replicas;
        var status = new JsonObject { ["replicas"] = (obj["status"] as JsonObject)?.Long("replicas") ?? 0 };
        var selector = LabelSelector.FromJsonOrNothing(obj["spec"]?["selector"]).ToString();
        if (selector.Length > 0) status["selector"] = selector;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = obj.Name(),
                ["namespace"] = obj.Namespace(),
                ["uid"] = meta.Str("uid"),
                ["resourceVersion"] = meta.Str("resourceVersion"),
                ["creationTimestamp"] = meta.Str("creationTimestamp"),
            },
            ["spec"] = scaleSpec,
            ["status"] = status,
        };
    }

    JsonObject UpdateScale(ResourceKind kind, string? ns, string name, JsonObject scale, bool dryRun, bool unconditional)
    {
        var replicas = (scale["spec"] as JsonObject)?.Long("replicas") ?? 0;
        if (replicas < 0)
            throw ApiException.Invalid(ScaleKind, name, ("spec.replicas", "FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0"));
        var rv = scale.Meta().Str("resourceVersion");
        for (var attempt = 0; ; attempt++)
        {
            var current = Store.GetRequired(kind, ns, name);
            if (!string.IsNullOrEmpty(rv) && rv != current.Meta().Str("resourceVersion") && !(unconditional && attempt > 0))
                throw ApiException.Conflict(kind, name);
            current.Obj("spec")["replicas"] = replicas;
            try
            {
                return ToScale(kind, Writer.Update(kind, ns, name, current, dryRun));
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && string.IsNullOrEmpty(rv) && attempt < 5)
            {
            }
        }
    }
}
