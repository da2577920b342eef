using Hoist.Contracts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Releases;
using Hoist.Server.Tests.Fakes;
using Shouldly;

namespace Hoist.Server.Tests.Releases;

public class ReleaseTargetValidatorTests
{
    readonly FakeClusterGateway _cluster = new();
    readonly FakeConnectionSource _connections = new();
    readonly ReleaseTargetValidator _validator;

    public ReleaseTargetValidatorTests()
    {
        _cluster.Add(Build.Deployment(image: "nginx:1.26"));
        _cluster.AddNamespace("empty");
        _validator = new ReleaseTargetValidator(_connections, _cluster);
    }

    Task<TargetCheck> Check(string? ns = "default", string? kind = "Deployment", string? name = "web", string? container = "web", string? image = "nginx:1.27", long account = 1) =>
        _validator.ValidateAsync(account, ns, kind, name, container, image, CancellationToken.None);

    [Fact]
    public async Task Validator_GoodTarget_ReturnsTheWorkloadAndItsImage()
    {
        var check = await Check(kind: "deploy");
        check.Ok.ShouldBeTrue();
        check.Workload.ShouldBe(Build.Ref(WorkloadKind.Deployment, "web"));
        check.CurrentImage("web").ShouldBe("nginx:1.26");
    }

    [Fact]
    public async Task Validator_InitContainer_IsATarget() => (await Check(container: "migrate")).Ok.ShouldBeTrue();

    public static TheoryData<string, string?, string?, string?, string?, string?, string, int> Refusals => new()
    {
        { "bad image", "default", "Deployment", "web", "web", "nginx:1.27:oops", ProblemCodes.InvalidImageReference, 422 },
        { "empty image", "default", "Deployment", "web", "web", "", ProblemCodes.InvalidImageReference, 422 },
        { "Job", "default", "Job", "web", "web", "nginx:1.27", ProblemCodes.UnsupportedWorkloadKind, 422 },
        { "Service", "default", "Service", "web", "web", "nginx:1.27", ProblemCodes.UnsupportedWorkloadKind, 422 },
        { "path in namespace", "../kube-system", "Deployment", "web", "web", "nginx:1.27", ProblemCodes.InvalidField, 422 },
        { "upper-case name", "default", "Deployment", "Web", "web", "nginx:1.27", ProblemCodes.InvalidField, 422 },
        { "no container", "default", "Deployment", "web", "", "nginx:1.27", ProblemCodes.InvalidField, 422 },
        { "missing namespace", "prod", "Deployment", "web", "web", "nginx:1.27", ProblemCodes.NamespaceNotFound, 404 },
        { "missing workload", "empty", "Deployment", "web", "web", "nginx:1.27", ProblemCodes.WorkloadNotFound, 404 },
        { "missing workload of that kind", "default", "StatefulSet", "web", "web", "nginx:1.27", ProblemCodes.WorkloadNotFound, 404 },
        { "missing container", "default", "Deployment", "web", "app", "nginx:1.27", ProblemCodes.ContainerNotFound, 422 },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Validator_BadTarget_IsRefusedWithAStableCode(string scenario, string? ns, string? kind, string? name, string? container, string? image, string code, int status)
    {
        var check = await Check(ns, kind, name, container, image);
        check.Ok.ShouldBeFalse(scenario);
        check.Problem!.Code.ShouldBe(code, scenario);
        check.Problem.Status.ShouldBe(status, scenario);
        check.Problem.Detail.ShouldNotBeNullOrWhiteSpace();
        _cluster.Patches.ShouldBeEmpty();
    }

    [Fact]
    public async Task Validator_MissingContainer_ListsTheOnesThatExist()
    {
        var check = await Check(container: "app");
        check.Problem!.Available.ShouldBe(["web", "sidecar", "migrate"]);
        check.Problem.Detail.ShouldBe("container \"app\" does not exist in deployment/web; its containers are: web, sidecar; init containers: migrate");
    }

    [Fact]
    public async Task Validator_MissingNamespaceAndWorkload_AreNamed()
    {
        (await Check(ns: "prod")).Problem!.Detail.ShouldBe("namespace \"prod\" does not exist in cloud account \"cluster-1\"");
        (await Check(ns: "empty")).Problem!.Detail.ShouldBe("deployment \"web\" does not exist in namespace \"empty\"");
    }

    [Fact]
    public async Task Validator_Job_SaysWhy()
    {
        var check = await Check(kind: "jobs");
        check.Problem!.Detail.ShouldContain("immutable");
    }

    [Fact]
    public async Task Validator_UnknownCloudAccount_Is404()
    {
        _connections.Missing.Add(5);
        (await Check(account: 5)).Problem!.Code.ShouldBe(ProblemCodes.CloudAccountNotFound);
    }
}
