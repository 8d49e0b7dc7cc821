/**
 * GET /api/health for load balancers and uptime checks: the web server answers, the database
 * answers (within a few seconds), and the worker's heartbeat is fresh. Healthy: 200; else
 * 503 with the reason, in words an administrator can act on.
 */
import fs from "node:fs";
import { formatBytes } from "../core/format";
import { HEARTBEAT_STALE_MS, isWorkerAlive, parseWorkerStats } from "../core/worker-stats";
import { type Sql, toDate } from "./store/sql";

const DATABASE_TIMEOUT_MS = 5_000;
/** Less free space than this where the SQLite file lives: its writes (the heartbeat) fail. */
const FULL_BELOW_BYTES = 1024 * 1024;

export interface HealthOptions {
  /** The SQLite file's folder (null on PostgreSQL): a worker that cannot beat may be alive, its database's disk full. */
  databaseFolder?: string | null;
}

export interface Health {
  status: "ok" | "unhealthy";
  checks: { web: "ok"; database: "ok" | "failed"; worker: "ok" | "stopped" | "stale" | "never started" | "unknown" };
  /** Seconds since the worker's last heartbeat (null: none). */
  workerHeartbeatAgeSeconds: number | null;
  /** Why it is unhealthy; null when healthy. */
  reason: string | null;
}

export async function checkHealth(sql: Sql, now = new Date(), opts: HealthOptions = {}): Promise<Health> {
  let row: { heartbeatAt: unknown; stats: string } | undefined;
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_TIMEOUT_MS / 1000} s`)), DATABASE_TIMEOUT_MS)));
    row = await Promise.race([sql.get<{ heartbeatAt: unknown; stats: string }>(`SELECT "heartbeatAt", "stats" FROM "WorkerStatus" WHERE "id" = 1`), timeout]).finally(() => clearTimeout(timer));
  } catch (error) {
    const reason = `the database does not answer: ${(error as Error).message}`;
    return { status: "unhealthy", checks: { web: "ok", database: "failed", worker: "unknown" }, workerHeartbeatAgeSeconds: null, reason };
  }
  const heartbeatAt = row ? toDate(row.heartbeatAt) : null;
  const age = heartbeatAt ? Math.max(0, (now.getTime() - heartbeatAt.getTime()) / 1000) : null;
  const stats = parseWorkerStats(row?.stats);
  const worker = !heartbeatAt ? "never started" : isWorkerAlive(heartbeatAt, stats, now.getTime()) ? "ok" : stats.stopped ? "stopped" : "stale";
  const reason = {
    ok: null,
    "never started": "no worker has run on this database yet: start it (npm run worker, or the qm-worker service)",
    stopped: `the worker stopped ${Math.round(age!)} s ago: start it again (npm run worker, or systemctl start qm-worker)`,
    stale: `the worker's last heartbeat is ${Math.round(age!)} s old (more than ${HEARTBEAT_STALE_MS / 1000} s): ${fullDatabaseDisk(opts.databaseFolder) ?? "it died or hangs; see its log"}`,
  }[worker];
  return { status: reason ? "unhealthy" : "ok", checks: { web: "ok", database: "ok", worker }, workerHeartbeatAgeSeconds: age === null ? null : Math.round(age * 10) / 10, reason };
}

/** Said instead of "it died or hangs" when the database's disk is full (a job filled it): the worker runs on but cannot write. */
function fullDatabaseDisk(folder: string | null | undefined): string | null {
  if (!folder) return null;
  try {
    const { bavail, bsize, files, ffree } = fs.statfsSync(folder);
    // Out of inodes (files = 0: the filesystem sets no limit), bytes free or not: no file can be created there.
    if (files > 0 && ffree === 0) return `the disk of the database (${folder}) has no free inodes (files) left, so the worker cannot write to it; remove files there`;
    if (bavail * bsize >= FULL_BELOW_BYTES) return null;
    return `the disk of the database (${folder}) is full (${formatBytes(bavail * bsize)} free), so the worker cannot write to it; free some space there`;
  } catch {
    return null;
  }
}
