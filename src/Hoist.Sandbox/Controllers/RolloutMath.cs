using System.Globalization;
using System.Text.Json.Nodes;

namespace Hoist.Sandbox.Controllers;

/// <summary>
/// The Deployment controller's arithmetic (pkg/controller/deployment/util/deployment_util.go and rolling.go) as
/// pure functions, so the fence-posts and the step sizes can be tested on their own.
/// </summary>
internal static class RolloutMath
{
    public static readonly JsonNode DefaultMaxSurge = JsonValue.Create("25%");
    public static readonly JsonNode DefaultMaxUnavailable = JsonValue.Create("25%");

    /// <summary>
    /// <c>intstr.GetScaledValueFromIntOrPercent</c>: an int as is, a percentage of <paramref name="total"/> rounded
    /// up or down.
    /// </summary>
    public static int ScaledValue(JsonNode? intOrPercent, int total, bool roundUp)
    {
        if (intOrPercent is null) return 0;
        if (intOrPercent.AsString() is not { } s) return intOrPercent.AsInt() ?? 0;
        if (!s.EndsWith('%'))
        {
            // The apiserver's validation refuses this; a controller reading it would fail the same way.
            if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var plain)) return plain;
            throw new InvalidOperationException($"invalid value for IntOrString: invalid type: string is not a percentage");
        }
        if (!int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
            throw new InvalidOperationException($"invalid value for IntOrString: invalid value \"{s}\"");
        var value = (double)percent * total / 100;
        return (int)(roundUp ? Math.Ceiling(value) : Math.Floor(value));
    }

    /// <summary>
    /// <c>ResolveFenceposts</c>: surge rounds up, unavailable rounds down, and both zero would deadlock a rollout,
    /// so unavailable becomes 1.
    /// </summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(JsonNode? maxSurge, JsonNode? maxUnavailable, int desired)
    {
        var surge = ScaledValue(maxSurge ?? JsonValue.Create(0), desired, roundUp: true);
        var unavailable = ScaledValue(maxUnavailable ?? JsonValue.Create(0), desired, roundUp: false);
        if (surge == 0 && unavailable == 0) unavailable = 1;
        return (surge, unavailable);
    }

    /// <summary><c>MaxSurge</c>: 0 unless RollingUpdate.</summary>
    public static int MaxSurge(bool rollingUpdate, JsonNode? maxSurge, JsonNode? maxUnavailable, int replicas) =>
        rollingUpdate ? ResolveFenceposts(maxSurge, maxUnavailable, replicas).Surge : 0;

    /// <summary><c>MaxUnavailable</c>: 0 unless RollingUpdate with replicas, and never more than replicas.</summary>
    public static int MaxUnavailable(bool rollingUpdate, JsonNode? maxSurge, JsonNode? maxUnavailable, int replicas)
    {
        if (!rollingUpdate || replicas == 0) return 0;
        var unavailable = ResolveFenceposts(maxSurge, maxUnavailable, replicas).Unavailable;
        return Math.Min(unavailable, replicas);
    }

    /// <summary>
    /// <c>NewRSNewReplicas</c> for RollingUpdate: grow the new ReplicaSet up to replicas + maxSurge pods in total,
    /// never past replicas for the new one.
    /// </summary>
    public static int NewReplicaSetSize(int replicas, int maxSurge, int currentPodCount, int newReplicaSetSize)
    {
        var maxTotalPods = replicas + maxSurge;
        if (currentPodCount >= maxTotalPods) return newReplicaSetSize;
        var scaleUpCount = maxTotalPods - currentPodCount;
        scaleUpCount = Math.Min(scaleUpCount, replicas - newReplicaSetSize);
        return newReplicaSetSize + scaleUpCount;
    }

    /// <summary>
    /// <c>reconcileOldReplicaSets</c>' budget: how many old pods may go without breaking minAvailable, counting the
    /// new ReplicaSet's unavailable pods against it. Zero or less means nothing may be scaled down.
    /// </summary>
    public static int MaxScaledDown(int allPodsCount, int replicas, int maxUnavailable, int newReplicaSetSize, int newReplicaSetAvailable) =>
        allPodsCount - (replicas - maxUnavailable) - (newReplicaSetSize - newReplicaSetAvailable);

    /// <summary>
    /// <c>getReplicaSetFraction</c>: this ReplicaSet's share of a proportional scale, from its max-replicas
    /// annotation (or the deployment's previous status.replicas), rounded half away from zero as Go's math.Round.
    /// </summary>
    public static int ReplicaSetFraction(int rsReplicas, int deploymentReplicas, int maxSurge, int? annotatedMaxReplicas, int statusReplicas)
    {
        if (deploymentReplicas == 0) return -rsReplicas;
        var allowed = deploymentReplicas + maxSurge;
        var annotated = annotatedMaxReplicas ?? statusReplicas;
        if (annotated == 0) return 0;
        var size = (double)rsReplicas * allowed / annotated;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - rsReplicas;
    }

    /// <summary><c>GetProportion</c>: the fraction, bounded by what is still left to add or remove.</summary>
    public static int Proportion(int rsReplicas, int fraction, int replicasToAdd, int replicasAdded)
    {
        if (rsReplicas == 0 || replicasToAdd == 0 || replicasToAdd == replicasAdded) return 0;
        var allowed = replicasToAdd - replicasAdded;
        return replicasToAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }
}
