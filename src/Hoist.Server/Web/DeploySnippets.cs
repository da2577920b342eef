using System.Text;

namespace Hoist.Server.Web;

/// <summary>What the wizard knows once the build plan, credential and token exist.</summary>
public sealed record SnippetTarget
{
    public required string ServerUrl { get; init; }
    public required string Application { get; init; }
    /// <summary>The credential's bound pipeline name: <c>&lt;project&gt;-&lt;build plan&gt;-&lt;credential index&gt;</c>.</summary>
    public required string PipelineName { get; init; }
    public required int CredentialIndex { get; init; }
    public required string CredentialId { get; init; }
    public required string CloudAccountName { get; init; }
    public required string Namespace { get; init; }
    public required string Kind { get; init; }
    public required string WorkloadName { get; init; }
    public required string Container { get; init; }
    /// <summary>The image repository without tag, e.g. registry.example.com/shop/web.</summary>
    public required string ImageRepository { get; init; }
}

/// <summary>
/// The pipeline step in the three CI dialects. The Jenkinsfile is CODING's generated form verbatim (its
/// <c>cdDeploy(...)</c> call with <c>${PROJECT_NAME}-${CCI_JOB_NAME}-&lt;index&gt;</c>), so an existing CODING pipeline
/// needs only the server changed; GitHub Actions and GitLab CI run the <c>hoist</c> CLI with the same ten parameters.
/// Every value is quoted for its language; names read from the cluster are DNS labels, but the repository is typed by a user.
/// </summary>
public static class DeploySnippets
{
    public const string TokenVariable = "CD_PERSONAL_ACCESS_TOKEN";
    public const string ServerVariable = "HOIST_SERVER";

    public static string Jenkinsfile(SnippetTarget t)
    {
        var step = new StringBuilder()
            .Append("cdDeploy(deployType: 'PATCH_IMAGE'")
            .Append(", application: '${CCI_CURRENT_TEAM}'")
            .Append(", pipelineName: '${PROJECT_NAME}-${CCI_JOB_NAME}-").Append(t.CredentialIndex).Append('\'')
            .Append(", image: ").Append(Groovy(t.ImageRepository + ":${DOCKER_IMAGE_VERSION}"))
            .Append(", cloudAccountName: ").Append(Groovy(t.CloudAccountName))
            .Append(", namespace: ").Append(Groovy(t.Namespace))
            .Append(", manifestType: ").Append(Groovy(t.Kind))
            .Append(", manifestName: ").Append(Groovy(t.WorkloadName))
            .Append(", containerName: ").Append(Groovy(t.Container))
            .Append(", credentialId: ").Append(Groovy(t.CredentialId))
            .Append(')')
            .ToString();
        return $$"""
            pipeline {
              agent any
              stages {
                stage('部署到远端 Kubernetes 集群') {
                  steps {
                    {{step}}
                  }
                }
              }
            }
            """;
    }

    public static string GitHubActions(SnippetTarget t) => $$$"""
        - name: Deploy to Kubernetes with Hoist
          env:
            {{{ServerVariable}}}: {{{Yaml(t.ServerUrl)}}}
            {{{TokenVariable}}}: ${{ secrets.{{{TokenVariable}}} }}
          run: |
            dotnet tool install --global Hoist.Cli
            hoist deploy \
              --application {{{Shell(t.Application)}}} \
              --pipeline-name {{{Shell(t.PipelineName)}}} \
              --credential-id {{{Shell(t.CredentialId)}}} \
              --cloud-account-name {{{Shell(t.CloudAccountName)}}} \
              --namespace {{{Shell(t.Namespace)}}} \
              --manifest-type {{{Shell(t.Kind)}}} \
              --manifest-name {{{Shell(t.WorkloadName)}}} \
              --container-name {{{Shell(t.Container)}}} \
              --image {{{ShellWithVariable(t.ImageRepository, ":${{ github.sha }}")}}}
        """;

    public static string GitLabCi(SnippetTarget t) => $$"""
        deploy:
          stage: deploy
          image: mcr.microsoft.com/dotnet/sdk:10.0
          variables:
            {{ServerVariable}}: {{Yaml(t.ServerUrl)}}
          script:
            - dotnet tool install --global Hoist.Cli
            - export PATH="$PATH:$HOME/.dotnet/tools"
            - >-
              hoist deploy
              --application {{Shell(t.Application)}}
              --pipeline-name {{Shell(t.PipelineName)}}
              --credential-id {{Shell(t.CredentialId)}}
              --cloud-account-name {{Shell(t.CloudAccountName)}}
              --namespace {{Shell(t.Namespace)}}
              --manifest-type {{Shell(t.Kind)}}
              --manifest-name {{Shell(t.WorkloadName)}}
              --container-name {{Shell(t.Container)}}
              --image {{ShellWithVariable(t.ImageRepository, ":${CI_COMMIT_SHORT_SHA}")}}
        """;

    /// <summary>The variables a CI must define for the Jenkinsfile form; the token is the only secret.</summary>
    public static IReadOnlyList<(string Name, string Value, bool Secret)> Variables(SnippetTarget t, string? token) =>
    [
        (TokenVariable, token ?? "", true),
        (ServerVariable, t.ServerUrl, false),
        ("CD_CREDENTIAL_ID", t.CredentialId, false),
        ("CD_CREDENTIAL_INDEX", t.CredentialIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), false),
        ("CD_ACCOUNT_NAME", t.CloudAccountName, false),
        ("CD_NAMESPACE_NAME", t.Namespace, false),
        ("CD_MANIFEST_TYPE", t.Kind, false),
        ("CD_MANIFEST_NAME", t.WorkloadName, false),
        ("CD_CONTAINER_NAME", t.Container, false),
    ];

    /// <summary>A single-quoted Groovy string: no interpolation by Groovy; the step expands ${VAR} itself, as CODING's does.</summary>
    static string Groovy(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>A single-quoted POSIX shell word.</summary>
    static string Shell(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A literal prefix followed by a CI variable reference that the shell must expand.</summary>
    static string ShellWithVariable(string literal, string variableSuffix) => Shell(literal) + "\"" + variableSuffix + "\"";

    /// <summary>A double-quoted YAML scalar.</summary>
    static string Yaml(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
