using System.Globalization;

namespace Hoist.Sandbox.Bench;

/// <summary>Command line: <c>--runs N --deployments N --replicas N --kubectl-runs N --kube-version 1.33 --only a,b,c,d</c>.</summary>
internal sealed record BenchOptions
{
    public int Runs { get; init; } = 50;
    public int Warmup { get; init; } = 5;
    public int Deployments { get; init; } = 1000;
    public int Replicas { get; init; } = 3;
    public int KubectlRuns { get; init; } = 10;
    public string KubeVersion { get; init; } = "1.33";
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string> { "a", "b", "c", "d" };

    public bool Includes(string section) => Only.Contains(section);

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--runs" => o with { Runs = Int() },
                "--warmup" => o with { Warmup = Int() },
                "--deployments" => o with { Deployments = Int() },
                "--replicas" => o with { Replicas = Int() },
                "--kubectl-runs" => o with { KubectlRuns = Int() },
                "--kube-version" => o with { KubeVersion = Value() },
                "--only" => o with { Only = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet() },
                _ => throw new ArgumentException($"unknown option {args[i]}; known: --runs --warmup --deployments --replicas --kubectl-runs --kube-version --only a,b,c,d"),
            };
        }
        return o;
    }
}
