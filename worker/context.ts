/** What the worker's parts share: dependencies plus the table of running jobs. */
import type { GpuUsage } from "../lib/core/gpu-usage";
import type { ActiveState } from "../lib/core/job-lifecycle";
import type { QmConfig } from "../lib/core/qm-config";
import type { Log } from "../lib/server/logger";
import type { QmLayout } from "../lib/server/qm-folders";
import type { JobStore } from "../lib/server/store/job-store";
import type { Executor, StartedRun } from "./executor";
import type { RunRecords } from "./run-records";

/** A job that runs now, on the executor. */
export interface RunningJob {
  id: number;
  name: string;
  owner: string | null;
  info: string | null;
  script: string;
  /** Absolute path of its folder in QM_Jobs, and that folder's name. */
  dir: string;
  dirName: string;
  granted: number;
  /** CPUs it is pinned to (empty: none), its memory limit (MiB) and walltime (s). */
  cpus: number[];
  /** GPUs it holds, its own (empty: none); kept in runInfo, so the budget survives a restart. */
  gpus: number[];
  /** GPUs it asked for (nb_gpu): more than `gpus` when a scheduler of its own picks the devices (Slurm). */
  nbGpu: number;
  /** Its GPU use sampled by nvidia-smi so far (worker/gpus/gpu-sampler.ts). */
  gpuUsage: GpuUsage;
  memMb: number | null;
  walltimeSeconds: number | null;
  walltimeTimer?: NodeJS.Timeout;
  /** A limit that ended it (walltime reached), as the runner saw it. */
  limit?: "timeout" | "oom";
  startedAt: Date;
  runToken: string;
  run: StartedRun;
  /** Its row's state: `pending` while it waits in the executor's own queue (Slurm), then `running`. */
  state: ActiveState;
  /** The last signal sent on a kill request (or at shutdown). */
  killSignal?: NodeJS.Signals;
  /** Its row held a kill request when this worker took it over after a restart. */
  killRequestedBefore?: boolean;
  /** Stopped because the worker stops: requeued instead of ended. */
  shutdown?: boolean;
  /** Stopped at start because the worker kept dying while it ran: ended `lost` with this reason. */
  quarantined?: string;
  peakMemoryKb: number | null;
  /** CPU seen by the monitor: the fallback when the executor could not report it. */
  sampledCpuSeconds?: number;
  progress: number | null;
}

export interface WorkerContext {
  /** Every read and write of job rows. */
  store: JobStore;
  layout: QmLayout;
  config: () => QmConfig;
  /** QMserv.cfg's path: the service's own folders are found from it (Archive_Folder's check). */
  configPath: string;
  /** log(message) for info; log.debug/info/warn/error(message, { job }) for the rest. */
  log: Log;
  debug: (message: string) => void;
  host: string;
  executor: Executor;
  /** Whether jobs run as their own identity (uid) or with the worker's privileges (none). */
  isolation: "uid" | "none";
  /** CPUs runs may be pinned to (empty: no pinning). */
  cpus: number[];
  /** GPUs runs may be given (GPU_List, `auto` resolved at start; empty: none). */
  gpus: number[];
  /** How runs are confined, in words. */
  limits: string;
  /** Base of the links in mails: QM_PUBLIC_URL, or where the web server listens (lib/server/web-address.ts). */
  publicUrl: () => Promise<string>;
  running: Map<number, RunningJob>;
  /** Started runs' pids and details waiting to be written (worker/run-records.ts). */
  runRecords: RunRecords;
  /** True once the worker stops (a run's end is then no longer retried: worker/until-recorded.ts). */
  stopping: () => boolean;
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Stop a running job's processes (TERM, then KILL after Kill_Grace); once per job. */
export function stopRun(ctx: WorkerContext, job: RunningJob, reason: string): void {
  if (job.killSignal) return;
  ctx.log(`${reason}: stopping it (SIGTERM, SIGKILL after ${ctx.config().killGraceMs / 1000} s)`, { job: job.id });
  job.killSignal = "SIGTERM";
  ctx.executor.terminate(job.run, ctx.config().killGraceMs, () => (job.killSignal = "SIGKILL"));
}
