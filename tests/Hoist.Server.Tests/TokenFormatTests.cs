using System.Text;
using Hoist.Server.Auth;
using Hoist.Server.Tokens;
using Shouldly;
using Xunit;

namespace Hoist.Server.Tests;

public sealed class TokenFormatTests
{
    [Fact]
    public void NewSecret_HasPrefixAndShape()
    {
        var secret = PersonalAccessToken.NewSecret();

        PersonalAccessToken.LooksLikeSecret(secret).ShouldBeTrue();
        PersonalAccessToken.PrefixOf(secret).ShouldBe(secret[..16]);
        PersonalAccessToken.HashOf(secret).Length.ShouldBe(64);
        PersonalAccessToken.NewSecret().ShouldNotBe(secret);
    }

    [Theory]
    [InlineData("Bearer hoist_pat_abc", "hoist_pat_abc")]
    [InlineData("bearer   hoist_pat_abc", "hoist_pat_abc")]
    [InlineData("token hoist_pat_abc", "hoist_pat_abc")]
    [InlineData("Digest abc", null)]
    [InlineData("", null)]
    [InlineData("Bearer", null)]
    public void ReadSecret_HeaderForms(string header, string? expected) => TokenAuthenticationHandler.ReadSecret(header).ShouldBe(expected);

    [Fact]
    public void ReadSecret_BasicAuth_TakesPassword()
    {
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("jenkins:hoist_pat_xyz"));

        TokenAuthenticationHandler.ReadSecret(header).ShouldBe("hoist_pat_xyz");
    }

    [Fact]
    public void ReadSecret_BrokenBase64_EmptyNotNull() => TokenAuthenticationHandler.ReadSecret("Basic !!!").ShouldBe("");
}
