-- CreateTable
CREATE TABLE "ProgressSample" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "jobId" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "percent" REAL NOT NULL
);

-- CreateIndex
CREATE INDEX "ProgressSample_jobId_at_idx" ON "ProgressSample"("jobId", "at");
