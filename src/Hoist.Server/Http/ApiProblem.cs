using Hoist.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Hoist.Server.Http;

/// <summary>
/// An expected refusal, produced by feature services and turned into a ProblemDetails with a stable
/// <c>code</c> (and <c>field</c>/<c>expected</c> when one input is at fault). Services return it instead of
/// throwing, so that pages and the API share the same checks and messages.
/// </summary>
public sealed record ApiProblem(int Status, string Code, string Title, string? Detail = null)
{
    public string? Field { get; init; }
    public object? Expected { get; init; }
    /// <summary>Further machine-readable facts, e.g. the containers that do exist.</summary>
    public IReadOnlyDictionary<string, object?>? Extra { get; init; }

    public ProblemHttpResult ToResult() => TypedResults.Problem(ToProblemDetails());

    public ProblemDetails ToProblemDetails()
    {
        var pd = new ProblemDetails { Status = Status, Title = Title, Detail = Detail, Type = TypeFor(Status) };
        pd.Extensions["code"] = Code;
        if (Field is not null) pd.Extensions["field"] = Field;
        if (Expected is not null) pd.Extensions["expected"] = Expected;
        if (Extra is not null)
            foreach (var (k, v) in Extra) pd.Extensions[k] = v;
        return pd;
    }

    static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        _ => "about:blank",
    };

    // The common refusals, so that wording stays the same everywhere.
    public static ApiProblem NotFound(string what) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found", $"{what} does not exist or you cannot see it.");

    public static ApiProblem Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, ProblemCodes.PermissionDenied, "Permission denied", detail);

    public static ApiProblem Invalid(string field, string detail) =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.InvalidField, "Invalid field", detail) { Field = field };

    public static ApiProblem Conflict(string detail, string? field = null) =>
        new(StatusCodes.Status409Conflict, ProblemCodes.Conflict, "Conflict", detail) { Field = field };
}

/// <summary>The value a service produced, or why it refused.</summary>
public readonly struct Outcome<T>
{
    Outcome(T? value, ApiProblem? problem) { Value = value; Problem = problem; }

    public T? Value { get; }
    public ApiProblem? Problem { get; }
    public bool Ok => Problem is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static Outcome<T> From(T value) => new(value, null);
    public static implicit operator Outcome<T>(ApiProblem problem) => new(default, problem);

    /// <summary>The value, for callers (seeding, tests) that treat a refusal as a bug.</summary>
    public T Unwrap() => Problem is null ? Value! : throw new InvalidOperationException($"{Problem.Code}: {Problem.Detail}");
}

public static class OutcomeResults
{
    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Outcome<T> outcome) =>
        outcome.Ok ? TypedResults.Ok(outcome.Value) : outcome.Problem!.ToResult();

    public static Results<Created<T>, ProblemHttpResult> ToCreated<T>(this Outcome<T> outcome, Func<T, string> location) =>
        outcome.Ok ? TypedResults.Created(location(outcome.Value!), outcome.Value) : outcome.Problem!.ToResult();

    public static Results<NoContent, ProblemHttpResult> ToNoContent<T>(this Outcome<T> outcome) =>
        outcome.Ok ? TypedResults.NoContent() : outcome.Problem!.ToResult();
}
