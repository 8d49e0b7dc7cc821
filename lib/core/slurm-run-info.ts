/**
 * Job.runInfo of a run handed to Slurm: the worker writes it (and rewrites it when the
 * Slurm state or node changes), the job page and the dashboard read it. One schema for
 * both sides, so the web needs no Slurm client (and no zod: lib/core/json-guards.ts).
 */
import { isObject } from "./json-guards";

export interface SlurmRunInfo {
  executor: "slurm";
  /** Slurm's job id; null while the submission waits for the controller. */
  slurmJobId: string | null;
  /** Slurm's state (PENDING, RUNNING, COMPLETED...), or SUBMITTING before sbatch succeeded. */
  slurmState: string | null;
  /** The node(s) it runs on. */
  node: string | null;
  /** Why it waits (squeue's reason: Priority, Resources...), or why the submission waits. */
  reason: string | null;
  partition: string | null;
}

const FIELDS = ["slurmJobId", "slurmState", "node", "reason", "partition"] as const;

/** The Slurm details of a Job.runInfo text; null for runs that were not on Slurm (or unreadable). */
export function slurmRunInfoOf(runInfo: string | null | undefined): SlurmRunInfo | null {
  if (!runInfo) return null;
  let value: unknown;
  try {
    value = JSON.parse(runInfo);
  } catch {
    return null;
  }
  if (!isObject(value) || value.executor !== "slurm") return null;
  if (!FIELDS.every((key) => value[key] === null || typeof value[key] === "string")) return null;
  return { executor: "slurm", ...Object.fromEntries(FIELDS.map((key) => [key, value[key]])) } as SlurmRunInfo;
}

/** How a job waiting in Slurm is described to people: "pending in Slurm (Resources)". */
export function slurmPendingLabel(info: SlurmRunInfo): string {
  if (info.slurmState === "SUBMITTING") return `waiting to be handed to Slurm${info.reason ? ` (${info.reason})` : ""}`;
  return `pending in Slurm${info.reason && info.reason !== "None" ? ` (${info.reason})` : ""}`;
}
