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

const TOO_BIG = "it asks for more than the partition allows (nb_proc, mem, walltime or nb_gpu), so Slurm will not start it as it is: kill it and submit it asking for less, or ask the cluster's administrator";

/**
 * What Slurm's pending reasons mean for the job's owner, and what to do: a reason such as
 * PartitionConfig (more processors than the partition has, with Slurm's default
 * EnforcePartLimits=NO) or JobHeldAdmin never passes by itself. Null for reasons that need
 * no words (None) or that are not known here (shown as Slurm says them).
 */
const REASONS: Record<string, string> = {
  Priority: "jobs with a higher priority in Slurm go first",
  Resources: "waiting for the processors, memory or GPUs it asks for to be free on a node",
  JobHeldUser: "held in Slurm (scontrol hold): it starts once released there (scontrol release)",
  JobHeldAdmin: "held in Slurm by the cluster's administrator: it starts once they release it",
  BeginTime: "it starts at the time its --begin option names",
  Dependency: "it waits for other Slurm jobs (a --dependency option)",
  PartitionConfig: TOO_BIG,
  PartitionNodeLimit: TOO_BIG,
  PartitionTimeLimit: TOO_BIG,
  BadConstraints: "no node has what it asks for (nb_proc, mem, nb_gpu or a --constraint), so Slurm will not start it as it is: kill it and ask for less",
  ReqNodeNotAvail: "the nodes it needs are down, drained or reserved: it starts when one comes back",
  PartitionDown: "its partition is down: it starts when the cluster's administrator brings it back",
  PartitionInactive: "its partition is inactive: it starts when the cluster's administrator brings it back",
  InvalidAccount: "Slurm does not accept its account (slurm_account): it will not start until the account is fixed",
  InvalidQOS: "Slurm does not accept its QOS (slurm_sbatch_args): it will not start until the QOS is fixed",
};

/** "PartitionConfig: it asks for more than ..."; the reason as Slurm says it when no words are known; null for None. */
export function slurmReasonWords(reason: string | null): string | null {
  if (!reason || reason === "None") return null;
  const words = REASONS[reason];
  return words ? `${reason}: ${words}` : reason;
}
