-- Administrators become users with role admin (hand-edited: Prisma's diff would drop the
-- Admin table and its rows; sessions keep working).
-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "email" TEXT,
    "role" TEXT NOT NULL DEFAULT 'user',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO "User" ("id", "username", "passwordHash", "role", "createdAt") SELECT "id", "username", "passwordHash", 'admin', "createdAt" FROM "Admin";

-- DropIndex
DROP INDEX "Admin_username_key";

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "Admin";
PRAGMA foreign_keys=on;

-- CreateTable
CREATE TABLE "JobArray" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "maxRunning" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "JobDependency" (
    "jobId" INTEGER NOT NULL,
    "parentId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,

    PRIMARY KEY ("jobId", "parentId"),
    CONSTRAINT "JobDependency_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "JobDependency_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "owner" TEXT,
    "info" TEXT,
    "script" TEXT NOT NULL,
    "nbProc" INTEGER NOT NULL DEFAULT 1,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "params" TEXT NOT NULL DEFAULT '{}',
    "state" TEXT NOT NULL,
    "folder" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "userId" INTEGER,
    "nbGpu" INTEGER NOT NULL DEFAULT 0,
    "memMb" INTEGER,
    "walltimeSeconds" INTEGER,
    "arrayId" INTEGER,
    "arrayIndex" INTEGER,
    "imported" BOOLEAN NOT NULL DEFAULT false,
    "purgedAt" DATETIME,
    "submittedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "exitCode" INTEGER,
    "signal" TEXT,
    "cpuSeconds" REAL,
    "peakMemoryKb" INTEGER,
    "progress" REAL,
    "pid" INTEGER,
    "runToken" TEXT,
    "runInfo" TEXT,
    "gpuMemPeakMb" INTEGER,
    "gpuUtilMean" REAL,
    "killRequestedAt" DATETIME,
    "error" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Job_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Job_arrayId_fkey" FOREIGN KEY ("arrayId") REFERENCES "JobArray" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Job" ("cpuSeconds", "error", "exitCode", "finishedAt", "folder", "id", "info", "killRequestedAt", "name", "nbProc", "owner", "params", "peakMemoryKb", "pid", "priority", "progress", "script", "signal", "source", "startedAt", "state", "submittedAt", "updatedAt") SELECT "cpuSeconds", "error", "exitCode", "finishedAt", "folder", "id", "info", "killRequestedAt", "name", "nbProc", "owner", "params", "peakMemoryKb", "pid", "priority", "progress", "script", "signal", "source", "startedAt", "state", "submittedAt", "updatedAt" FROM "Job";
DROP TABLE "Job";
ALTER TABLE "new_Job" RENAME TO "Job";
CREATE INDEX "Job_state_priority_submittedAt_idx" ON "Job"("state", "priority", "submittedAt");
CREATE INDEX "Job_folder_idx" ON "Job"("folder");
CREATE INDEX "Job_owner_idx" ON "Job"("owner");
CREATE INDEX "Job_finishedAt_idx" ON "Job"("finishedAt");
CREATE INDEX "Job_arrayId_idx" ON "Job"("arrayId");
CREATE INDEX "Job_userId_idx" ON "Job"("userId");
CREATE TABLE "new_Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Session" ("createdAt", "csrfToken", "expiresAt", "id", "userId") SELECT "createdAt", "csrfToken", "expiresAt", "id", "adminId" FROM "Session";
DROP TABLE "Session";
ALTER TABLE "new_Session" RENAME TO "Session";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "JobDependency_parentId_idx" ON "JobDependency"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");
