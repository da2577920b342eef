using Hoist.Cli.Deploy;
using Shouldly;

namespace Hoist.Cli.Tests;

public sealed class StepParserTests
{
    /// <summary>The line from CODING's help page (seed/000_ff598816196228b4.txt), byte for byte.</summary>
    public const string SeedLine =
        "cdDeploy(deployType: 'PATCH_IMAGE', application: '${CCI_CURRENT_TEAM}', pipelineName: '${PROJECT_NAME}-${CCI_JOB_NAME}-${CD_CREDENTIAL_INDEX}', image: '\"${CODING_DOCKER_IMAGE_NAME}:${DOCKER_IMAGE_VERSION}\"', cloudAccountName: 'k8s', namespace: 'liaohongkun-1', manifestType: 'Deployment', manifestName: 'nginx-deployment-1', containerName: 'nginx', credentialId: '2f74c95a6441484d9f362bbc461a049b')";

    static readonly CliEnvironment SeedEnvironment = CliEnvironment.Of(
        ("CCI_CURRENT_TEAM", "myteam"),
        ("PROJECT_NAME", "shop"),
        ("CCI_JOB_NAME", "build-and-deploy"),
        ("CD_CREDENTIAL_INDEX", "2959888"),
        ("CODING_DOCKER_IMAGE_NAME", "shop/build/web"),
        ("DOCKER_IMAGE_VERSION", "master-0123abc"));

    static Dictionary<string, string> Values(string step, CliEnvironment env)
    {
        var call = StepParser.Parse(step);
        return call.Arguments.ToDictionary(a => a.Name, a => StepExpansion.Expand(call, a, env));
    }

    [Fact]
    public void Parse_SeedJenkinsfileLine_ExpandsEveryParameterAndDropsCodingsInnerQuotes()
    {
        var values = Values(SeedLine, SeedEnvironment);

        values.ShouldBe(new Dictionary<string, string>
        {
            ["deployType"] = "PATCH_IMAGE",
            ["application"] = "myteam",
            ["pipelineName"] = "shop-build-and-deploy-2959888",
            ["image"] = "shop/build/web:master-0123abc",
            ["cloudAccountName"] = "k8s",
            ["namespace"] = "liaohongkun-1",
            ["manifestType"] = "Deployment",
            ["manifestName"] = "nginx-deployment-1",
            ["containerName"] = "nginx",
            ["credentialId"] = "2f74c95a6441484d9f362bbc461a049b",
        }, ignoreOrder: true);
    }

    [Fact]
    public void Parse_DoubleQuotedGStringsAndEnvForms_ExpandAlike()
    {
        var env = CliEnvironment.Of(("REG", "registry.example.com"), ("NAME", "web"), ("TAG", "1.2"), ("TEAM", "demo"));

        var values = Values("cdDeploy(image: \"${REG}/$NAME:${env.TAG}\", application: env.TEAM, namespace: TEAM + '-ns')", env);

        values["image"].ShouldBe("registry.example.com/web:1.2");
        values["application"].ShouldBe("demo");
        values["namespace"].ShouldBe("demo-ns");
    }

    [Fact]
    public void Parse_CommandFormMultiLineWithCommentsAndTrailingComma_IsAccepted()
    {
        const string step = """
            cdDeploy deployType: 'PATCH_IMAGE', // what CODING generated
                     image: '''nginx:1.27''', /* a triple-quoted string */
                     containerName: "nginx",
            """;

        var values = Values(step.TrimEnd().TrimEnd(',') + ";", CliEnvironment.Of());

        values.ShouldBe(new Dictionary<string, string> { ["deployType"] = "PATCH_IMAGE", ["image"] = "nginx:1.27", ["containerName"] = "nginx" }, ignoreOrder: true);
    }

    [Fact]
    public void Parse_TrailingCommaInParentheses_IsAccepted()
    {
        Values("cdDeploy(image: 'a:1',)", CliEnvironment.Of()).ShouldBe(new Dictionary<string, string> { ["image"] = "a:1" });
    }

    [Fact]
    public void Parse_EscapesAndLiteralDollar_AreDecodedNotExpanded()
    {
        var values = Values(@"cdDeploy(image: 'it\'s\$HOME\\x', namespace: ""a\""b"", manifestName: 'cost $5')", CliEnvironment.Of());

        values["image"].ShouldBe(@"it's$HOME\x");
        values["namespace"].ShouldBe("a\"b");
        values["manifestName"].ShouldBe("cost $5");
    }

    [Fact]
    public void Parse_PersonalAccessTokenAndQuotedNames_AreAccepted()
    {
        var env = CliEnvironment.Of(("CD_PERSONAL_ACCESS_TOKEN", "hoist_pat_x"));

        var values = Values("cdDeploy('image': 'a:1', personalAccessToken: '${CD_PERSONAL_ACCESS_TOKEN}')", env);

        values["personalAccessToken"].ShouldBe("hoist_pat_x");
        values["image"].ShouldBe("a:1");
    }

