using Hoist.Server.Http;
using Shouldly;
using Xunit;

namespace Hoist.Server.Tests;

public sealed class InputRulesTests
{
    [Theory]
    [InlineData("default", true)]
    [InlineData("a", true)]
    [InlineData("web-1", true)]
    [InlineData("Web", false)]
    [InlineData("-web", false)]
    [InlineData("web-", false)]
    [InlineData("a.b", false)]
    [InlineData("../x", false)]
    public void DnsLabel(string value, bool ok) => (InputRules.DnsLabel("f", value) is null).ShouldBe(ok);

    [Fact]
    public void DnsLabel_64Characters_Refused() => InputRules.DnsLabel("f", new string('a', 64)).ShouldNotBeNull();

    [Theory]
    [InlineData("web.api", true)]
    [InlineData("web..api", false)]
    [InlineData("web/api", false)]
    [InlineData("web%2f", false)]
    public void DnsSubdomain(string value, bool ok) => (InputRules.DnsSubdomain("f", value) is null).ShouldBe(ok);

    [Theory]
    [InlineData("ok name", false)]
    [InlineData("tab\there", true)]
    [InlineData("nul\0", true)]
    [InlineData("bidi\u202Eevil", true)]
    [InlineData("line\u2028sep", true)]
    [InlineData("emoji 🚀", false)]
    public void HasForbiddenCharacter(string value, bool forbidden) => InputRules.HasForbiddenCharacter(value).ShouldBe(forbidden);

    [Fact]
    public void HasForbiddenCharacter_LoneSurrogate_True() => InputRules.HasForbiddenCharacter("lonely " + (char)0xD800 + " surrogate").ShouldBeTrue();

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData(" padded")]
    public void DisplayName_PathLikeOrPadded_Refused(string value) => InputRules.DisplayName("name", value).ShouldNotBeNull();

    [Fact]
    public void DisplayName_Chinese_Accepted() => InputRules.DisplayName("name", "构建计划-前端").ShouldBeNull();

    [Fact]
    public void Sanitize_CutsAndReplacesControlCharacters()
    {
        InputRules.Sanitize("a\nb\u202Ec", 10).ShouldBe("a?b?c");
        var cut = InputRules.Sanitize(new string('x', 300), 100)!;
        cut.Length.ShouldBe(100);
        cut.ShouldEndWith("…");
    }
}
