CREATE TABLE "AuditEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditEntries" PRIMARY KEY AUTOINCREMENT,
    "At" INTEGER NOT NULL,
    "Action" TEXT NOT NULL,
    "Allowed" INTEGER NOT NULL,
    "Code" TEXT NULL,
    "ActorUserId" INTEGER NULL,
    "ActorName" TEXT NULL,
    "TokenId" INTEGER NULL,
    "TeamId" INTEGER NULL,
    "ProjectId" INTEGER NULL,
    "TargetType" TEXT NULL,
    "TargetId" TEXT NULL,
    "Detail" TEXT NULL,
    "SourceIp" TEXT NULL
);


CREATE TABLE "DataProtectionKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DataProtectionKeys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NULL
);


CREATE TABLE "DeployIdempotencyKeys" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_DeployIdempotencyKeys" PRIMARY KEY,
    "ParametersHash" TEXT NOT NULL,
    "ReleaseId" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);


CREATE TABLE "Releases" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Releases" PRIMARY KEY AUTOINCREMENT,
    "ProjectId" INTEGER NOT NULL,
    "BuildPlanId" INTEGER NULL,
    "CredentialId" INTEGER NULL,
    "TriggeredByUserId" INTEGER NULL,
    "Application" TEXT NOT NULL,
    "Pipeline" TEXT NOT NULL,
    "BuildNumber" TEXT NULL,
    "GitCommit" TEXT NULL,
    "BuildUrl" TEXT NULL,
    "IdempotencyKey" TEXT NULL,
    "CloudAccountId" INTEGER NOT NULL,
    "CloudAccountName" TEXT NOT NULL,
    "Namespace" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "WorkloadName" TEXT NOT NULL,
    "Container" TEXT NOT NULL,
    "ImageAfter" TEXT NOT NULL,
    "RollbackOnFailure" INTEGER NOT NULL,
    "RestartIfUnchanged" INTEGER NOT NULL,
    "Timeout" TEXT NOT NULL,
    "RollbackOfId" INTEGER NULL,
    "Status" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "StatusMessage" TEXT NULL,
    "ImageBefore" TEXT NULL,
    "RevisionBefore" TEXT NULL,
    "RevisionAfter" TEXT NULL,
    "RunningDigest" TEXT NULL,
    "PatchSent" TEXT NULL,
    "PatchedGeneration" INTEGER NULL,
    "FailureLog" TEXT NULL,
    "RolledBackById" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "StartedAt" INTEGER NULL,
    "PatchedAt" INTEGER NULL,
    "FinishedAt" INTEGER NULL,
    "CancelRequestedBy" TEXT NULL,
    "LeaseOwner" TEXT NULL,
    "LeaseExpiresAt" INTEGER NULL
);


CREATE TABLE "Teams" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Teams" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);


CREATE TABLE "Users" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Users" PRIMARY KEY AUTOINCREMENT,
    "UserName" TEXT NOT NULL,
    "DisplayName" TEXT NOT NULL,
    "PasswordHash" TEXT NOT NULL,
    "IsAdmin" INTEGER NOT NULL,
    "Disabled" INTEGER NOT NULL,
    "SecurityStamp" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);


CREATE TABLE "ReleaseEvents" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReleaseEvents" PRIMARY KEY AUTOINCREMENT,
    "ReleaseId" INTEGER NOT NULL,
    "Sequence" INTEGER NOT NULL,
    "At" INTEGER NOT NULL,
    "Type" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Message" TEXT NOT NULL,
    "ProgressJson" TEXT NULL,
    CONSTRAINT "FK_ReleaseEvents_Releases_ReleaseId" FOREIGN KEY ("ReleaseId") REFERENCES "Releases" ("Id") ON DELETE CASCADE
);


CREATE TABLE "ReleasePods" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReleasePods" PRIMARY KEY AUTOINCREMENT,
    "ReleaseId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Revision" TEXT NULL,
    "New" INTEGER NOT NULL,
    "Phase" TEXT NOT NULL,
    "Ready" INTEGER NOT NULL,
    "Reason" TEXT NULL,
    "Message" TEXT NULL,
    "Restarts" INTEGER NOT NULL,
    "ImageId" TEXT NULL,
    CONSTRAINT "FK_ReleasePods_Releases_ReleaseId" FOREIGN KEY ("ReleaseId") REFERENCES "Releases" ("Id") ON DELETE CASCADE
);


