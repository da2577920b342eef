using System.Text.Json.Nodes;
using Hoist.Sandbox.Controllers;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Controllers;

public class RolloutArithmeticTests
{
    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(2, 1, 0)]
    [InlineData(3, 1, 0)]
    [InlineData(4, 1, 1)]
    [InlineData(10, 3, 2)]
    [InlineData(0, 0, 1)]
    public void ResolveFenceposts_DefaultPercentages_RoundSurgeUpAndUnavailableDown(int replicas, int surge, int unavailable)
    {
        RolloutMath.ResolveFenceposts(JsonValue.Create("25%"), JsonValue.Create("25%"), replicas).ShouldBe((surge, unavailable));
    }

    [Fact]
    public void ResolveFenceposts_BothZero_AllowsOneUnavailable()
    {
        RolloutMath.ResolveFenceposts(JsonValue.Create(0), JsonValue.Create("0%"), 5).ShouldBe((0, 1));
    }

    [Theory]
    // replicas, maxSurge, maxUnavailable -> effective maxUnavailable
    [InlineData(3, 1, 0, 0)]
    [InlineData(4, 1, 1, 1)]
    [InlineData(2, 0, 10, 2)]
    [InlineData(0, 1, 1, 0)]
    public void MaxUnavailable_IsClampedToReplicasAndZeroWithoutReplicas(int replicas, int maxSurge, int maxUnavailable, int expected)
    {
        RolloutMath.MaxUnavailable(true, JsonValue.Create(maxSurge), JsonValue.Create(maxUnavailable), replicas).ShouldBe(expected);
    }

    [Fact]
    public void MaxSurgeAndMaxUnavailable_Recreate_AreZero()
    {
        RolloutMath.MaxUnavailable(false, JsonValue.Create(1), JsonValue.Create(1), 4).ShouldBe(0);
        RolloutMath.MaxSurge(false, JsonValue.Create(1), JsonValue.Create(1), 4).ShouldBe(0);
    }

    [Fact]
    public void ScaledValue_StringWithoutPercent_IsRefused()
    {
        Should.Throw<InvalidOperationException>(() => RolloutMath.ScaledValue(JsonValue.Create("abc"), 10, roundUp: true));
        RolloutMath.ScaledValue(JsonValue.Create("33%"), 10, roundUp: true).ShouldBe(4);
        RolloutMath.ScaledValue(JsonValue.Create("33%"), 10, roundUp: false).ShouldBe(3);
        RolloutMath.ScaledValue(JsonValue.Create(7), 10, roundUp: false).ShouldBe(7);
    }

    [Theory]
    // replicas, maxSurge, pods in all ReplicaSets, new ReplicaSet size -> new size
    [InlineData(4, 1, 4, 0, 1)]
    [InlineData(4, 1, 4, 1, 2)]
    [InlineData(4, 1, 5, 2, 2)]
    [InlineData(10, 3, 10, 0, 3)]
    [InlineData(10, 3, 13, 3, 3)]
    [InlineData(2, 1, 2, 1, 2)]
    [InlineData(3, 5, 3, 0, 3)]
    public void NewReplicaSetSize_GrowsWithinSurgeAndNeverPastReplicas(int replicas, int maxSurge, int allPods, int newSize, int expected)
    {
        RolloutMath.NewReplicaSetSize(replicas, maxSurge, allPods, newSize).ShouldBe(expected);
    }

    [Theory]
    // all pods, replicas, maxUnavailable, new RS size, new RS available -> how many old pods may go
    [InlineData(5, 4, 1, 1, 0, 1)]
    [InlineData(5, 4, 1, 2, 0, 0)]
    [InlineData(5, 4, 1, 2, 2, 2)]
    [InlineData(3, 2, 0, 1, 0, 0)]
    [InlineData(3, 2, 0, 1, 1, 1)]
    public void MaxScaledDown_CountsUnavailableNewPodsAgainstTheBudget(int allPods, int replicas, int maxUnavailable, int newSize, int newAvailable, int expected)
    {
        RolloutMath.MaxScaledDown(allPods, replicas, maxUnavailable, newSize, newAvailable).ShouldBe(expected);
    }

    [Fact]
    public void ReplicaSetFraction_ScaleUpDuringRollout_SplitsByAnnotatedMaxReplicas()
    {
        // 10 -> 20 replicas with 25% surge: allowed 25, old 8 and new 5 were sized for 13.
        var oldShare = RolloutMath.ReplicaSetFraction(8, 20, 5, 13, 13);
        var newShare = RolloutMath.ReplicaSetFraction(5, 20, 5, 13, 13);
        oldShare.ShouldBe(7);
        newShare.ShouldBe(5);
        RolloutMath.Proportion(8, oldShare, 12, 0).ShouldBe(7);
        RolloutMath.Proportion(5, newShare, 12, 7).ShouldBe(5);
        RolloutMath.ReplicaSetFraction(3, 0, 0, 4, 4).ShouldBe(-3);
    }

    [Fact]
    public void ReplicaSetFraction_HalfRoundsAwayFromZero()
    {
        // 1 * 5 / 2 = 2.5 -> 3, as Go's math.Round.
        RolloutMath.ReplicaSetFraction(1, 4, 1, 2, 2).ShouldBe(2);
    }

    [Fact]
    public void PodTemplateHash_IsStableAndIgnoresItsOwnLabel()
    {
        var template = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx:1.25" }) },
        };
        var hash = Hashing.PodTemplateHash(template, null);
        var labelled = (JsonObject)template.DeepClone();
        labelled.At("metadata", "labels")!.AsObject()["pod-template-hash"] = hash;

        Hashing.PodTemplateHash(labelled, null).ShouldBe(hash);
        hash.ShouldMatch("^[4-9bcdf]{1,10}$");
        Hashing.PodTemplateHash(template, 1).ShouldNotBe(hash);
        Hashing.TemplatesEqualIgnoringHash(labelled, template).ShouldBeTrue();
    }

    [Fact]
    public void TemplatesEqualIgnoringHash_NullAndEmptyAreTheSame_ButValuesDiffer()
    {
        var a = JsonNode.Parse("""{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"x:1","resources":{}}]}}""");
        var b = JsonNode.Parse("""{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"image":"x:1","name":"c"}]}}""");
        var c = JsonNode.Parse("""{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"x:2"}]}}""");

        Hashing.TemplatesEqualIgnoringHash(a, b).ShouldBeTrue();
        Hashing.TemplatesEqualIgnoringHash(a, c).ShouldBeFalse();
    }
}
