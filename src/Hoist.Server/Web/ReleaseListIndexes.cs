using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hoist.Server.Web;

/// <summary>
/// What the release list page adds to the engine's Release mapping: an index for its date filter and the
/// overview's last-24-hours window (without it both scan every release). EF composes this with Releases/' own
/// configuration of the entity.
/// </summary>
sealed class ReleaseListIndexes : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> b) => b.HasIndex(r => r.CreatedAt);
}
