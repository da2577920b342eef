using Hoist.Contracts;

namespace Hoist.Server.Web;

/// <summary>
/// Every visible word of the web pages, in English and Chinese. One typed record instead of .resx: a missing
/// translation is a compile error (all members are <c>required</c>), and a page cannot mistype a key.
/// Parameterised texts are small functions so that word order can differ between the languages.
/// </summary>
public sealed record Strings
{
    // Layout
    public required string SkipToContent { get; init; }
    public required string NavOverview { get; init; }
    public required string NavReleases { get; init; }
    public required string NavCloudAccounts { get; init; }
    public required string NavTokens { get; init; }
    public required string NavAudit { get; init; }
    public required string NavMain { get; init; }
    public required string Breadcrumb { get; init; }
    public required string LanguageLabel { get; init; }
    public required string SignOut { get; init; }
    public required string SignedInAs { get; init; }
    public required string Tagline { get; init; }

    // Login
    public required string LoginTitle { get; init; }
    public required string Username { get; init; }
    public required string Password { get; init; }
    public required string LoginButton { get; init; }
    public required string LoginFailed { get; init; }
    public required string LoginThrottled { get; init; }

    // Overview
    public required string OverviewTitle { get; init; }
    public required string RecentReleases { get; init; }
    public required string AllReleases { get; init; }
    public required string ClusterHealth { get; init; }
    public required string NoClusters { get; init; }
    public required string YourProjects { get; init; }
    public required string NoProjects { get; init; }
    public required string Cluster { get; init; }
    public required string Connection { get; init; }
    public required string LastRelease { get; init; }
    public required string ReleasesLast24h { get; init; }
    public required string FailedLast24h { get; init; }
    public required string Reachable { get; init; }
    public required string Unreachable { get; init; }
    public required string NotChecked { get; init; }

