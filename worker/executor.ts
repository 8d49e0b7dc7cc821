/**
 * Where jobs run, behind one interface: the runner starts, watches and stops runs through
 * an Executor and never knows whether they are local processes (worker/local) or jobs of
 * a cluster scheduler. Each executor reports a run's end once, with what it knows of it.
 */
import type { ClusterStats } from "../lib/core/worker-stats";

/** What an executor needs to start one run of a job. */
export interface LaunchSpec {
  jobId: number;
  name: string;
  /** The job folder (in QM_Jobs); the script runs there and writes process.log there. */
  dir: string;
  script: string;
  /** Unique per run: names the run for the executor and its exit record. */
  runToken: string;
  /** Processors asked for (nb_proc) and granted (clamped to MaxNbProcessors). */
  requested: number;
  granted: number;
  maxNbProcessors: number;
  host: string;
  at: Date;
  /** The names Run_As may match to choose the Unix account the run uses (lib/core/run-as.ts); empty: none. */
  runAs: string[];
  /** CPUs to pin the run to (local executor); empty: no pinning. */
  cpus: number[];
  /** GPUs asked for (nb_gpu): what a cluster scheduler is asked for (Slurm: `--gres=gpu:N`). */
  nbGpu: number;
  /**
   * The devices the worker chose for this run, its own (GPU_List indices; empty: none).
   * The local executor shows the job exactly these (CUDA_VISIBLE_DEVICES...).
   */
  gpus: number[];
  /** Memory limit in MiB, null: none. */
  memMb: number | null;
  /** Walltime in seconds, null: none (the runner enforces it, unless the executor schedules itself: Slurm does). */
  walltimeSeconds: number | null;
  /** Variables added to the job's environment (QM_ARRAY_INDEX...). */
  extraEnv?: Record<string, string>;
  /** Lines for the process.log header, after QueueManager's own (notes about the run). */
  notes?: string[];
  /** What reserve() took for this run, before its job left the queue. */
  reservation?: Reservation;
}

/**
 * What a run will need, taken before its job leaves the queue (Executor.reserve): a job that
 * cannot have it now stays queued, its folder where it was. Given to start() in the spec,
 * or back with cancel() when the job does not start after all.
 */
export interface Reservation {
  cancel(): void;
}

/** Nothing to reserve now, but something comes back (`freed`): the job stays queued and is tried again then. */
export interface ReserveWait {
  /** Why, in words for the log. */
  wait: string;
  freed: Promise<void>;
}

/** How a run ended, as the executor saw it. */
export interface ExitReport {
  exitCode: number | null;
  signal: string | null;
  /** CPU time of the run (user + system), null when it could not be measured. */
  cpuSeconds: number | null;
  /** Why the run could not start, or was lost track of. */
  error?: string;
  /** Nothing ran: `error` ("could not start: ...") says why. */
  notStarted?: boolean;
  /**
   * The run never reached the executor and never will (a Slurm submission that had not gone
   * through when the worker restarted: its sbatch spec is gone): back to QM_qJobs, as if it
   * had not been claimed; `error` says why.
   */
  unsubmitted?: boolean;
  /** Processes the run left behind after its main process ended, stopped by the executor. */
  leftovers?: number;
  /** The run was ended by a limit (its walltime, its memory), not by itself or a kill request: decides the end state whatever the exit code. */
  limit?: "timeout" | "oom";
  /** Processes of a run that went on to its own end (not ended by a limit) which the kernel killed for passing its memory limit. */
  memoryKills?: number;
  /** Its highest memory use, when the executor measured it exactly (a cgroup). */
  peakMemoryKb?: number;
  /** Cancelled from outside QueueManager (someone's scancel): recorded as killed. */
  cancelled?: boolean;
  /** The executor lost the run (its node failed, it left no exit record): `lost`, or requeued with Recovery = requeue; `error` says why. */
  lost?: boolean;
  /**
   * When the run ended, as its exit record says: a run that ended while no worker ran is
   * read at the next start, and its end is not that moment. Absent: now.
   */
  endedAt?: Date;
  /** The run's details as it ended (Job.runInfo), for executors whose details change (Slurm's final state). */
  runInfo?: Record<string, unknown>;
  /**
   * When the run really began, as its executor knows it (Slurm's start time): a run that
   * waited in Slurm's queue began then, not at its claim, and its duration counts from there.
   */
  startedAt?: Date;
}

