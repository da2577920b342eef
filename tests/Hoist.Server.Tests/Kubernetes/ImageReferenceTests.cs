using Hoist.Server.Kubernetes;
using Shouldly;

namespace Hoist.Server.Tests.Kubernetes;

public class ImageReferenceTests
{
    [Theory]
    [InlineData("nginx", null, "nginx", null, null)]
    [InlineData("nginx:1.27", null, "nginx", "1.27", null)]
    [InlineData("library/nginx:1.27-alpine", null, "library/nginx", "1.27-alpine", null)]
    [InlineData("registry.example.com/team/app:v1.2.3", "registry.example.com", "team/app", "v1.2.3", null)]
    [InlineData("localhost:5000/app:dev", "localhost:5000", "app", "dev", null)]
    [InlineData("localhost/app", "localhost", "app", null, null)]
    [InlineData("[::1]:5000/app:1", "[::1]:5000", "app", "1", null)]
    [InlineData("10.0.0.1:5000/a/b/c:latest", "10.0.0.1:5000", "a/b/c", "latest", null)]
    [InlineData("my_app/sub__name/x-y--z:TAG_1.0", null, "my_app/sub__name/x-y--z", "TAG_1.0", null)]
    [InlineData("ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "ghcr.io", "org/app", null, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null, "nginx", "1.27", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void ImageReference_Valid_Parses(string text, string? domain, string path, string? tag, string? digest)
    {
        ImageReference.TryParse(text, out var r, out var error).ShouldBeTrue(error);
        r!.Domain.ShouldBe(domain);
        r.Path.ShouldBe(path);
        r.Tag.ShouldBe(tag);
        r.Digest.ShouldBe(digest);
        r.ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("nginx ")]
    [InlineData("Nginx:1.27")]
    [InlineData("team/App")]
    [InlineData("nginx:")]
    [InlineData("nginx:-bad")]
    [InlineData("nginx:.bad")]
    [InlineData(":1.0")]
    [InlineData("/nginx")]
    [InlineData("nginx/")]
    [InlineData("nginx//app")]
    [InlineData("-nginx")]
    [InlineData("nginx_")]
    [InlineData("nginx@sha256:abc")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF0")]
    [InlineData("nginx@sha256")]
    [InlineData("nginx:1.0:2.0")]
    [InlineData("nginx:tag with space")]
    [InlineData("registry.example.com:port/app")]
    [InlineData("nginx;rm -rf /")]
    [InlineData("nginx\n")]
    [InlineData("ngïnx")]
    [InlineData("nginx:tàg")]
    public void ImageReference_Invalid_IsRefusedWithAReason(string text)
    {
        ImageReference.TryParse(text, out var r, out var error).ShouldBeFalse();
        r.ShouldBeNull();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void ImageReference_TagLongerThan128_IsRefused()
    {
        ImageReference.IsValid("nginx:" + new string('a', 128)).ShouldBeTrue();
        ImageReference.IsValid("nginx:" + new string('a', 129)).ShouldBeFalse();
    }

    [Fact]
    public void ImageReference_NameLongerThan255_IsRefused()
    {
        ImageReference.IsValid(new string('a', 255)).ShouldBeTrue();
        ImageReference.IsValid(new string('a', 256)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("nginx", "docker.io/library/nginx:latest")]
    [InlineData("nginx:1.27", "docker.io/library/nginx:1.27")]
    [InlineData("team/app:1", "docker.io/team/app:1")]
    [InlineData("index.docker.io/library/nginx:1", "docker.io/library/nginx:1")]
    [InlineData("ghcr.io/org/app:2", "ghcr.io/org/app:2")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest")]
    public void ImageReference_Normalized_MatchesWhatTheKubeletReports(string text, string normalized)
    {
        ImageReference.TryParse(text, out var r, out _).ShouldBeTrue();
        r!.Normalized().ShouldBe(normalized);
    }

    [Theory]
    [InlineData("nginx:1.27", "docker.io/library/nginx:1.27", true)]
    [InlineData("nginx", "nginx:latest", true)]
    [InlineData("nginx:1.27", "nginx:1.26", false)]
    [InlineData("nginx:1.27", "ghcr.io/nginx:1.27", false)]
    [InlineData("nginx:1.27", null, false)]
    public void ImageReference_SameImage_ComparesNormalizedForms(string a, string? b, bool same) =>
        ImageReference.SameImage(a, b).ShouldBe(same);
}
