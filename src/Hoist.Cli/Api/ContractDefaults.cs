using Hoist.Contracts;

namespace Hoist.Cli.Api;

/// <summary>
/// Source-generated deserialization sets every init-only property when it constructs a record, so a list the JSON
/// leaves out arrives as null despite the contract's <c>= []</c>. Every DTO read from the server passes through
/// here before anything touches it.
/// </summary>
internal static class ContractDefaults
{
    public static ReleaseDto Fill(ReleaseDto r) => r with
    {
        Transitions = r.Transitions ?? [],
        Pods = r.Pods ?? [],
    };

    public static ReleaseListDto Fill(ReleaseListDto l) => l with { Items = (l.Items ?? []).Select(Fill).ToList() };

    public static RuntimeDto Fill(RuntimeDto r) => r with
    {
        Pods = (r.Pods ?? []).Select(p => p with { Containers = p.Containers ?? [] }).ToList(),
        Events = r.Events ?? [],
    };

    public static ReleaseEventDto Fill(ReleaseEventDto e) =>
        e.Progress is { Waiting: null } p ? e with { Progress = p with { Waiting = [] } } : e;
}
