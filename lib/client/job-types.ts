/** Shapes of the jobs API's answers, as the browser sees them. */
export type { JobDetail, JobSummary } from "@/lib/server/jobs/job-view";
export type { FileEntry } from "@/lib/server/jobs/job-files";
export type { LogChunk } from "@/lib/server/jobs/read-log";
export type { QueueStatus } from "@/lib/server/queue-status";

export interface Permissions {
  kill: boolean;
  delete: boolean;
  requeue: boolean;
}
