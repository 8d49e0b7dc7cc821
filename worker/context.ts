/** What the worker's parts share: dependencies plus the table of running jobs. */
import type { QmConfig } from "../lib/core/qm-config";
import type { Db } from "../lib/server/db";
import type { QmLayout } from "../lib/server/qm-folders";
import type { ExitInfo, SpawnedJob, SpawnOptions } from "./executor";
import type { JobStore } from "./job-store";

/** A job whose process group runs now. */
export interface RunningJob {
  id: number;
  name: string;
  owner: string | null;
  info: string | null;
  script: string;
  /** Absolute path of its folder in QM_Jobs, and that folder's name. */
  dir: string;
  dirName: string;
  /** Wrapper shell pid = process group id. */
  pid: number;
  granted: number;
  startedAt: Date;
  /** The last signal sent on a kill request (or at shutdown). */
  killSignal?: NodeJS.Signals;
  killTimer?: NodeJS.Timeout;
  /** Killed because the worker stops: requeued instead of moved to QM_lost+found. */
  shutdown?: boolean;
  peakMemoryKb: number | null;
  /** CPU seen by the monitor: the fallback when the wrapper could not report (SIGKILL). */
  sampledCpuSeconds?: number;
  progress: number | null;
  exited: Promise<ExitInfo>;
  /** Resolves when the job has been moved and recorded. */
  done?: Promise<void>;
}

export interface WorkerContext {
  db: Db;
  /** The per-job reads and writes, in direct SQL. */
  store: JobStore;
  layout: QmLayout;
  config: () => QmConfig;
  log: (message: string) => void;
  debug: (message: string) => void;
  host: string;
  /** Start a job's process group (through the spawner helper). */
  spawn: (o: SpawnOptions) => Promise<SpawnedJob>;
  /** Base of the links in mails. */
  publicUrl: () => string;
  running: Map<number, RunningJob>;
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
