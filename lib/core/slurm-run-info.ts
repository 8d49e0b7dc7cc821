/**
 * Job.runInfo of a run handed to Slurm: the worker writes it (and rewrites it when the
 * Slurm state or node changes), the job page and the dashboard read it. One schema for
 * both sides, so the web needs no Slurm client.
 */
import { z } from "zod";

export const slurmRunInfoSchema = z.object({
  executor: z.literal("slurm"),
  /** Slurm's job id; null while the submission waits for the controller. */
  slurmJobId: z.string().nullable(),
  /** Slurm's state (PENDING, RUNNING, COMPLETED...), or SUBMITTING before sbatch succeeded. */
  slurmState: z.string().nullable(),
  /** The node(s) it runs on. */
  node: z.string().nullable(),
  /** Why it waits (squeue's reason: Priority, Resources...), or why the submission waits. */
  reason: z.string().nullable(),
  partition: z.string().nullable(),
});

export type SlurmRunInfo = z.infer<typeof slurmRunInfoSchema>;

/** The Slurm details of a Job.runInfo text; null for runs that were not on Slurm (or unreadable). */
export function slurmRunInfoOf(runInfo: string | null | undefined): SlurmRunInfo | null {
  if (!runInfo) return null;
  try {
    const parsed = slurmRunInfoSchema.safeParse(JSON.parse(runInfo));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** How a job waiting in Slurm is described to people: "pending in Slurm (Resources)". */
export function slurmPendingLabel(info: SlurmRunInfo): string {
  if (info.slurmState === "SUBMITTING") return `waiting to be handed to Slurm${info.reason ? ` (${info.reason})` : ""}`;
  return `pending in Slurm${info.reason && info.reason !== "None" ? ` (${info.reason})` : ""}`;
}
