using Hoist.Server.Releases;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Data;

public partial class HoistDb
{
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<ReleaseTransition> ReleaseTransitions => Set<ReleaseTransition>();
    public DbSet<ReleaseEvent> ReleaseEvents => Set<ReleaseEvent>();
    public DbSet<ReleasePod> ReleasePods => Set<ReleasePod>();
}
