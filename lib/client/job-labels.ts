/** How a job's state is worded on the pages: a job waiting in Slurm says so, and why. */
import type { JobSummary } from "../core/api-types";
import { slurmPendingLabel } from "../core/slurm-run-info";

export function stateLabel(job: Pick<JobSummary, "state" | "slurm">): string {
  return job.state === "pending" && job.slurm ? slurmPendingLabel(job.slurm) : job.state;
}
