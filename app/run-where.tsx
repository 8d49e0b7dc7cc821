import type { JobSummary } from "@/lib/core/api-types";
import { stateLabel } from "@/lib/client/job-labels";
import { StateBadge } from "./ui-bits";

/** Where an active job is, when Slurm has it: waiting there (and why), or on which node. */
export function RunWhere({ job }: { job: JobSummary }) {
  if (!job.slurm) return null;
  if (job.state === "pending") {
    return (
      <span data-testid={`pending-${job.id}`}>
        <StateBadge state="pending" label={stateLabel(job)} />
      </span>
    );
  }
  return (
    <div className="mt-0.5 text-xs text-slate-500" data-testid={`slurm-${job.id}`}>
      Slurm job {job.slurm.slurmJobId}
      {job.slurm.node ? ` on ${job.slurm.node}` : ""}
    </div>
  );
}
