-- CreateTable
CREATE TABLE "ProgressSample" (
    "id" SERIAL NOT NULL,
    "jobId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "percent" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ProgressSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProgressSample_jobId_at_idx" ON "ProgressSample"("jobId", "at");
