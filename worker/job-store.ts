/**
 * The worker's hot path in SQL: reading the head of the queue, marking a job running,
 * recording its end. A direct better-sqlite3 connection (WAL) with prepared statements:
 * these run for every job, and through Prisma each costs 4-8 ms of CPU here instead of
 * ~0.1 ms. Dates are written the way Prisma writes them (`...T..:..:..mmm+00:00`), and
 * `updatedAt` is set by hand as Prisma would. Everything else goes through Prisma.
 */
import Database from "better-sqlite3";
import { sqliteFilePath } from "../lib/server/database-url";

/** A queued job as dispatch needs it. */
export interface QueuedRow {
  id: number;
  name: string;
  owner: string | null;
  info: string | null;
  script: string;
  nbProc: number;
  priority: number;
  submittedAt: Date;
  folder: string;
}

export interface FinishedUpdate {
  state: string;
  folder: string;
  finishedAt: Date;
  exitCode: number | null;
  signal: string | null;
  cpuSeconds: number | null;
  peakMemoryKb: number | null;
  progress: number | null;
  error: string | null;
}

/** A job dropped as a folder, ready to queue: a queued row before it has an id, plus its info-file keys (JSON). */
export type NewQueuedJob = Omit<QueuedRow, "id" | "submittedAt"> & { params: string };

export interface JobStore {
  readQueue(skip: number[], limit: number): QueuedRow[];
  /** Which of these folders belong to a queued row. */
  queuedFolders(folders: string[]): Set<string>;
  /** Insert a `folder`-source queued job and its `queued` event; returns its id. */
  insertQueued(job: NewQueuedJob, detail: string): number;
  markRunning(id: number, folder: string, startedAt: Date, pid: number | null, detail: string): void;
  markFinished(id: number, u: FinishedUpdate, detail: string): void;
  /** Upsert the WorkerStatus row (every few seconds, also when idle: kept this cheap). */
  heartbeat(beat: { pid: number; host: string; startedAt: Date; at: Date; stats: string }): void;
  close(): void;
}

const sqlDate = (d: Date) => d.toISOString().replace("Z", "+00:00");

export function openJobStore(databaseUrl: string): JobStore {
  const db = new Database(sqliteFilePath(databaseUrl), { timeout: 10_000 });
  db.pragma("synchronous = NORMAL");
  const event = db.prepare("INSERT INTO JobEvent (jobId, at, kind, detail) VALUES (?, ?, ?, ?)");
  const running = db.prepare("UPDATE Job SET state = 'running', folder = ?, startedAt = ?, pid = ?, progress = NULL, updatedAt = ? WHERE id = ?");
  const finished = db.prepare(
    `UPDATE Job SET state = @state, folder = @folder, finishedAt = @finishedAt, exitCode = @exitCode, signal = @signal,
     cpuSeconds = @cpuSeconds, peakMemoryKb = @peakMemoryKb, progress = @progress, pid = NULL, error = @error, updatedAt = @finishedAt
     WHERE id = @id`,
  );
  const insert = db.prepare(
    `INSERT INTO Job (name, owner, info, script, nbProc, priority, params, state, folder, source, submittedAt, updatedAt)
     VALUES (@name, @owner, @info, @script, @nbProc, @priority, @params, 'queued', @folder, 'folder', @at, @at)`,
  );
  const beatStatement = db.prepare(
    `INSERT INTO WorkerStatus (id, pid, host, startedAt, heartbeatAt, stats) VALUES (1, @pid, @host, @startedAt, @at, @stats)
     ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, host = excluded.host, startedAt = excluded.startedAt,
       heartbeatAt = excluded.heartbeatAt, stats = excluded.stats`,
  );
  const byFolder = db.prepare("SELECT folder FROM Job WHERE state = 'queued' AND folder = ?").pluck();
  const queueStatements = new Map<number, Database.Statement>();
  const queueStatement = (skipCount: number) => {
    let st = queueStatements.get(skipCount);
    if (!st) {
      const notIn = skipCount ? `AND id NOT IN (${Array(skipCount).fill("?").join(",")})` : "";
      st = db.prepare(
        `SELECT id, name, owner, info, script, nbProc, priority, submittedAt, folder FROM Job
         WHERE state = 'queued' ${notIn} ORDER BY priority DESC, submittedAt ASC, id ASC LIMIT ?`,
      );
      if (queueStatements.size < 64) queueStatements.set(skipCount, st);
    }
    return st;
  };
  return {
    readQueue(skip, limit) {
      const rows = queueStatement(skip.length).all(...skip, limit) as (Omit<QueuedRow, "submittedAt"> & { submittedAt: string })[];
      return rows.map((r) => ({ ...r, submittedAt: new Date(r.submittedAt) }));
    },
    queuedFolders(folders) {
      return new Set(folders.filter((f) => byFolder.get(f) !== undefined));
    },
    insertQueued: db.transaction((job: NewQueuedJob, detail: string) => {
      const at = sqlDate(new Date());
      const id = Number(insert.run({ ...job, at }).lastInsertRowid);
      event.run(id, at, "queued", detail);
      return id;
    }),
    markRunning: db.transaction((id: number, folder: string, startedAt: Date, pid: number | null, detail: string) => {
      const at = sqlDate(startedAt);
      running.run(folder, at, pid, at, id);
      event.run(id, at, "running", detail);
    }),
    markFinished: db.transaction((id: number, u: FinishedUpdate, detail: string) => {
      const at = sqlDate(u.finishedAt);
      finished.run({ ...u, id, finishedAt: at });
      event.run(id, at, u.state, detail);
    }),
    heartbeat(beat) {
      beatStatement.run({ ...beat, startedAt: sqlDate(beat.startedAt), at: sqlDate(beat.at) });
    },
    close: () => db.close(),
  };
}
