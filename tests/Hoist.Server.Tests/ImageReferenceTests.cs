using Hoist.Server.Deploys;
using Shouldly;
using Xunit;

namespace Hoist.Server.Tests;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("nginx", "nginx", null, null)]
    [InlineData("nginx:1.25", "nginx", "1.25", null)]
    [InlineData("library/nginx:latest", "library/nginx", "latest", null)]
    [InlineData("registry.example.com/team/app:v1.2.3-rc_1", "registry.example.com/team/app", "v1.2.3-rc_1", null)]
    [InlineData("localhost:5000/app", "localhost:5000/app", null, null)]
    [InlineData("Registry.Example.com:443/a/b__c/d-e.f", "Registry.Example.com:443/a/b__c/d-e.f", null, null)]
    [InlineData("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "app", null, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("[::1]:5000/app:tag", "[::1]:5000/app", "tag", null)]
    public void TryParse_ValidReference_SplitsIt(string value, string repository, string? tag, string? digest)
    {
        ImageReference.TryParse(value, out var reference).ShouldBeTrue();

        reference.ShouldBe(new ImageReference(repository, tag, digest));
    }

    [Theory]
    [InlineData("")]
    [InlineData("registry.io/UPPER/case")]
    [InlineData(":latest")]
    [InlineData("app:")]
    [InlineData("app:-tag")]
    [InlineData("app@sha256:123")]
    [InlineData("a//b")]
    [InlineData("../etc/passwd")]
    [InlineData("app:tag with space")]
    [InlineData("app;rm -rf /")]
    [InlineData("-app")]
    [InlineData("app_")]
    public void TryParse_Invalid_False(string value) => ImageReference.TryParse(value, out _).ShouldBeFalse();

    [Fact]
    public void TryParse_TagLongerThan128_False() => ImageReference.TryParse("app:" + new string('a', 129), out _).ShouldBeFalse();

    [Fact]
    public void TryParse_NameLongerThan255_False() => ImageReference.TryParse(new string('a', 256), out _).ShouldBeFalse();

    [Fact]
    public void TryParse_PathologicalSeparators_ReturnsQuickly() =>
        ImageReference.TryParse(string.Concat(Enumerable.Repeat("a-", 400)) + "!", out _).ShouldBeFalse();

    [Theory]
    [InlineData("reg.io/team/app:1", "reg.io/team", true)]
    [InlineData("reg.io/team/app:1", "reg.io/team/", true)]
    [InlineData("reg.io/team:1", "reg.io/team", true)]
    [InlineData("reg.io/team-evil/app:1", "reg.io/team", false)]
    [InlineData("reg.io/teamx:1", "reg.io/team", false)]
    [InlineData("other.io/team/app", "reg.io/team", false)]
    public void IsUnder_PrefixAtPathBoundary(string image, string prefix, bool expected)
    {
        ImageReference.TryParse(image, out var reference).ShouldBeTrue();

        reference!.IsUnder(prefix).ShouldBe(expected);
    }
}