CREATE TABLE "ReleaseTransitions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ReleaseTransitions" PRIMARY KEY AUTOINCREMENT,
    "ReleaseId" INTEGER NOT NULL,
    "From" TEXT NOT NULL,
    "To" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    "Message" TEXT NULL,
    CONSTRAINT "FK_ReleaseTransitions_Releases_ReleaseId" FOREIGN KEY ("ReleaseId") REFERENCES "Releases" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Applications" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Applications" PRIMARY KEY AUTOINCREMENT,
    "TeamId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Applications_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE RESTRICT
);


CREATE TABLE "CloudAccounts" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_CloudAccounts" PRIMARY KEY AUTOINCREMENT,
    "TeamId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Server" TEXT NOT NULL,
    "Context" TEXT NULL,
    "ProtectedConnection" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "StatusReason" TEXT NULL,
    "ServerVersion" TEXT NULL,
    "CheckedAt" INTEGER NULL,
    "CreatedByUserId" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_CloudAccounts_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE RESTRICT
);


CREATE TABLE "Projects" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Projects" PRIMARY KEY AUTOINCREMENT,
    "TeamId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Projects_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE RESTRICT
);


CREATE TABLE "PersonalAccessTokens" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_PersonalAccessTokens" PRIMARY KEY AUTOINCREMENT,
    "UserId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "Hash" TEXT NOT NULL,
    "Scopes" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NULL,
    "LastUsedAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL,
    CONSTRAINT "FK_PersonalAccessTokens_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE TABLE "TeamMembers" (
    "TeamId" INTEGER NOT NULL,
    "UserId" INTEGER NOT NULL,
    "Role" TEXT NOT NULL,
    "DeploySettingsGranted" INTEGER NOT NULL,
    "AddedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_TeamMembers" PRIMARY KEY ("TeamId", "UserId"),
    CONSTRAINT "FK_TeamMembers_Teams_TeamId" FOREIGN KEY ("TeamId") REFERENCES "Teams" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_TeamMembers_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE TABLE "BuildPlans" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_BuildPlans" PRIMARY KEY AUTOINCREMENT,
    "ProjectId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "ExternalId" TEXT NULL,
    "CopiedFromId" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_BuildPlans_Projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "Projects" ("Id") ON DELETE RESTRICT
);


CREATE TABLE "ProjectMembers" (
    "ProjectId" INTEGER NOT NULL,
    "UserId" INTEGER NOT NULL,
    "AddedAt" INTEGER NOT NULL,
    CONSTRAINT "PK_ProjectMembers" PRIMARY KEY ("ProjectId", "UserId"),
    CONSTRAINT "FK_ProjectMembers_Projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "Projects" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_ProjectMembers_Users_UserId" FOREIGN KEY ("UserId") REFERENCES "Users" ("Id") ON DELETE CASCADE
);


CREATE TABLE "Pipelines" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Pipelines" PRIMARY KEY AUTOINCREMENT,
    "ApplicationId" INTEGER NOT NULL,
    "ProjectId" INTEGER NOT NULL,
    "BuildPlanId" INTEGER NOT NULL,
    "Name" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_Pipelines_Applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES "Applications" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Pipelines_BuildPlans_BuildPlanId" FOREIGN KEY ("BuildPlanId") REFERENCES "BuildPlans" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_Pipelines_Projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "Projects" ("Id") ON DELETE RESTRICT
);


CREATE TABLE "DeployCredentials" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DeployCredentials" PRIMARY KEY AUTOINCREMENT,
    "PublicId" TEXT NOT NULL,
    "ProjectId" INTEGER NOT NULL,
    "Index" INTEGER NOT NULL,
    "BuildPlanId" INTEGER NOT NULL,
    "PipelineId" INTEGER NOT NULL,
    "CloudAccountId" INTEGER NULL,
    "Namespace" TEXT NULL,
    "Kind" TEXT NULL,
    "WorkloadName" TEXT NULL,
    "Container" TEXT NULL,
    "AllowedImagePrefixes" TEXT NULL,
    "RollbackOnFailure" INTEGER NOT NULL,
    "CreatedByUserId" INTEGER NULL,
    "CreatedAt" INTEGER NOT NULL,
    "RevokedAt" INTEGER NULL,
    "ReissuedFromId" INTEGER NULL,
    CONSTRAINT "FK_DeployCredentials_BuildPlans_BuildPlanId" FOREIGN KEY ("BuildPlanId") REFERENCES "BuildPlans" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_DeployCredentials_CloudAccounts_CloudAccountId" FOREIGN KEY ("CloudAccountId") REFERENCES "CloudAccounts" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_DeployCredentials_Pipelines_PipelineId" FOREIGN KEY ("PipelineId") REFERENCES "Pipelines" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_DeployCredentials_Projects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "Projects" ("Id") ON DELETE RESTRICT
);