/** What changed about a run that waits in, then runs on, a scheduler of its own (Slurm). */
export interface RunChange {
  /** The run has begun: the runner moves its row from `pending` to `running`. */
  running: boolean;
  /** The run's details now (node, scheduler state), kept in Job.runInfo. */
  runInfo: Record<string, unknown>;
  /** When the run began, as its executor knows it (Slurm's start time); absent: when this change is heard. */
  startedAt?: Date;
}

/** A run the executor has started (or found again after a restart). */
/**
 * A run `exited` only once all of it is over: the executor has stopped what it left behind
 * and given its folder back, so the runner may move the folder at once.
 */
export interface StartedRun {
  /** The process group / session leader for local runs; 0 when the start failed. */
  pid: number;
  /** Executor details kept with the job (JSON in Job.runInfo). */
  runInfo: Record<string, unknown>;
  /** Resolves once, when the run has ended. */
  exited: Promise<ExitReport>;
  /**
   * Executors that queue runs themselves report each change of a run here (the latest
   * one at once if it came before). Absent: the run is running from its start on.
   */
  watch?(listener: (change: RunChange) => void): void;
}

/** One sample of a run's resource use. */
export interface RunSample {
  memoryKb: number;
  cpuSeconds: number;
}

export interface Executor {
  readonly name: string;
  /**
   * True when the executor queues and places runs itself (Slurm): the dispatcher hands it
   * every queued job (a bounded number in flight) instead of sharing MaxNbProcessors, and a
   * run starts as `pending` until it reports that it runs.
   */
  readonly schedulesItself?: boolean;
  /**
   * find() finds a run again even if its pid and details were never written (by the token
   * its processes carry): the runner may write them a moment after the start, batched
   * (worker/run-records.ts). Absent: they are written before the start counts as done.
   */
  readonly findsUnrecordedRuns?: boolean;
  /** Checked once before the worker starts (Slurm: QM_FOLDER is shared with the nodes); throws saying what to fix. */
  check?(): Promise<void>;
  /** The latest figures about where jobs run, for the heartbeat (Slurm: partitions and CPUs). */
  clusterStats?(): ClusterStats | undefined;
  /** A start may come soon (a folder arrived, the web app woke the worker): get ready for it, without waiting. */
  prepare?(): void;
  /**
   * Before a job's row is claimed: take what its run will run as (the local executor: a uid).
   * A failure to be told (a uid pool with none left) comes from start(), as a failed start.
   */
  reserve?(runAs: string[]): Reservation | ReserveWait;
  start(spec: LaunchSpec): Promise<StartedRun>;
  /** SIGTERM (or the scheduler's cancel) now, SIGKILL after `graceMs` if anything is left (`onKill` is told). */
  terminate(run: StartedRun, graceMs: number, onKill?: () => void): void;
  /** Resource use of these runs, sampled now. */
  sample(runs: StartedRun[]): Map<StartedRun, RunSample>;
  /**
   * After a restart: find a run that an earlier worker started (its row is still active).
   * `running`: it runs on and is watched again (adopted); `ended`: it ended meanwhile, as its
   * exit record says; `gone`: nothing of it is left and it left no exit record.
   */
  find(record: RunRecord): Promise<FoundRun>;
  /** After a restart: stop whatever runs no active row claims (`known` run tokens). */
  sweep(known: Set<string>, graceMs: number, log: (m: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** What is kept of a run (in its Job row) to find it again after a restart. */
export interface RunRecord {
  jobId: number;
  runToken: string;
  /** The job folder in QM_Jobs. */
  dir: string;
  /** Job.runInfo as the executor returned it from start(), or null if it was never recorded. */
  runInfo: Record<string, unknown> | null;
  startedAt: Date;
}

/** `gone` with `notStarted`: it never reached the executor (a Slurm submission that never went through), so it goes back to the queue. */
export type FoundRun = { state: "running"; run: StartedRun } | { state: "ended"; exit: ExitReport } | { state: "gone"; reason: string; notStarted?: boolean };
