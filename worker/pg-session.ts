/**
 * The worker's own PostgreSQL session, for what cannot go through a pool:
 * - the QM_FOLDER's lock across hosts: a session-level advisory lock keyed by the folder's
 *   id (folder-id.ts), so a second worker on any host sharing the folder refuses to start,
 *   and says who holds it;
 * - wake-ups: LISTEN on the channel the web app NOTIFYs after a submit, requeue or kill.
 * If the session drops (a database restart), running jobs go on; the session is opened
 * again and the lock taken again, unless another worker took it meanwhile: then this one
 * must stop (onLockLost). Notifications sent meanwhile are lost: onWake is called after
 * every reconnection, and the worker's rescan is the safety net.
 */
import { createHash } from "node:crypto";
import os from "node:os";
import type { Client } from "pg";
import { cannotOpenDatabase } from "../lib/server/database-url";
import { WAKE_CHANNEL } from "../lib/server/wake-worker";
import { folderId } from "./folder-id";
import { isProcessAlive } from "./local/process-tree";

export interface PgSessionOptions {
  databaseUrl: string;
  /** QM_FOLDER/.qm: where the folder's id is kept. */
  internalDir: string;
  onWake: () => void;
  /** Another worker holds the lock now: this one must stop. */
  onLockLost: (error: Error) => void;
  log: (message: string) => void;
  debug: (message: string) => void;
}

export interface PgSession {
  /** Release the lock and stop listening. */
  close(): Promise<void>;
}

/** First half of every advisory lock key of QueueManager ("QM"). */
const LOCK_SPACE = 0x514d;

/** A non-negative int4 from the folder's id (pg_locks shows keys as unsigned oids). */
function lockKey(internalDir: string): number {
  return createHash("sha256").update(folderId(internalDir)).digest().readUInt32BE(0) & 0x7fffffff;
}

interface Holder {
  /** In the file lock's words: "pid 123 on hostB, since ..." when it is a worker. */
  text: string;
  /** A worker on this host whose process is gone: its session is about to end. */
  dead: boolean;
}

async function lockHolder(client: Client, key: number): Promise<Holder> {
  const { rows } = await client.query<{ app: string; addr: string | null; since: Date }>(
    `SELECT a.application_name AS app, host(a.client_addr) AS addr, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2`,
    [LOCK_SPACE, key],
  );
  const holder = rows[0];
  if (!holder) return { text: "a session that has just ended", dead: true };
  const since = new Date(holder.since).toISOString();
  const worker = /^qm-worker pid (\d+) on (.*)$/.exec(holder.app);
  if (!worker) return { text: `a session from ${holder.addr ?? "a local socket"}, since ${since}`, dead: false };
  const dead = worker[2] === os.hostname().slice(0, worker[2].length) && !isProcessAlive(Number(worker[1]));
  return { text: `pid ${worker[1]} on ${worker[2]}, since ${since}`, dead };
}

/** How long a session of a dead worker may take to end (the server notices the closed socket). */
const STALE_SESSION_MS = 10_000;

class LockHeld extends Error {}

export async function openPgSession(opts: PgSessionOptions): Promise<PgSession> {
  const { default: pg } = await import("pg"); // loaded here: a worker on SQLite never needs it
  const key = lockKey(opts.internalDir);
  const applicationName = `qm-worker pid ${process.pid} on ${os.hostname()}`.slice(0, 63);
  let client: Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: opts.databaseUrl, application_name: applicationName, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    next.on("error", () => undefined); // reported through "end"
    try {
      await next.connect();
    } catch (error) {
      // "connect ECONNREFUSED 127.0.0.1:5432" alone did not say that it is the database.
      throw new Error(cannotOpenDatabase(opts.databaseUrl, error));
    }
    try {
      // A worker restarted right after a crash may find its predecessor's session still
      // open for a moment: wait for that one, never for a live worker.
      for (const end = Date.now() + STALE_SESSION_MS; ; ) {
        const { rows } = await next.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS locked", [LOCK_SPACE, key]);
        if (rows[0].locked) break;
        const holder = await lockHolder(next, key);
        if (!holder.dead || Date.now() > end) {
          throw new LockHeld(`another QueueManager worker (${holder.text}) already runs on this QM_FOLDER: it holds the folder's lock in the database; stop it first`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await next.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) return void (await next.end().catch(() => undefined)); // closed while reconnecting
    next.on("notification", () => {
      opts.debug("woken by a database notification");
      opts.onWake();
    });
    next.once("end", () => !closed && lost());
    client = next;
  };

  const reconnect = async (delayMs: number): Promise<void> => {
    try {
      await connect();
      if (closed) return;
      opts.log("database session restored: the QM_FOLDER lock is held again");
      opts.onWake();
    } catch (error) {
      if (error instanceof LockHeld) return opts.onLockLost(error);
      if (!closed) retry = setTimeout(() => void reconnect(Math.min(delayMs * 2, 10_000)), delayMs);
    }
  };

  const lost = () => {
    client = undefined;
    opts.log("the database session holding the QM_FOLDER lock ended; opening it again (running jobs go on)");
    retry = setTimeout(() => void reconnect(1_000), 500);
  };

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