CREATE UNIQUE INDEX "IX_Applications_TeamId_Name" ON "Applications" ("TeamId", "Name");


CREATE INDEX "IX_AuditEntries_At" ON "AuditEntries" ("At");


CREATE INDEX "IX_AuditEntries_TeamId" ON "AuditEntries" ("TeamId");


CREATE UNIQUE INDEX "IX_BuildPlans_ProjectId_Name" ON "BuildPlans" ("ProjectId", "Name");


CREATE UNIQUE INDEX "IX_CloudAccounts_TeamId_Name" ON "CloudAccounts" ("TeamId", "Name");


CREATE INDEX "IX_DeployCredentials_BuildPlanId" ON "DeployCredentials" ("BuildPlanId");


CREATE INDEX "IX_DeployCredentials_CloudAccountId" ON "DeployCredentials" ("CloudAccountId");


CREATE INDEX "IX_DeployCredentials_PipelineId" ON "DeployCredentials" ("PipelineId");


CREATE UNIQUE INDEX "IX_DeployCredentials_ProjectId_Index" ON "DeployCredentials" ("ProjectId", "Index");


CREATE UNIQUE INDEX "IX_DeployCredentials_PublicId" ON "DeployCredentials" ("PublicId");


CREATE INDEX "IX_DeployIdempotencyKeys_ReleaseId" ON "DeployIdempotencyKeys" ("ReleaseId");


CREATE UNIQUE INDEX "IX_PersonalAccessTokens_Hash" ON "PersonalAccessTokens" ("Hash");


CREATE INDEX "IX_PersonalAccessTokens_UserId" ON "PersonalAccessTokens" ("UserId");


CREATE UNIQUE INDEX "IX_Pipelines_ApplicationId_Name" ON "Pipelines" ("ApplicationId", "Name");


CREATE INDEX "IX_Pipelines_BuildPlanId" ON "Pipelines" ("BuildPlanId");


CREATE INDEX "IX_Pipelines_ProjectId" ON "Pipelines" ("ProjectId");


CREATE INDEX "IX_ProjectMembers_UserId" ON "ProjectMembers" ("UserId");


CREATE UNIQUE INDEX "IX_Projects_TeamId_Name" ON "Projects" ("TeamId", "Name");


CREATE UNIQUE INDEX "IX_ReleaseEvents_ReleaseId_Sequence" ON "ReleaseEvents" ("ReleaseId", "Sequence");


CREATE INDEX "IX_ReleasePods_ReleaseId" ON "ReleasePods" ("ReleaseId");


CREATE INDEX "IX_Releases_CloudAccountId_Namespace_Kind_WorkloadName" ON "Releases" ("CloudAccountId", "Namespace", "Kind", "WorkloadName");


CREATE INDEX "IX_Releases_CreatedAt" ON "Releases" ("CreatedAt");


CREATE UNIQUE INDEX "IX_Releases_IdempotencyKey" ON "Releases" ("IdempotencyKey");


CREATE INDEX "IX_Releases_ProjectId" ON "Releases" ("ProjectId");


CREATE INDEX "IX_Releases_Status" ON "Releases" ("Status");


CREATE INDEX "IX_ReleaseTransitions_ReleaseId" ON "ReleaseTransitions" ("ReleaseId");


CREATE INDEX "IX_TeamMembers_UserId" ON "TeamMembers" ("UserId");


CREATE UNIQUE INDEX "IX_Teams_Name" ON "Teams" ("Name");


CREATE UNIQUE INDEX "IX_Users_UserName" ON "Users" ("UserName");


