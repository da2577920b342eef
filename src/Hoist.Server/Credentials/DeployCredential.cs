using System.Security.Cryptography;
using Hoist.Server.Applications;
using Hoist.Server.BuildPlans;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Kubernetes;
using Hoist.Server.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Credentials;

/// <summary>
/// CD 发布凭据: authorizes one build plan of one project to deploy, optionally only to one cloud account,
/// namespace, workload, container and set of image repositories. The public id (32 hex) is what CI sends as
/// <c>credentialId</c>; it identifies, the personal access token authenticates.
/// </summary>
public sealed class DeployCredential
{
    public long Id { get; set; }
    public string PublicId { get; set; } = "";
    public long ProjectId { get; set; }
    /// <summary>Per project, from 1: <c>CD_CREDENTIAL_INDEX</c>.</summary>
    public int Index { get; set; }
    public long BuildPlanId { get; set; }
    public long PipelineId { get; set; }

    // Narrowing: null means "any".
    public long? CloudAccountId { get; set; }
    public string? Namespace { get; set; }
    public WorkloadKind? Kind { get; set; }
    public string? WorkloadName { get; set; }
    public string? Container { get; set; }
    /// <summary>Newline-separated repository prefixes the image must start with (at a path boundary).</summary>
    public string? AllowedImagePrefixes { get; set; }
    public bool RollbackOnFailure { get; set; }

    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>The credential this one was re-issued from (for a copied build plan).</summary>
    public long? ReissuedFromId { get; set; }

    public IReadOnlyList<string> ImagePrefixList =>
        AllowedImagePrefixes?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public static string NewPublicId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

sealed class DeployCredentialConfiguration : IEntityTypeConfiguration<DeployCredential>
{
    public void Configure(EntityTypeBuilder<DeployCredential> b)
    {
        b.ToTable("DeployCredentials");
        b.Property(c => c.PublicId).HasMaxLength(32);
        b.HasIndex(c => c.PublicId).IsUnique();
        b.HasIndex(c => new { c.ProjectId, c.Index }).IsUnique();
        b.HasIndex(c => c.CloudAccountId);
        b.Property(c => c.Namespace).HasMaxLength(63);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.WorkloadName).HasMaxLength(253);
        b.Property(c => c.Container).HasMaxLength(63);
        b.Property(c => c.AllowedImagePrefixes).HasMaxLength(4000);
        b.Ignore(c => c.ImagePrefixList);
        b.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<BuildPlan>().WithMany().HasForeignKey(c => c.BuildPlanId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Pipeline>().WithMany().HasForeignKey(c => c.PipelineId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CloudAccount>().WithMany().HasForeignKey(c => c.CloudAccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