    // Release list
    public required string ReleasesTitle { get; init; }
    public required string Filters { get; init; }
    public required string Status { get; init; }
    public required string AnyStatus { get; init; }
    public required string Application { get; init; }
    public required string Pipeline { get; init; }
    public required string Project { get; init; }
    public required string Workload { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required string Apply { get; init; }
    public required string Reset { get; init; }
    public required string NoReleases { get; init; }
    public required string Release { get; init; }
    public required string Image { get; init; }
    public required string Who { get; init; }
    public required string Started { get; init; }
    public required string Duration { get; init; }
    public required string Pagination { get; init; }
    public required string Previous { get; init; }
    public required string Next { get; init; }
    public required Func<int, int, int, string> PageOf { get; init; }   // page, pages, total

    // Release detail
    public required Func<long, string> ReleaseTitle { get; init; }
    public required string ReleaseNotFound { get; init; }
    public required string Verdict { get; init; }
    public required string Reason { get; init; }
    public required string InProgress { get; init; }
    public required string Summary { get; init; }
    public required string BuildPlan { get; init; }
    public required string BuildNumber { get; init; }
    public required string Commit { get; init; }
    public required string TriggeredBy { get; init; }
    public required string Target { get; init; }
    public required string Namespace { get; init; }
    public required string ResourceType { get; init; }
    public required string ResourceName { get; init; }
    public required string Container { get; init; }
    public required string ImageChange { get; init; }
    public required string ImageBefore { get; init; }
    public required string ImageAfter { get; init; }
    public required string RunningDigest { get; init; }
    public required string NotYetKnown { get; init; }
    public required string Stages { get; init; }
    public required string ProgressLog { get; init; }
    public required string ProgressLogEmpty { get; init; }
    public required string ProgressLogNeedsScript { get; init; }
    public required string PatchSent { get; init; }
    public required string NoPatch { get; init; }
    public required string RollBack { get; init; }
    public required Func<string, string> RollBackExplain { get; init; }   // image restored
    public required Func<long, string> RolledBackByLink { get; init; }
    public required Func<long, string> RollbackOfLink { get; init; }
    public required string RollbackNotAllowed { get; init; }
    public required string RollbackFailed { get; init; }
    public required string ViewRuntime { get; init; }
    public required string OpenBuild { get; init; }
    public required string Created { get; init; }
    public required string Finished { get; init; }
    public required string Cancel { get; init; }
    public required string CancelFailed { get; init; }
    public required string LiveConnected { get; init; }
    public required string PodsAtVerdict { get; init; }
    public required string LastLogLines { get; init; }
    public required string LiveLost { get; init; }

    // Runtime
    public required Func<long, string> RuntimeTitle { get; init; }
    public required string BackToRelease { get; init; }
    public required string Replicas { get; init; }
    public required string Desired { get; init; }
    public required string Updated { get; init; }
    public required string Ready { get; init; }
    public required string Available { get; init; }
    public required string Pods { get; init; }
    public required string NewRevision { get; init; }
    public required string OldRevisions { get; init; }
    public required string NoPods { get; init; }
    public required string Pod { get; init; }
    public required string Revision { get; init; }
    public required string Phase { get; init; }
    public required string Restarts { get; init; }
    public required string Node { get; init; }
    public required string Age { get; init; }
    public required string Containers { get; init; }
    public required string State { get; init; }
    public required string LastTermination { get; init; }
    public required string ExitCode { get; init; }
    public required string InitContainer { get; init; }
    public required string Events { get; init; }
    public required string NoEvents { get; init; }
    public required Func<int, string> MoreEvents { get; init; }
    public required string Copy { get; init; }
    public required string Copied { get; init; }
    public required string Type { get; init; }
    public required string Object { get; init; }
    public required string Message { get; init; }
    public required string Count { get; init; }
    public required string LastSeen { get; init; }
    public required string LogTail { get; init; }
    public required string LogEmpty { get; init; }
    public required string LogTruncated { get; init; }
    public required string WorkloadMissing { get; init; }
    public required string StaleBanner { get; init; }
    public required Func<string, string> ClusterUnreachableText { get; init; }
    public required string ReadAt { get; init; }
    public required string SelectPod { get; init; }
    public required string Legend { get; init; }
    public required string PodReady { get; init; }
    public required string PodTerminating { get; init; }
    public required string PodStarting { get; init; }
    public required string PodPending { get; init; }
    public required string PodFailing { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }

    // Management pages
    public required string Name { get; init; }
    public required string Actions { get; init; }
    public required string Optional { get; init; }
    public required string Create { get; init; }
    public required string Delete { get; init; }
    public required Func<string, string> DeleteNamed { get; init; }
    public required string Revoke { get; init; }
    public required Func<string, string> RevokeNamed { get; init; }
    public required string Revoked { get; init; }
    public required string Active { get; init; }
    public required string Allowed { get; init; }
    public required string NotAllowed { get; init; }
    public required string Refused { get; init; }
    public required string Choose { get; init; }
    public required string TeamLabel { get; init; }
    public required string NoTeams { get; init; }
    public required Func<string, string, string> ProblemTitle { get; init; }
    public required string DeploySettingsNeededTitle { get; init; }
    public required Func<string, string, string> DeploySettingsNeeded { get; init; }
    public required string AskToGrant { get; init; }
    public required string TokensTitle { get; init; }
    public required string TokensIntro { get; init; }
    public required string NewToken { get; init; }
    public required string CreateToken { get; init; }
    public required string ExpiresInDays { get; init; }
    public required string Scopes { get; init; }
    public required string ScopeDeployment { get; init; }
    public required string ScopeRead { get; init; }
    public required string ScopeAdmin { get; init; }
    public required string YourTokens { get; init; }
    public required string NoTokens { get; init; }
    public required string Prefix { get; init; }
    public required string Expires { get; init; }
    public required string LastUsed { get; init; }
    public required Func<string, string> TokenCreated { get; init; }
    public required string SecretShownOnce { get; init; }
    public required Func<string, string> TokenStatus { get; init; }
    public required string CloudAccountsTitle { get; init; }
    public required string CloudAccountsIntro { get; init; }
    public required Func<string, string> AccountChecked { get; init; }
    public required string ApiServer { get; init; }
    public required string Version { get; init; }
    public required string CheckedAt { get; init; }
    public required string TestConnection { get; init; }
    public required Func<string, string> TestConnectionOf { get; init; }
    public required string AddCloudAccount { get; init; }
    public required string AccountNameHint { get; init; }
    public required string ConnectBy { get; init; }
    public required string ByKubeconfig { get; init; }
    public required string ByToken { get; init; }
    public required string KubeconfigHint { get; init; }
    public required string Context { get; init; }
    public required string ContextHint { get; init; }
    public required string ReadContexts { get; init; }
    public required string BearerToken { get; init; }
    public required string CaData { get; init; }
    public required string CaHint { get; init; }
    public required string InsecureSkipTls { get; init; }
    public required string SaveAndTest { get; init; }
    public required Func<string, string> ConnectionStatusName { get; init; }
    public required string CredentialsTitle { get; init; }
    public required string CredentialsIntro { get; init; }
    public required string NewFromTemplate { get; init; }
    public required string NoCredentials { get; init; }
    public required string Index { get; init; }
    public required string CredentialId { get; init; }
    public required string Narrowing { get; init; }
    public required string AnyTarget { get; init; }
    public required string ReissuedFrom { get; init; }
    public required string Reissue { get; init; }
    public required string ReissueFor { get; init; }
    public required string NewCredential { get; init; }
    public required string NewCredentialHint { get; init; }
    public required Func<string, int, string> CredentialCreated { get; init; }
    public required Func<string, string> CredentialRevoked { get; init; }
    public required string WizardTitle { get; init; }
    public required string WizardIntro { get; init; }
    public required string ChooseTemplate { get; init; }
    public required string TemplateDeployK8s { get; init; }
    public required string BuildPlanName { get; init; }
    public required string NoClustersHint { get; init; }
    public required string NoWorkloadsOfKind { get; init; }
    public required string ImageRepository { get; init; }
    public required string ImageRepositoryHint { get; init; }
    public required string RollbackOnFailure { get; init; }
    public required string LoadLists { get; init; }
    public required string CreateBuildPlan { get; init; }
    public required string CreateAndTrigger { get; init; }
    public required string FirstImage { get; init; }
    public required Func<string, string> WizardMissing { get; init; }
    public required string WizardImageNeeded { get; init; }
    public required Func<string, string> WizardCreated { get; init; }
    public required string CiSetupTitle { get; init; }
    public required string VariablesToSet { get; init; }
    public required string SecretTag { get; init; }
    public required string SecretNotShown { get; init; }
    public required string Action { get; init; }
    public required string AnyAction { get; init; }
    public required string Outcome { get; init; }
    public required string AnyOutcome { get; init; }
    public required string NoAuditEntries { get; init; }
    public required string When { get; init; }
    public required string Detail { get; init; }
    public required string Source { get; init; }
    public required string ViaToken { get; init; }
    public required string AuditAdminsOnly { get; init; }
    public required Func<int, int, int, string> PageOfEntries { get; init; }

    // Errors
    public required string NotFoundTitle { get; init; }
    public required string NotFoundText { get; init; }
    public required string ForbiddenTitle { get; init; }

    public required IReadOnlyDictionary<ReleaseStatus, string> StatusNames { get; init; }
    public required IReadOnlyDictionary<FailureReason, string> ReasonNames { get; init; }

    public string StatusName(ReleaseStatus s) => StatusNames.TryGetValue(s, out var n) ? n : s.ToString();
    public string ReasonName(FailureReason r) => ReasonNames.TryGetValue(r, out var n) ? n : r.ToString();

    public static readonly Strings En = new()
    {
        SkipToContent = "Skip to content",
        NavOverview = "Overview",
        NavReleases = "Releases",
        NavCloudAccounts = "Cloud accounts",
        NavTokens = "Access tokens",
        NavAudit = "Audit log",
        NavMain = "Main",
        Breadcrumb = "Breadcrumb",
        LanguageLabel = "Language",
        SignOut = "Sign out",
        SignedInAs = "Signed in as",
        Tagline = "Continuous deployment to Kubernetes",

        LoginTitle = "Sign in to Hoist",
        Username = "Username",
        Password = "Password",
        LoginButton = "Sign in",
        LoginFailed = "Wrong username or password.",
        LoginThrottled = "Too many attempts. Wait a minute and try again.",

        OverviewTitle = "Overview",
        RecentReleases = "Recent releases",
        AllReleases = "All releases",
        ClusterHealth = "Cluster health",
        NoClusters = "No cloud account is registered yet.",
        YourProjects = "Your projects",
        NoProjects = "You are not in any project yet.",
        Cluster = "Cluster",
        Connection = "Connection",
        LastRelease = "Last release",
        ReleasesLast24h = "Releases (24 h)",
        FailedLast24h = "Failed (24 h)",
        Reachable = "Reachable",
        Unreachable = "Unreachable",
        NotChecked = "Not checked",

        ReleasesTitle = "Releases",
        Filters = "Filters",
        Status = "Status",
        AnyStatus = "Any status",
        Application = "Application",
        Pipeline = "Pipeline",
        Project = "Project",
        Workload = "Workload",
        From = "From",
        To = "To",
        Apply = "Apply",
        Reset = "Reset",
        NoReleases = "No release matches.",
        Release = "Release",
        Image = "Image",
        Who = "Who",
        Started = "Started",
        Duration = "Duration",
        Pagination = "Pages",
        Previous = "Previous",
        Next = "Next",
        PageOf = (page, pages, total) => $"Page {page} of {pages} · {total} releases",

        ReleaseTitle = id => $"Release #{id}",
        ReleaseNotFound = "This release does not exist.",
        Verdict = "Verdict",
        Reason = "Reason",
        InProgress = "In progress",
        Summary = "Summary",
        BuildPlan = "Build plan",
        BuildNumber = "Build number",
        Commit = "Commit",
        TriggeredBy = "Triggered by",
        Target = "Target",
        Namespace = "Namespace",
        ResourceType = "Resource type",
        ResourceName = "Resource name",
        Container = "Container",
        ImageChange = "Image",
        ImageBefore = "Before",
        ImageAfter = "After",
        RunningDigest = "Running digest",
        NotYetKnown = "not known yet",
        Stages = "Stages",
        ProgressLog = "Progress log",
        ProgressLogEmpty = "Waiting for the first event…",
        ProgressLogNeedsScript = "The live log needs JavaScript. The stages above show every recorded step.",
        PatchSent = "Patch sent to the cluster",
        NoPatch = "No patch was sent.",
        RollBack = "Roll back",
        RollBackExplain = image => $"Starts a new release that restores {image}.",
        RolledBackByLink = id => $"Rolled back by release #{id}",
        RollbackOfLink = id => $"This release rolls back release #{id}",
        RollbackNotAllowed = "You cannot roll back: it needs the deployment-settings permission in this project.",
        RollbackFailed = "The rollback could not start",
        ViewRuntime = "Container runtime",
        OpenBuild = "Open the CI build",
        Created = "Created",
        Finished = "Finished",
        Cancel = "Cancel",
        CancelFailed = "The release could not be cancelled",
        LiveConnected = "Live",
        PodsAtVerdict = "Pods of the new revision that were not ready",
        LastLogLines = "Last log lines of the failing container",
        LiveLost = "Live updates lost. Reconnecting…",

        RuntimeTitle = id => $"Container runtime · release #{id}",
        BackToRelease = "Back to the release",
        Replicas = "Replicas",
        Desired = "Desired",
        Updated = "Updated",
        Ready = "Ready",
        Available = "Available",
        Pods = "Pods",
        NewRevision = "New revision",
        OldRevisions = "Old revisions",
        NoPods = "No pods.",
        Pod = "Pod",
        Revision = "Revision",
        Phase = "Phase",
        Restarts = "Restarts",
        Node = "Node",
        Age = "Age",
        Containers = "Containers",
        State = "State",
        LastTermination = "Last termination",
        ExitCode = "exit code",
        InitContainer = "init",
        Events = "Events",
        NoEvents = "No events.",
        MoreEvents = n => $"{n} more events",
        Copy = "Copy",
        Copied = "Copied",
        Type = "Type",
        Object = "Object",
        Message = "Message",
        Count = "Count",
        LastSeen = "Last seen",
        LogTail = "Log tail",
        LogEmpty = "The log is empty.",
        LogTruncated = "Long lines were shortened.",
        WorkloadMissing = "The workload no longer exists in the cluster.",
        StaleBanner = "Stale: live updates from the cluster stopped. The data below may be out of date. Retrying…",
        ClusterUnreachableText = why => $"The cluster cannot be reached: {why}",
        ReadAt = "Read at",
        SelectPod = "Show this pod",
        Legend = "Legend",
        PodReady = "Ready",
        PodTerminating = "Terminating",
        PodStarting = "Running, not ready",
        PodPending = "Pending",
        PodFailing = "Failing",
        Yes = "yes",
        No = "no",

        Name = "Name",
        Actions = "Actions",
        Optional = "optional",
        Create = "Create",
        Delete = "Delete",
        DeleteNamed = n => $"Delete {n}",
        Revoke = "Revoke",
        RevokeNamed = n => $"Revoke {n}",
        Revoked = "Revoked",
        Active = "Active",
        Allowed = "Allowed",
        NotAllowed = "not allowed",
        Refused = "Refused",
        Choose = "— choose —",
        TeamLabel = "Team",
        NoTeams = "You are not in any team yet. A server admin can add you.",
        ProblemTitle = (code, title) => code switch { "permission_denied" => "Not allowed", "not_found" => "Not found", "invalid_field" => "Check this field", "conflict" => "Conflict", "cluster_unreachable" => "The cluster cannot be reached", "cloud_account_not_found" => "Cloud account not found", "workload_not_found" => "Workload not found", "container_not_found" => "Container not found", "credential_build_plan_mismatch" => "Credential error: build plan overreach", _ => title },
        DeploySettingsNeededTitle = "The deployment-settings permission is needed",
        DeploySettingsNeeded = (team, project) => $"Deploying controls cluster resources directly, so this page needs the deployment-settings permission (部署设置权限) in team {team}" + (project.Length > 0 ? $" (project {project})" : "") + ". Team owners and admins hold it; members must ask for it.",
        AskToGrant = "Ask one of them to grant it:",
        TokensTitle = "Personal access tokens",
        TokensIntro = "Tokens let CI call Hoist as you. Use the project:deployment scope for the cdDeploy step. A token's secret is shown once.",
        NewToken = "New token",
        CreateToken = "Create token",
        ExpiresInDays = "Expires in (days)",
        Scopes = "Scopes",
        ScopeDeployment = "deploy from CI, roll back, cancel",
        ScopeRead = "read releases, runtime and logs",
        ScopeAdmin = "manage teams, projects, credentials, cloud accounts",
        YourTokens = "Your tokens",
        NoTokens = "You have no tokens.",
        Prefix = "Prefix",
        Expires = "Expires",
        LastUsed = "Last used",
        TokenCreated = n => $"Token \"{n}\" created",
        SecretShownOnce = "Copy it now: it is shown only this once and cannot be read again.",
        TokenStatus = s => s switch { "active" => "Active", "revoked" => "Revoked", "expired" => "Expired", _ => s },
        CloudAccountsTitle = "Cloud accounts",
        CloudAccountsIntro = "Each cloud account is one Kubernetes cluster. Hoist stores its kubeconfig or token encrypted and checks on save that it can reach the API and has the rights it needs.",
        AccountChecked = n => $"Cloud account {n} checked:",
        ApiServer = "API server",
        Version = "Version",
        CheckedAt = "Checked",
        TestConnection = "Test connection",
        TestConnectionOf = n => $"Test the connection of {n}",
        AddCloudAccount = "Add a cloud account",
        AccountNameHint = "lowercase letters, digits and dashes; unique in the team",
        ConnectBy = "Connect with",
        ByKubeconfig = "a kubeconfig and one of its contexts",
        ByToken = "API server URL + token + CA",
        KubeconfigHint = "inline data only: exec, auth-provider and file paths are refused",
        Context = "Context",
        ContextHint = "read the contexts first, or leave empty for the current one",
        ReadContexts = "Read contexts",
        BearerToken = "Token",
        CaData = "CA certificate",
        CaHint = "PEM or base64 PEM",
        InsecureSkipTls = "Skip TLS verification (test clusters only)",
        SaveAndTest = "Save and test",
        ConnectionStatusName = s => s switch { "Ok" => "Connected", "Unreachable" => "Unreachable", "MissingPermissions" => "Missing permissions", _ => "Not checked" },
        CredentialsTitle = "Deploy credentials",
        CredentialsIntro = "A deploy credential authorizes one build plan of this project to deploy (CD_CREDENTIAL_ID). A copied build plan needs its own: re-issue one for it.",
        NewFromTemplate = "Deploy to Kubernetes template",
        NoCredentials = "No credentials yet.",
        Index = "Index",
        CredentialId = "Credential id",
        Narrowing = "Limited to",
        AnyTarget = "any cluster, namespace and workload",
        ReissuedFrom = "re-issued from",
        Reissue = "Re-issue",
        ReissueFor = "Re-issue for build plan",
        NewCredential = "New credential",
        NewCredentialHint = "for any target; the template narrows it to one workload and container",
        CredentialCreated = (id, index) => $"Credential {id} (index {index}) created.",
        CredentialRevoked = id => $"Credential {id} revoked.",
        WizardTitle = "New build plan: deploy to Kubernetes",
        WizardIntro = "Creates the build plan, a deploy credential bound to it and a token with the project:deployment scope, and shows the pipeline step to paste.",
        ChooseTemplate = "Choose a template",
        TemplateDeployK8s = "Deploy to Kubernetes (镜像更新至 K8s 集群)",
        BuildPlanName = "Build plan name",
        NoClustersHint = "No cloud account in this team yet:",
        NoWorkloadsOfKind = "No workload of this type in the namespace.",
        ImageRepository = "Image repository",
        ImageRepositoryHint = "without a tag; releases must use an image from it",
        RollbackOnFailure = "Roll back automatically when a rollout fails",
        LoadLists = "Load lists",
        CreateBuildPlan = "Create",
        CreateAndTrigger = "Create and trigger",
        FirstImage = "Image to deploy now",
        WizardMissing = f => $"Choose or fill in '{f}' first.",
        WizardImageNeeded = "\"Create and trigger\" needs an image to deploy.",
        WizardCreated = p => $"Created: pipeline {p}. Set the variables below in your CI and add the step.",
        CiSetupTitle = "Set up your CI",
        VariablesToSet = "Variables to set in the CI",
        SecretTag = "secret",
        SecretNotShown = "(create a token on the Access tokens page)",
        Action = "Action",
        AnyAction = "Any action",
        Outcome = "Outcome",
        AnyOutcome = "Any outcome",
        NoAuditEntries = "No entries.",
        When = "When",
        Detail = "Detail",
        Source = "Source",
        ViaToken = "token",
        AuditAdminsOnly = "The audit log is for server admins and team owners and admins.",
        PageOfEntries = (page, pages, total) => $"Page {page} of {pages} · {total} entries",
        NotFoundTitle = "Not found",
        NotFoundText = "There is nothing at this address.",
        ForbiddenTitle = "Not allowed",

        StatusNames = new Dictionary<ReleaseStatus, string>
        {
            [ReleaseStatus.Queued] = "Queued",
            [ReleaseStatus.Validating] = "Validating",
            [ReleaseStatus.Patching] = "Patching",
            [ReleaseStatus.RollingOut] = "Rolling out",
            [ReleaseStatus.Succeeded] = "Succeeded",
            [ReleaseStatus.Failed] = "Failed",
            [ReleaseStatus.TimedOut] = "Timed out",
            [ReleaseStatus.Cancelled] = "Cancelled",
            [ReleaseStatus.RollingBack] = "Rolling back",
            [ReleaseStatus.RolledBack] = "Rolled back",
        },
        ReasonNames = new Dictionary<FailureReason, string>
        {
            [FailureReason.None] = "None",
            [FailureReason.ImagePullFailed] = "Image cannot be pulled",
            [FailureReason.CrashLoop] = "Container keeps crashing",
            [FailureReason.ContainerConfigError] = "Container configuration error",
            [FailureReason.Unschedulable] = "Pods cannot be scheduled",
            [FailureReason.ProgressDeadlineExceeded] = "Progress deadline exceeded",
            [FailureReason.TimedOut] = "Timed out",
            [FailureReason.WorkloadDeleted] = "Workload was deleted",
            [FailureReason.ClusterUnreachable] = "Cluster unreachable",
            [FailureReason.ValidationFailed] = "Validation failed",
            [FailureReason.PatchFailed] = "Patch failed",
            [FailureReason.Cancelled] = "Cancelled",
        },
    };

    public static readonly Strings Zh = new()
    {
        SkipToContent = "跳到正文",
        NavOverview = "概览",
        NavReleases = "发布单",
        NavCloudAccounts = "云账号",
        NavTokens = "访问令牌",
        NavAudit = "审计日志",
        NavMain = "主导航",
        Breadcrumb = "位置",
        LanguageLabel = "语言",
        SignOut = "退出登录",
        SignedInAs = "当前用户",
        Tagline = "持续部署到 Kubernetes",

        LoginTitle = "登录 Hoist",
        Username = "用户名",
        Password = "密码",
        LoginButton = "登录",
        LoginFailed = "用户名或密码错误。",
        LoginThrottled = "尝试次数过多，请稍候一分钟再试。",

        OverviewTitle = "概览",
        RecentReleases = "最近的发布单",
        AllReleases = "全部发布单",
        ClusterHealth = "集群状态",
        NoClusters = "尚未添加云账号。",
        YourProjects = "我的项目",
        NoProjects = "你还不属于任何项目。",
        Cluster = "集群",
        Connection = "连接状态",
        LastRelease = "最近一次发布",
        ReleasesLast24h = "发布数（24 小时）",
        FailedLast24h = "失败数（24 小时）",
        Reachable = "可连接",
        Unreachable = "无法连接",
        NotChecked = "未检查",

        ReleasesTitle = "发布单",
        Filters = "筛选",
        Status = "状态",
        AnyStatus = "全部状态",
        Application = "应用",
        Pipeline = "部署流程",
        Project = "项目",
        Workload = "工作负载",
        From = "开始日期",
        To = "结束日期",
        Apply = "筛选",
        Reset = "重置",
        NoReleases = "没有符合条件的发布单。",
        Release = "发布单",
        Image = "镜像",
        Who = "发起人",
        Started = "开始时间",
        Duration = "耗时",
        Pagination = "分页",
        Previous = "上一页",
        Next = "下一页",
        PageOf = (page, pages, total) => $"第 {page} / {pages} 页 · 共 {total} 个发布单",

        ReleaseTitle = id => $"发布单 #{id}",
        ReleaseNotFound = "该发布单不存在。",
        Verdict = "结论",
        Reason = "原因",
        InProgress = "进行中",
        Summary = "概要",
        BuildPlan = "构建计划",
        BuildNumber = "构建编号",
        Commit = "提交",
        TriggeredBy = "发起人",
        Target = "发布目标",
        Namespace = "命名空间",
        ResourceType = "资源类型",
        ResourceName = "资源名称",
        Container = "Pod 容器",
        ImageChange = "镜像",
        ImageBefore = "发布前",
        ImageAfter = "发布后",
        RunningDigest = "运行中的镜像摘要",
        NotYetKnown = "尚未获知",
        Stages = "阶段",
        ProgressLog = "发布进度日志",
        ProgressLogEmpty = "等待第一条事件…",
        ProgressLogNeedsScript = "实时日志需要启用 JavaScript。上方的阶段列表记录了每一步。",
        PatchSent = "发送到集群的 Patch",
        NoPatch = "未发送 Patch。",
        RollBack = "回滚",
        RollBackExplain = image => $"新建一个发布单，恢复镜像 {image}。",
        RolledBackByLink = id => $"已由发布单 #{id} 回滚",
        RollbackOfLink = id => $"本发布单回滚了发布单 #{id}",
        RollbackNotAllowed = "无法回滚：需要该项目的部署设置权限。",
        RollbackFailed = "回滚未能开始",
        ViewRuntime = "容器运行详情",
        OpenBuild = "打开 CI 构建",
        Created = "创建时间",
        Finished = "结束时间",
        Cancel = "取消发布",
        CancelFailed = "无法取消发布单",
        LiveConnected = "实时",
        PodsAtVerdict = "未就绪的新版本 Pod",
        LastLogLines = "故障容器的最后几行日志",
        LiveLost = "实时更新已断开，正在重连…",

        RuntimeTitle = id => $"容器运行详情 · 发布单 #{id}",
        BackToRelease = "返回发布单",
        Replicas = "副本",
        Desired = "期望",
        Updated = "已更新",
        Ready = "就绪",
        Available = "可用",
        Pods = "Pod 实例",
        NewRevision = "新版本",
        OldRevisions = "旧版本",
        NoPods = "没有 Pod。",
        Pod = "Pod",
        Revision = "版本",
        Phase = "阶段",
        Restarts = "重启次数",
        Node = "节点",
        Age = "运行时长",
        Containers = "容器",
        State = "状态",
        LastTermination = "上次终止",
        ExitCode = "退出码",
        InitContainer = "初始化",
        Events = "事件",
        NoEvents = "没有事件。",
        MoreEvents = n => $"还有 {n} 条事件",
        Copy = "复制",
        Copied = "已复制",
        Type = "类型",
        Object = "对象",
        Message = "信息",
        Count = "次数",
        LastSeen = "最近出现",
        LogTail = "日志尾部",
        LogEmpty = "日志为空。",
        LogTruncated = "过长的行已截断。",
        WorkloadMissing = "该工作负载已不在集群中。",
        StaleBanner = "数据已过期：与集群的实时连接已中断，下方数据可能不是最新的。正在重试…",
        ClusterUnreachableText = why => $"无法连接集群：{why}",
        ReadAt = "读取时间",
        SelectPod = "查看此 Pod",
        Legend = "图例",
        PodReady = "就绪",
        PodTerminating = "正在终止",
        PodStarting = "运行中，未就绪",
        PodPending = "等待中",
        PodFailing = "异常",
        Yes = "是",
        No = "否",

        Name = "名称",
        Actions = "操作",
        Optional = "可选",
        Create = "创建",
        Delete = "删除",
        DeleteNamed = n => $"删除 {n}",
        Revoke = "吊销",
        RevokeNamed = n => $"吊销 {n}",
        Revoked = "已吊销",
        Active = "有效",
        Allowed = "允许",
        NotAllowed = "不允许",
        Refused = "拒绝",
        Choose = "— 请选择 —",
        TeamLabel = "团队",
        NoTeams = "你还不属于任何团队，请联系服务器管理员。",
        ProblemTitle = (code, title) => code switch { "permission_denied" => "无权操作", "not_found" => "未找到", "invalid_field" => "请检查此项", "conflict" => "冲突", "cluster_unreachable" => "无法连接集群", "cloud_account_not_found" => "云账号不存在", "workload_not_found" => "工作负载不存在", "container_not_found" => "容器不存在", "credential_build_plan_mismatch" => "凭据错误：构建计划越权", _ => title },
        DeploySettingsNeededTitle = "需要部署设置权限",
        DeploySettingsNeeded = (team, project) => $"部署可以直接管控集群资源，属于敏感权限。此页面需要团队 {team}" + (project.Length > 0 ? $"（项目 {project}）" : "") + " 的部署设置权限；团队所有者和管理员默认拥有，其他成员需向管理员申请。",
        AskToGrant = "可以请以下人员授予：",
        TokensTitle = "个人访问令牌",
        TokensIntro = "令牌让 CI 以你的身份调用 Hoist。cdDeploy 步骤使用 project:deployment 权限。令牌只显示一次。",
        NewToken = "新建令牌",
        CreateToken = "创建令牌",
        ExpiresInDays = "有效期（天）",
        Scopes = "权限范围",
        ScopeDeployment = "从 CI 发布、回滚、取消",
        ScopeRead = "读取发布单、运行状态和日志",
        ScopeAdmin = "管理团队、项目、凭据和云账号",
        YourTokens = "我的令牌",
        NoTokens = "你还没有令牌。",
        Prefix = "前缀",
        Expires = "过期时间",
        LastUsed = "最近使用",
        TokenCreated = n => $"令牌「{n}」已创建",
        SecretShownOnce = "请立即复制：它只显示这一次，之后无法再次查看。",
        TokenStatus = s => s switch { "active" => "有效", "revoked" => "已吊销", "expired" => "已过期", _ => s },
        CloudAccountsTitle = "云账号",
        CloudAccountsIntro = "每个云账号对应一个 Kubernetes 集群。Hoist 加密保存其 kubeconfig 或令牌，并在保存时检查能否连接 API 以及是否具备所需权限。",
        AccountChecked = n => $"云账号 {n} 检查结果：",
        ApiServer = "API 服务器",
        Version = "版本",
        CheckedAt = "检查时间",
        TestConnection = "测试连接",
        TestConnectionOf = n => $"测试 {n} 的连接",
        AddCloudAccount = "添加云账号",
        AccountNameHint = "小写字母、数字和连字符；团队内唯一",
        ConnectBy = "连接方式",
        ByKubeconfig = "kubeconfig 及其中一个 context",
        ByToken = "API 服务器地址 + 令牌 + CA",
        KubeconfigHint = "只接受内联数据：exec、auth-provider 和文件路径会被拒绝",
        Context = "Context",
        ContextHint = "先读取 context 列表，或留空使用 current-context",
        ReadContexts = "读取 context",
        BearerToken = "令牌",
        CaData = "CA 证书",
        CaHint = "PEM 或 base64 编码的 PEM",
        InsecureSkipTls = "跳过 TLS 校验（仅用于测试集群）",
        SaveAndTest = "保存并测试",
        ConnectionStatusName = s => s switch { "Ok" => "已连接", "Unreachable" => "无法连接", "MissingPermissions" => "权限不足", _ => "未检查" },
        CredentialsTitle = "CD 发布凭据",
        CredentialsIntro = "发布凭据授权本项目的一个构建计划进行部署（CD_CREDENTIAL_ID）。复制的构建计划需要自己的凭据：为它重新签发一个。",
        NewFromTemplate = "「部署到 Kubernetes」模板",
        NoCredentials = "还没有发布凭据。",
        Index = "序号",
        CredentialId = "凭据 ID",
        Narrowing = "限定范围",
        AnyTarget = "任意集群、命名空间和工作负载",
        ReissuedFrom = "重新签发自",
        Reissue = "重新签发",
        ReissueFor = "为构建计划重新签发",
        NewCredential = "新建凭据",
        NewCredentialHint = "不限目标；使用模板可限定到一个工作负载和容器",
        CredentialCreated = (id, index) => $"凭据 {id}（序号 {index}）已创建。",
        CredentialRevoked = id => $"凭据 {id} 已吊销。",
        WizardTitle = "新建构建计划：部署到 Kubernetes",
        WizardIntro = "创建构建计划、绑定该计划的发布凭据以及 project:deployment 权限的令牌，并给出可粘贴的流水线步骤。",
        ChooseTemplate = "选择模板",
        TemplateDeployK8s = "部署到 Kubernetes（镜像更新至 K8s 集群）",
        BuildPlanName = "构建计划名称",
        NoClustersHint = "该团队还没有云账号：",
        NoWorkloadsOfKind = "该命名空间中没有此类型的工作负载。",
        ImageRepository = "镜像仓库",
        ImageRepositoryHint = "不含标签；发布时只允许使用该仓库的镜像",
        RollbackOnFailure = "发布失败时自动回滚",
        LoadLists = "加载列表",
        CreateBuildPlan = "创建",
        CreateAndTrigger = "创建并触发",
        FirstImage = "立即发布的镜像",
        WizardMissing = f => $"请先选择或填写「{f}」。",
        WizardImageNeeded = "「创建并触发」需要填写要发布的镜像。",
        WizardCreated = p => $"已创建：部署流程 {p}。请在 CI 中设置下列变量并添加该步骤。",
        CiSetupTitle = "配置 CI",
        VariablesToSet = "需在 CI 中设置的变量",
        SecretTag = "保密",
        SecretNotShown = "（请在访问令牌页面创建）",
        Action = "操作",
        AnyAction = "全部操作",
        Outcome = "结果",
        AnyOutcome = "全部结果",
        NoAuditEntries = "没有记录。",
        When = "时间",
        Detail = "详情",
        Source = "来源",
        ViaToken = "令牌",
        AuditAdminsOnly = "审计日志仅对服务器管理员及团队所有者、管理员开放。",
        PageOfEntries = (page, pages, total) => $"第 {page} / {pages} 页 · 共 {total} 条",
        NotFoundTitle = "未找到",
        NotFoundText = "该地址没有内容。",
        ForbiddenTitle = "无权访问",

        StatusNames = new Dictionary<ReleaseStatus, string>
        {
            [ReleaseStatus.Queued] = "排队中",
            [ReleaseStatus.Validating] = "校验中",
            [ReleaseStatus.Patching] = "更新镜像中",
            [ReleaseStatus.RollingOut] = "滚动发布中",
            [ReleaseStatus.Succeeded] = "发布成功",
            [ReleaseStatus.Failed] = "发布失败",
            [ReleaseStatus.TimedOut] = "已超时",
            [ReleaseStatus.Cancelled] = "已取消",
            [ReleaseStatus.RollingBack] = "回滚中",
            [ReleaseStatus.RolledBack] = "已回滚",
        },
        ReasonNames = new Dictionary<FailureReason, string>
        {
            [FailureReason.None] = "无",
            [FailureReason.ImagePullFailed] = "镜像拉取失败",
            [FailureReason.CrashLoop] = "容器反复崩溃",
            [FailureReason.ContainerConfigError] = "容器配置错误",
            [FailureReason.Unschedulable] = "Pod 无法调度",
            [FailureReason.ProgressDeadlineExceeded] = "超过进度期限",
            [FailureReason.TimedOut] = "超时",
            [FailureReason.WorkloadDeleted] = "工作负载已被删除",
            [FailureReason.ClusterUnreachable] = "集群无法连接",
            [FailureReason.ValidationFailed] = "校验失败",
            [FailureReason.PatchFailed] = "Patch 失败",
            [FailureReason.Cancelled] = "已取消",
        },
    };
}
