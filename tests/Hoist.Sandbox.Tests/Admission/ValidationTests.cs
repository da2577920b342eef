using System.Text.Json.Nodes;
using Hoist.Sandbox.Admission;
using Hoist.Sandbox.Store;
using Shouldly;
using Xunit;

namespace Hoist.Sandbox.Tests.Admission;

public class ValidationTests
{
    static JsonObject Deployment(string extraSpec = "") => JsonNode.Parse("""
        {"metadata":{"name":"web"},
         "spec":{EXTRA"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
        """.Replace("EXTRA", extraSpec, StringComparison.Ordinal))!.AsObject();

    static ApiException Invalid(ResourceKind kind, JsonObject obj, JsonObject? old = null)
    {
        Defaulting.Apply(kind, obj);
        return Should.Throw<ApiException>(() =>
        {
            if (old is null) Validation.ValidateCreate(kind, obj);
            else Validation.ValidateUpdate(kind, obj, old);
        });
    }

    [Fact]
    public void ValidateCreate_ValidDeployment_Passes()
    {
        var d = Deployment();
        Defaulting.Apply(ResourceKinds.Deployments, d);

        Should.NotThrow(() => Validation.ValidateCreate(ResourceKinds.Deployments, d));
    }

    [Fact]
    public void ValidateCreate_NegativeReplicas_SaysSoAsTheApiserver()
    {
        var ex = Invalid(ResourceKinds.Deployments, Deployment("\"replicas\":-1,"));

        ex.Code.ShouldBe(422);
        ex.Reason.ShouldBe("Invalid");
        ex.Message.ShouldBe("Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        ex.Details!["kind"]!.GetValue<string>().ShouldBe("Deployment");
        ex.Details!["group"]!.GetValue<string>().ShouldBe("apps");
        ex.Details!["causes"]![0]!["reason"]!.GetValue<string>().ShouldBe("FieldValueInvalid");
        ex.Details!["causes"]![0]!["field"]!.GetValue<string>().ShouldBe("spec.replicas");
    }

    [Fact]
    public void ValidateCreate_MissingSelector_ListsBothErrorsInBrackets()
    {
        var d = Deployment();
        d["spec"]!.AsObject().Remove("selector");

        var ex = Invalid(ResourceKinds.Deployments, d);

        ex.Message.ShouldBe("Deployment.apps \"web\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`]");
    }

    [Fact]
    public void ValidateCreate_ContainerWithoutImageAndBadName_ReportsEachField()
    {
        var d = Deployment();
        d["spec"]!["template"]!["spec"]!["containers"] = JsonNode.Parse("""[{"name":"App_1"},{"name":"b","image":"x"},{"name":"b","image":"y"}]""");

        var ex = Invalid(ResourceKinds.Deployments, d);

        var fields = ex.Details!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).ToList();
        fields.ShouldBe(["spec.template.spec.containers[0].name", "spec.template.spec.containers[0].image", "spec.template.spec.containers[2].name"]);
        ex.Message.ShouldContain("spec.template.spec.containers[0].image: Required value");
        ex.Message.ShouldContain("spec.template.spec.containers[2].name: Duplicate value: \"b\"");
        ex.Message.ShouldContain("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'");
    }

    [Fact]
    public void ValidateCreate_NoContainers_IsRequired()
    {
        var d = Deployment();
        d["spec"]!["template"]!["spec"]!["containers"] = new JsonArray();

        Invalid(ResourceKinds.Deployments, d).Message.ShouldEndWith("spec.template.spec.containers: Required value");
    }

    [Fact]
    public void ValidateCreate_BadName_IsNotADnsSubdomain()
    {
        var d = Deployment();
        d["metadata"]!["name"] = "Web_1";

        Invalid(ResourceKinds.Deployments, d).Message.ShouldBe(
            "Deployment.apps \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }

    [Fact]
    public void ValidateCreate_RecreateWithRollingUpdate_IsForbiddenAsInTheDocs()
    {
        var d = Deployment("\"strategy\":{\"type\":\"Recreate\",\"rollingUpdate\":{\"maxSurge\":\"30%\"}},");

        Invalid(ResourceKinds.Deployments, d).Message.ShouldBe(
            "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");
    }

    [Fact]
    public void ValidateCreate_BothMaxSurgeAndMaxUnavailableZero_IsInvalid()
    {
        var d = Deployment("\"strategy\":{\"rollingUpdate\":{\"maxSurge\":0,\"maxUnavailable\":0}},");

        Invalid(ResourceKinds.Deployments, d).Message.ShouldEndWith(
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0");
    }

    [Fact]
    public void ValidateCreate_DeploymentRestartPolicyNever_IsUnsupported()
    {
        var d = Deployment();
        d["spec"]!["template"]!["spec"]!["restartPolicy"] = "Never";

        Invalid(ResourceKinds.Deployments, d).Message.ShouldEndWith("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
    }

    [Fact]
    public void ValidateUpdate_ChangedSelector_IsImmutable()
    {
        var old = Deployment();
        Defaulting.Apply(ResourceKinds.Deployments, old);
        var changed = Deployment();
        changed["spec"]!["selector"] = JsonNode.Parse("""{"matchLabels":{"app":"web2"}}""");
        changed["spec"]!["template"]!["metadata"]!["labels"] = JsonNode.Parse("""{"app":"web2"}""");

        Invalid(ResourceKinds.Deployments, changed, old).Message.ShouldBe(
            "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    }

    [Fact]
    public void ValidateUpdate_StatefulSetServiceName_IsForbidden()
    {
        var old = Deployment("\"serviceName\":\"a\",");
        Defaulting.Apply(ResourceKinds.StatefulSets, old);
        var changed = Deployment("\"serviceName\":\"b\",");

        Invalid(ResourceKinds.StatefulSets, changed, old).Message.ShouldContain("spec: Forbidden: updates to statefulset spec for fields other than");
    }

    [Fact]
    public void ValidateCreate_JobWithDefaultRestartPolicy_IsUnsupported()
    {
        var job = JsonNode.Parse("""{"metadata":{"name":"j"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"x"}]}}}}""")!.AsObject();

        Invalid(ResourceKinds.Jobs, job).Message.ShouldBe(
            "Job.batch \"j\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
    }

    [Fact]
    public void ValidateCreate_BadLabelValue_IsInvalid()
    {
        var d = Deployment();
        d["metadata"]!["labels"] = JsonNode.Parse("""{"app":"bad value"}""");

        Invalid(ResourceKinds.Deployments, d).Message.ShouldContain("metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string");
    }
}
