-- DropIndex
DROP INDEX "Job_state_priority_submittedAt_idx";

-- CreateIndex
CREATE INDEX "Job_state_priority_submittedAt_id_idx" ON "Job"("state", "priority" DESC, "submittedAt", "id");
