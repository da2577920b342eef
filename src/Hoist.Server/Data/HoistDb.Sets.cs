using Hoist.Server.Applications;
using Hoist.Server.Audit;
using Hoist.Server.BuildPlans;
using Hoist.Server.CloudAccounts;
using Hoist.Server.Credentials;
using Hoist.Server.Deploys;
using Hoist.Server.Projects;
using Hoist.Server.Teams;
using Hoist.Server.Tokens;
using Hoist.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Hoist.Server.Data;

// The server work's tables (issue #4). Mappings live next to each entity.
public partial class HoistDb
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<BuildPlan> BuildPlans => Set<BuildPlan>();
    public DbSet<Application> Applications => Set<Application>();
    public DbSet<Pipeline> Pipelines => Set<Pipeline>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();
    public DbSet<CloudAccount> CloudAccounts => Set<CloudAccount>();
    public DbSet<DeployCredential> DeployCredentials => Set<DeployCredential>();
    public DbSet<DeployIdempotencyKey> DeployIdempotencyKeys => Set<DeployIdempotencyKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
}
