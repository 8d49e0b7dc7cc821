/**
 * Slurm's job states and what they mean for a QueueManager run, as pure functions: how
 * squeue's lines are read, which states wait, run or have ended, and how a run's end is
 * judged from Slurm's state together with the run's exit record (which has the exit code
 * and CPU time; Slurm's state adds what the record cannot know: a walltime or memory limit,
 * a cancel, a node failure).
 */
import type { ExitRecord } from "../../lib/core/exit-record";
import type { ExitReport } from "../executor";

/** squeue's output fields, separated by a character no path or job name holds. */
export const FIELD_SEPARATOR = "\x1f";
export const SQUEUE_FORMAT = ["%i", "%T", "%N", "%r", "%Z", "%S", "%P", "%j"].join(FIELD_SEPARATOR);

/** One job as squeue lists it. */
export interface QueueEntry {
  slurmJobId: string;
  state: string;
  node: string;
  reason: string;
  workDir: string;
  /** When Slurm started it (squeue's %S); null while it waits (%S is then an estimate, or N/A) or when unknown. */
  startedAt: Date | null;
  /** Its partition (the cluster's default when slurm_partition is empty). */
  partition: string;
  name: string;
}

/** A time as Slurm prints it (`2026-12-02T12:30:05`, the local time of the host asking); null for N/A, Unknown, None. */
export function parseSlurmTime(text: string): Date | null {
  const t = text.trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(t)) return null;
  const date = new Date(t); // no offset: local time, as Slurm printed it
  return Number.isNaN(date.getTime()) ? null : date;
}

export function parseSqueue(text: string): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(FIELD_SEPARATOR);
    if (fields.length < 8) continue;
    const [slurmJobId, state, node, reason, workDir, start, partition] = fields;
    const startedAt = phaseOf(state.trim()) === "waiting" ? null : parseSlurmTime(start);
    entries.push({ slurmJobId: slurmJobId.trim(), state: state.trim(), node: node.trim(), reason: reason.trim(), workDir, startedAt, partition: partition.trim(), name: fields.slice(7).join(FIELD_SEPARATOR) });
  }
  return entries;
}

const WAITING = ["PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD"];
const ENDED = ["COMPLETED", "FAILED", "TIMEOUT", "DEADLINE", "OUT_OF_MEMORY", "CANCELLED", "NODE_FAIL", "BOOT_FAIL", "PREEMPTED", "REVOKED", "SPECIAL_EXIT"];
/** Ended states that say by themselves how the run ended (the exit record only adds its code and CPU time). */
const SELF_EXPLAINED = ["TIMEOUT", "DEADLINE", "OUT_OF_MEMORY", "CANCELLED", "NODE_FAIL", "BOOT_FAIL", "PREEMPTED"];

export type Phase = "waiting" | "running" | "ended";

/** Where a Slurm state puts a run. RUNNING, COMPLETING, SUSPENDED... and any state Slurm may add later count as running: nothing is decided on them. */
export function phaseOf(state: string): Phase {
  if (WAITING.includes(state)) return "waiting";
  return ENDED.includes(state) ? "ended" : "running";
}

/** What is known of a run that may have ended. */
export interface Evidence {
  slurmJobId: string | null;
  /** Its state in squeue; null when squeue no longer lists it. */
  state: string | null;
  record: ExitRecord | null;
  /** The wrapper's walltime mark exists. */
  timeoutMark: boolean;
  /** How long this run has been waiting for its exit record (since it ended, or its record appeared while Slurm still said running). */
  waitedMs: number;
  graceMs: number;
  /** QueueManager asked Slurm to stop it (a kill, a shutdown): an end without exit record is that stop's doing. */
  killRequested?: boolean;
}

const LOST_REASONS: Record<string, string> = {
  NODE_FAIL: "its Slurm node failed while it ran (NODE_FAIL)",
  BOOT_FAIL: "its Slurm node failed to boot (BOOT_FAIL)",
  PREEMPTED: "Slurm preempted it for another job (PREEMPTED)",
};

/**
 * The run's command was ended by a signal (status 128 + N): what a node failure or a
 * preemption does to it, so Slurm's word on the job (squeue's, or sacct's once squeue has
 * forgotten it) is needed to know why.
 */
export const endedBySignal = (record: ExitRecord | null) => record !== null && record.status > 128;

/**
 * Slurm ended a run QueueManager asked to stop before its wrapper wrote the exit record:
 * the wrapper traps SIGTERM (and INT, HUP) and records the end, so only SIGKILL stops it
 * unrecorded (Slurm's, KillWait after the cancel's SIGTERM). Killed, not lost: nothing was
 * lost but the exit code, and the user asked for it.
 */
export const killedBeforeRecord = (e: Pick<Evidence, "killRequested" | "record" | "state">) => e.killRequested === true && e.record === null && !(e.state && LOST_REASONS[e.state]);

/** How a run ended, or null: wait (its exit record may still appear, or Slurm has not finished with it). */
export function judgeEnd(e: Evidence): ExitReport | null {
  const phase = e.state === null ? "ended" : phaseOf(e.state);
  const graceOver = e.waitedMs >= e.graceMs;
  const explained = e.state !== null && SELF_EXPLAINED.includes(e.state);
  // A record while Slurm still runs the job: its end is being processed (a memory kill is only reported then).
  if (phase !== "ended" && !(e.record && graceOver)) return null;
  if (!e.record && !explained && !graceOver) return null;
  const report: ExitReport = { exitCode: e.record?.status ?? null, signal: null, cpuSeconds: e.record?.cpuSeconds ?? null };
  if (e.state === "TIMEOUT" || e.state === "DEADLINE" || e.timeoutMark) return { ...report, limit: "timeout" };
  if (e.state === "OUT_OF_MEMORY") return { ...report, limit: "oom" };
  if (killedBeforeRecord(e)) return { ...report, signal: "SIGKILL", ...(e.state === "CANCELLED" ? { cancelled: true } : {}) };
  if (e.state === "CANCELLED") return { ...report, cancelled: true };
  const lostReason = e.state ? LOST_REASONS[e.state] : undefined;
  // A record the command left by ending on its own decides (it had finished before the node
  // failed); one of a command stopped by a signal is the node failure's doing: the wrapper
  // got SIGTERM (or SIGKILL) as Slurm gave up the job, and wrote 143 (137) faithfully.
  if (e.record && !(lostReason && endedBySignal(e.record))) return report;
  if (lostReason) return { ...report, lost: true, error: lostReason };
  const id = e.slurmJobId ? `job ${e.slurmJobId}` : "its job";
  const seen = e.state ? `Slurm ${id} ended ${e.state}` : `Slurm no longer lists ${id}`;
  return { ...report, lost: true, error: `${seen} and the run left no exit record in .qm/runs within ${Math.round(e.graceMs / 1000)} s (is QM_FOLDER shared with the nodes, at the same path?)` };
}
