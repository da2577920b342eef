using System.Text.Json.Nodes;
using Hoist.Sandbox.Selectors;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Selectors;

public class LabelSelectorTests
{
    static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front", ["version"] = "3" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web,db)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db, cache)", true)]
    [InlineData("missing notin (x)", true)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!canary", true)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData(" app = web , tier in ( front ) ", true)]
    [InlineData("version>2", true)]
    [InlineData("version<2", false)]
    [InlineData("", true)]
    public void Parse_Expression_MatchesAsApimachinery(string selector, bool matches) =>
        LabelSelector.Parse(selector).Matches(Web).ShouldBe(matches);

    [Theory]
    [InlineData("app=")]
    public void Parse_EmptyValue_MatchesOnlyEmptyLabel(string selector)
    {
        LabelSelector.Parse(selector).Matches(Web).ShouldBeFalse();
        LabelSelector.Parse(selector).Matches(new Dictionary<string, string> { ["app"] = "" }).ShouldBeTrue();
    }

    [Theory]
    [InlineData("app in ()")]
    [InlineData("app in (a")]
    [InlineData("=web")]
    [InlineData("app=web,")]
    [InlineData("app web")]
    public void Parse_BadSyntax_ThrowsBadRequest(string selector)
    {
        var ex = Should.Throw<ApiException>(() => LabelSelector.Parse(selector));
        ex.Code.ShouldBe(400);
        ex.Message.ShouldStartWith("unable to parse requirement");
    }

    [Fact]
    public void FromJson_MatchLabelsAndExpressions_AllMustHold()
    {
        var selector = LabelSelector.FromJson(JsonNode.Parse("""
            {"matchLabels":{"app":"web"},"matchExpressions":[
              {"key":"tier","operator":"In","values":["front","edge"]},
              {"key":"canary","operator":"DoesNotExist"},
              {"key":"version","operator":"Exists"},
              {"key":"zone","operator":"NotIn","values":["b"]}]}
            """));

        selector.Matches(Web).ShouldBeTrue();
        selector.Matches(new Dictionary<string, string>(Web) { ["canary"] = "1" }).ShouldBeFalse();
        selector.Matches(new Dictionary<string, string>(Web) { ["zone"] = "b" }).ShouldBeFalse();
        selector.ToString().ShouldBe("app=web,!canary,tier in (edge,front),version,zone notin (b)");
    }

    [Fact]
    public void FromJson_NullSelectsNothingAndEmptySelectsEverything()
    {
        LabelSelector.FromJson(null).Matches(Web).ShouldBeFalse();
        LabelSelector.FromJson(new JsonObject()).Matches(Web).ShouldBeTrue();
        LabelSelector.FromJson(new JsonObject()).Format().ShouldBe("<none>");
    }

    [Fact]
    public void FromJson_UnknownOperator_Throws() =>
        Should.Throw<FormatException>(() => LabelSelector.FromJson(JsonNode.Parse("""{"matchExpressions":[{"key":"a","operator":"Near","values":["x"]}]}""")));

    [Fact]
    public void ToString_MatchLabels_SortedByKeyLikeKubectlSends() =>
        LabelSelector.FromJson(JsonNode.Parse("""{"matchLabels":{"tier":"front","app":"web"}}""")).ToString().ShouldBe("app=web,tier=front");
}