    [Fact]
    public void Parse_VariableSetToEmpty_ExpandsToNothing()
    {
        Values("cdDeploy(image: 'web:${TAG}')", CliEnvironment.Of(("TAG", ""))).ShouldBe(new Dictionary<string, string> { ["image"] = "web:" });
    }

    [Fact]
    public void Parse_ValueOfEnvironmentVariable_IsNotExpandedAgain()
    {
        Values("cdDeploy(image: '${A}')", CliEnvironment.Of(("A", "${B}$(rm -rf /)"))).ShouldBe(new Dictionary<string, string> { ["image"] = "${B}$(rm -rf /)" });
    }

    [Theory]
    [InlineData("cdDeploy(image: 'a' x)", "at column 21: expected ',' or ')' but found 'x'")]
    [InlineData("cdDeploy(deployType: 'PATCH_IMAGE', application: 'demo' image: 'a')", "at column 57: expected ',' or ')' but found 'i'")]
    [InlineData("cdDeplo(image: 'a')", "at column 1: expected 'cdDeploy' but found 'cdDeplo'")]
    [InlineData("cdDeploy[image: 'a']", "at column 9: expected '(' but found '['")]
    [InlineData("cdDeploy(image 'a')", "at column 16: expected ':' after 'image' but found \"'\"")]
    [InlineData("cdDeploy(image: 'a', aplication: 'b')", "at column 22: unknown parameter 'aplication' (did you mean 'application'?)")]
    [InlineData("cdDeploy(image: 'a', image: 'b')", "at column 22: parameter 'image' is given twice")]
    [InlineData("cdDeploy(image: 'nginx)", "at column 24: expected ' to close the string opened at column 17 but found the end of the step")]
    [InlineData("cdDeploy(image: true)", "at column 17: expected a quoted string but found 'true'")]
    [InlineData("cdDeploy(image: 42)", "at column 17: expected a quoted string but found '4'")]
    [InlineData("cdDeploy(image: '${A.b}')", "at column 21: expected '}' to close '${A' but found '.'")]
    [InlineData("cdDeploy(image: '${}')", "at column 20: expected a variable name after '${' but found '}'")]
    [InlineData("cdDeploy(image: 'a\\q')", "at column 19: unknown escape sequence '\\q'")]
    [InlineData("cdDeploy(image: 'a')) ", "at column 21: expected the end of the step but found ')'")]
    [InlineData("cdDeploy(image: 'a'", "at column 20: expected ',' or ')' but found the end of the step")]
    [InlineData("", "at column 1: expected 'cdDeploy(' but found the end of the step")]
    [InlineData("cdDeploy(: 'a')", "at column 10: expected a parameter name but found ':'")]
    public void Parse_InvalidStep_NamesColumnAndExpectation(string step, string expectedStart)
    {
        var e = Should.Throw<StepSyntaxException>(() => StepParser.Parse(step));

        e.Message.ShouldStartWith(expectedStart);
    }

    [Fact]
    public void Parse_UnknownParameter_ListsTheAcceptedNames()
    {
        var e = Should.Throw<StepSyntaxException>(() => StepParser.Parse("cdDeploy(replicas: '3')"));

        e.Message.ShouldContain("expected one of deployType, application, pipelineName, credentialId, image");
        e.Message.ShouldContain("personalAccessToken");
    }

    [Fact]
    public void Parse_ErrorOnSecondLine_GivesLineAndColumn()
    {
        var e = Should.Throw<StepSyntaxException>(() => StepParser.Parse("cdDeploy(\n  image: 'a'\n  namespace: 'b')"));

        e.Message.ShouldStartWith("at line 3, column 3: expected ',' or ')' but found 'n'");
    }

    [Fact]
    public void Parse_StringBrokenByNewline_IsAnError()
    {
        var e = Should.Throw<StepSyntaxException>(() => StepParser.Parse("cdDeploy(image: 'a\n')"));

        e.Message.ShouldStartWith("at line 1, column 19: expected ' to close the string opened at line 1, column 17 but found the end of the line");
    }

    [Fact]
    public void Expand_UnsetVariables_NamesThemAllWithTheColumnOfTheFirst()
    {
        var call = StepParser.Parse(SeedLine);
        var pipeline = call.Find("pipelineName")!;

        var e = Should.Throw<StepSyntaxException>(() => StepExpansion.Expand(call, pipeline, CliEnvironment.Of(("CCI_JOB_NAME", "b"))));

        e.Message.ShouldBe("at column 88: PROJECT_NAME, CD_CREDENTIAL_INDEX are not set in the environment (used by pipelineName)");
    }

    [Fact]
    public void Parse_OnlyTheCodingQuotePair_IsStripped()
    {
        var env = CliEnvironment.Of(("A", "x"));

        Values("cdDeploy(image: '\"${A}\"', namespace: '\"', manifestName: '\"\"', containerName: 'a\"b')", env)
            .ShouldBe(new Dictionary<string, string> { ["image"] = "x", ["namespace"] = "\"", ["manifestName"] = "", ["containerName"] = "a\"b" }, ignoreOrder: true);
    }
}
