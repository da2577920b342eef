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
    public required string PodStarting { get; init; }
    public required string PodPending { get; init; }
    public required string PodFailing { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }

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
        PodStarting = "Running, not ready",
        PodPending = "Pending",
        PodFailing = "Failing",
        Yes = "yes",
        No = "no",

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
        PodStarting = "运行中，未就绪",
        PodPending = "等待中",
        PodFailing = "异常",
        Yes = "是",
        No = "否",

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
