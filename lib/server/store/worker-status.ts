/** The worker's heartbeat row (WorkerStatus id 1): written every few seconds, so kept to one statement. */
import { type WorkerStats, isWorkerAlive, parseWorkerStats } from "../../core/worker-stats";
import type { HeadWait } from "../../core/schedule";
import { type Sql, toDate } from "./sql";

export interface Heartbeat {
  pid: number;
  host: string;
  startedAt: Date;
  at: Date;
  /** JSON matching lib/core's worker stats schema. */
  stats: string;
}

/** The last heartbeat at a clean stop: only if the row is still this worker's (not a successor's). */
export async function writeLastHeartbeat(sql: Sql, beat: Heartbeat): Promise<void> {
  await sql.run(`UPDATE "WorkerStatus" SET "heartbeatAt" = ?, "stats" = ? WHERE "id" = 1 AND "pid" = ? AND "host" = ?`, [beat.at, beat.stats, beat.pid, beat.host]);
}

export async function writeHeartbeat(sql: Sql, beat: Heartbeat): Promise<void> {
  await sql.run(
    `INSERT INTO "WorkerStatus" ("id", "pid", "host", "startedAt", "heartbeatAt", "stats") VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT ("id") DO UPDATE SET "pid" = excluded."pid", "host" = excluded."host", "startedAt" = excluded."startedAt",
       "heartbeatAt" = excluded."heartbeatAt", "stats" = excluded."stats"`,
    [beat.pid, beat.host, beat.startedAt, beat.at, beat.stats],
  );
}

/** What the worker's last heartbeat said of where jobs run; null gpus: no worker has said yet (or it hands jobs over). */
export interface WorkerSetup {
  /** The GPUs it hands out (GPU_List only changes when a worker starts, so an old heartbeat still tells it). */
  gpus: number[] | null;
  /** It hands jobs to a scheduler of its own (executor = slurm). */
  handsOver: boolean;
  /** A worker ran and is not running now (stopped, or its heartbeat is stale): nothing starts until one does. */
  down: boolean;
  /** It runs as root (each job as its own uid), so root's are the only folders it trusts (lib/server/real-path.ts). */
  runsAsRoot: boolean;
  /** The values of the keys it read only at its start (lib/core/startup-keys.ts); null: not said (no worker yet, or an older one). */
  startup: Record<string, string> | null;
  /** Why the job it would start now waits (no uid of Job_Uids free for the moment), in its words; null: nothing holds a start, or an older worker. */
  startWait: string | null;
  /** The head of the queue the worker reserves for once it has waited long enough (lib/core/schedule.ts); null: none, or an older worker. */
  headWait: HeadWait | null;
}

export async function readWorkerSetup(sql: Sql, nowMs = Date.now()): Promise<WorkerSetup> {
  const row = await sql.get<{ stats: string; heartbeatAt: unknown }>(`SELECT "stats", "heartbeatAt" FROM "WorkerStatus" WHERE "id" = 1`);
  const stats: WorkerStats = parseWorkerStats(row?.stats);
  const beat = toDate(row?.heartbeatAt);
  return {
    gpus: stats.gpus ?? null, handsOver: stats.executor === "slurm", down: beat !== null && !isWorkerAlive(beat, stats, nowMs), runsAsRoot: stats.isolation === "uid",
    startup: stats.startup ?? null, startWait: stats.startWait ?? null, headWait: stats.headWait ?? null,
  };
}

/** The GPUs the worker hands out, as its last heartbeat said; null: no worker has said yet. */
export async function readWorkerGpus(sql: Sql): Promise<number[] | null> {
  return (await readWorkerSetup(sql)).gpus;
}
