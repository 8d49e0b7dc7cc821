/**
 * One run as the Slurm executor follows it: its names (QueueManager's job and run token,
 * Slurm's job id), what was last seen of it, and the StartedRun handed to the runner,
 * whose `exited` resolves once and whose `watch` hears every change worth recording.
 */
import type { SlurmRunInfo } from "../../lib/core/slurm-run-info";
import type { ExitReport, RunChange, StartedRun } from "../executor";
import { slurmJobName } from "./sbatch-command";

/** Why a run that never reached Slurm goes back to the queue after a restart. */
export const NEVER_HANDED = "it was never handed to Slurm (its submission had not gone through when the worker stopped, and Slurm lists no job of its name)";

/** A submission sbatch has not accepted yet (the controller did not answer); the poller retries it. */
export interface Submission {
  args: string[];
  script: string;
  env: NodeJS.ProcessEnv;
  /** When the last attempt failed: a squeue that began later must show no job of this name before another attempt. */
  failedAt: number;
  /** A squeue begun after the failure showed no such job: safe to submit again. */
  checked: boolean;
  /** sbatch runs for it now: nobody else may submit it or judge it meanwhile. */
  sending?: boolean;
}

export interface SlurmRun {
  jobId: number;
  runToken: string;
  /** Slurm's job name, qm-<job id>-<run token>. */
  name: string;
  dir: string;
  slurmJobId: string | null;
  info: SlurmRunInfo;
  /** Slurm has started it (reported to the runner). */
  running: boolean;
  /** When Slurm started it (squeue's start time, or the wrapper's line in process.log). */
  startedAt?: Date;
  /** The size of process.log once its header was written: the wrapper's first line comes after it. */
  logOffset?: number;
  ended: boolean;
  submission?: Submission;
  /**
   * Adopted after a restart while Slurm did not answer, never having been handed to it (its
   * submission is gone with the old worker): the first answer that lists no job of its name
   * sends it back to the queue.
   */
  unsubmitted?: boolean;
  /** When sbatch accepted it: a squeue begun before cannot list it yet. */
  acceptedAt: number;
  /** Since when its end is waited for (it left squeue, ended there, or its exit record appeared). */
  waitingSince?: number;
  /**
   * QueueManager asked to stop it (terminate): an end without exit record is then the stop's
   * doing, not a loss. After a restart the runner asks again (the row keeps its kill request).
   */
  killRequested?: boolean;
  /** A kill is in progress (retried by the poller if scancel could not reach Slurm). */
  cancel?: "signal" | "hard";
  started: StartedRun;
  /** Report the end (once) to the runner. */
  finish(report: ExitReport): void;
  /** Tell the runner what changed since it last heard (nothing when nothing did). */
  notify(): void;
  /** The StartedRun is handed to the runner now, with what it holds: the runner knows that much. */
  handOver(): StartedRun;
}

export function createSlurmRun(init: { jobId: number; runToken: string; dir: string; slurmJobId: string | null; partition: string | null; running?: boolean }): SlurmRun {
  let listener: ((change: RunChange) => void) | undefined;
  let resolve!: (report: ExitReport) => void;
  const exited = new Promise<ExitReport>((r) => (resolve = r));
  const snapshot = () => JSON.stringify({ running: run.running, runInfo: run.info, startedAt: run.startedAt });
  let heard = "";
  const run: SlurmRun = {
    jobId: init.jobId,
    runToken: init.runToken,
    name: slurmJobName(init.jobId, init.runToken),
    dir: init.dir,
    slurmJobId: init.slurmJobId,
    info: { executor: "slurm", slurmJobId: init.slurmJobId, slurmState: init.slurmJobId ? "PENDING" : "SUBMITTING", node: null, reason: null, partition: init.partition },
    running: init.running ?? false,
    ended: false,
    acceptedAt: Date.now(),
    started: {
      pid: 0,
      get runInfo() {
        return { ...run.info };
      },
      exited,
      watch(l) {
        listener = l;
        run.notify();
      },
    },
    finish(report) {
      if (run.ended) return;
      run.ended = true;
      resolve(report);
    },
    notify() {
      if (!listener || run.ended) return;
      const now = snapshot();
      if (now === heard) return;
      heard = now;
      listener({ running: run.running, runInfo: { ...run.info }, ...(run.startedAt ? { startedAt: run.startedAt } : {}) });
    },
    handOver() {
      heard = snapshot();
      return run.started;
    },
  };
  return run;
}
