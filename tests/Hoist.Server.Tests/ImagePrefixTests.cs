using Hoist.Server.Deploys;
using Hoist.Server.Kubernetes;
using Shouldly;
using Xunit;

namespace Hoist.Server.Tests;

public sealed class ImagePrefixTests
{
    [Theory]
    [InlineData("reg.io/team/app:1", "reg.io/team", true)]
    [InlineData("reg.io/team/app:1", "reg.io/team/", true)]
    [InlineData("reg.io/team:1", "reg.io/team", true)]
    [InlineData("reg.io/team-evil/app:1", "reg.io/team", false)]
    [InlineData("reg.io/teamx:1", "reg.io/team", false)]
    [InlineData("other.io/team/app", "reg.io/team", false)]
    [InlineData("reg.io/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "reg.io/team", true)]
    [InlineData("nginx", "docker.io/library", false)]
    public void IsUnder_PrefixAtPathBoundary(string image, string prefix, bool expected)
    {
        ImageReference.TryParse(image, out var reference, out _).ShouldBeTrue();

        reference.IsUnder(prefix).ShouldBe(expected);
    }

    [Fact]
    public void IsUnder_EmptyPrefix_NeverMatches()
    {
        ImageReference.TryParse("reg.io/app", out var reference, out _).ShouldBeTrue();

        reference.IsUnder("/").ShouldBeFalse();
    }
}
