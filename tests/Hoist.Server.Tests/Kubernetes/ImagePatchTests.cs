using System.Text.Json.Nodes;
using Hoist.Server.Kubernetes;
using Hoist.Server.Tests.Fakes;
using Shouldly;

namespace Hoist.Server.Tests.Kubernetes;

public class ImagePatchTests
{
    static ImageChange Change(string container = "web", DateTimeOffset? restart = null) => new()
    {
        Container = container, Image = "nginx:1.27", ReleaseId = 42, ChangeCause = "Hoist release #42", RestartedAt = restart,
    };

    [Fact]
    public void ImagePatch_Deployment_PatchesOnlyThatContainerWithPreconditionAndMetadataAnnotations()
    {
        var w = Build.Deployment(image: "nginx:1.26") with { ResourceVersion = "777" };
        var body = JsonNode.Parse(ImagePatch.Build(w, Change())!)!;

        body["metadata"]!["resourceVersion"]!.GetValue<string>().ShouldBe("777");
        body["metadata"]!["annotations"]!["kubernetes.io/change-cause"]!.GetValue<string>().ShouldBe("Hoist release #42");
        body["metadata"]!["annotations"]!["hoist.dev/release-id"]!.GetValue<string>().ShouldBe("42");
        body["metadata"]!["annotations"]!["hoist.dev/previous-image"]!.GetValue<string>().ShouldBe("nginx:1.26");
        var containers = body["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        containers.Count.ShouldBe(1);
        containers[0]!["name"]!.GetValue<string>().ShouldBe("web");
        containers[0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.27");
        body["spec"]!["template"]!["metadata"].ShouldBeNull(); // no template annotation: that would be a second change
    }

    [Fact]
    public void ImagePatch_InitContainer_GoesToInitContainers()
    {
        var body = JsonNode.Parse(ImagePatch.Build(Build.Deployment(), Change("migrate"))!)!;
        body["spec"]!["template"]!["spec"]!["initContainers"]![0]!["name"]!.GetValue<string>().ShouldBe("migrate");
        body["spec"]!["template"]!["spec"]!["containers"].ShouldBeNull();
    }

    [Fact]
    public void ImagePatch_Restart_SetsRestartedAtOnTheTemplate()
    {
        var at = new DateTimeOffset(2025, 6, 1, 8, 30, 0, TimeSpan.Zero);
        var body = JsonNode.Parse(ImagePatch.Build(Build.Deployment(), Change(restart: at))!)!;
        body["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>().ShouldBe("2025-06-01T08:30:00Z");
    }

    [Fact]
    public void ImagePatch_Pod_PatchesTheSpecDirectly()
    {
        var body = JsonNode.Parse(ImagePatch.Build(Build.BarePod(), Change())!)!;
        body["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.27");
        body["spec"]!["template"].ShouldBeNull();
    }

    [Fact]
    public void ImagePatch_CronJob_PatchesTheJobTemplate()
    {
        var body = JsonNode.Parse(ImagePatch.Build(Build.CronJob(), Change())!)!;
        body["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("nginx:1.27");
    }

    [Fact]
    public void ImagePatch_UnknownContainer_BuildsNothing() =>
        ImagePatch.Build(Build.Deployment(), Change("nope")).ShouldBeNull();

    [Fact]
    public void ImagePatch_CarriesRelease_ReadsTheAnnotation()
    {
        var w = Build.Deployment();
        ImagePatch.CarriesRelease(w, 42).ShouldBeFalse();
        var patched = w with { Annotations = new Dictionary<string, string> { ["hoist.dev/release-id"] = "42" } };
        ImagePatch.CarriesRelease(patched, 42).ShouldBeTrue();
        ImagePatch.CarriesRelease(patched, 43).ShouldBeFalse();
    }
}
