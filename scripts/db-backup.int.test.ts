/**
 * `npm run db:backup` while the worker program runs 200 jobs: every copy opens, passes
 * SQLite's integrity check and holds every job that had finished before it was started, as
 * the live database had it; the last one, after the run, holds all 200.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FINISHED_STATES } from "../lib/core/job-lifecycle";
import { projectRoot } from "../lib/server/bootstrap";
import { sqliteFilePath } from "../lib/server/database-url";
import { type TestEnv, createTestEnv, submitJob, waitFor } from "../worker/tests/helpers";
import { type WorkerProcess, spawnWorker } from "../worker/tests/worker-process";

const run = promisify(execFile);
const JOBS = 200;
let env: TestEnv;
let worker: WorkerProcess;

beforeAll(async () => {
  env = await createTestEnv({ MaxNbProcessors: 2, Settle_Time: 0 });
  worker = spawnWorker({ configPath: env.configPath, dataDir: env.dir, databaseUrl: env.databaseUrl });
  await worker.started();
});

afterAll(async () => {
  worker.child.kill("SIGTERM");
  await worker.exited;
  await env.cleanup();
});

/** npm run db:backup, as an administrator runs it (the script, with the service's environment). */
async function backup(file: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts/db-backup.ts"), file], {
    cwd: projectRoot,
    env: { ...process.env, QM_CONFIG: env.configPath, QM_DATA: env.dir, DATABASE_URL: env.databaseUrl },
  });
  return stdout;
}

type Row = { id: number; state: string; folder: string };
const finishedIn = async (rows: Row[]) => rows.filter((r) => (FINISHED_STATES as readonly string[]).includes(r.state));
const live = async () => finishedIn((await env.db.job.findMany({ select: { id: true, state: true, folder: true } })) as Row[]);

function rowsOf(file: string): Map<number, Row> {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    return new Map((copy.prepare(`SELECT "id", "state", "folder" FROM "Job"`).all() as Row[]).map((r) => [r.id, r]));
  } finally {
    copy.close();
  }
}

describe("npm run db:backup", () => {
  it("copies the database consistently during a 200-job run", { timeout: 240_000 }, async () => {
    // Jobs that take a moment, so that the run lasts several backups.
    for (let i = 0; i < JOBS; i++) await submitJob(env, `job-${i}`, { script: "sleep 0.05" });
    const partial: number[] = [];
    for (let n = 0; ; n++) {
      const before = await live();
      const file = path.join(env.dir, "backups", `during-${n}.db`);
      const said = await backup(file);
      expect(said).toMatch(new RegExp(`^wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(.*, \\d+ jobs of which \\d+ finished, integrity ok\\)`));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const copy = rowsOf(file);
      expect(copy.size).toBe(JOBS);
      // Every job finished before the backup began is in it, finished, in the same folder.
      for (const row of before) expect(copy.get(row.id)).toEqual(row);
      const copied = await finishedIn([...copy.values()]);
      if (copied.length < JOBS) partial.push(copied.length);
      if (before.length === JOBS) break;
    }
    expect(partial.length, "backups taken while jobs ran").toBeGreaterThanOrEqual(1);
    await waitFor("every job done", async () => (await env.db.job.count({ where: { state: "done" } })) === JOBS, 120_000);
    const last = rowsOf((await backup(path.join(env.dir, "after.db")), path.join(env.dir, "after.db")));
    expect([...last.values()].filter((r) => r.state === "done")).toHaveLength(JOBS);
    // The live database is untouched by the copies: still in WAL mode, still the worker's.
    const db = new Database(sqliteFilePath(env.databaseUrl), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("refuses to overwrite a file, and points PostgreSQL users to pg_dump", async () => {
    const file = path.join(env.dir, "exists.db");
    fs.writeFileSync(file, "x");
    await expect(backup(file)).rejects.toMatchObject({ stderr: expect.stringContaining(`backup failed: ${file} exists already`) });
    const pg = run(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts/db-backup.ts")], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: "postgresql://qm:secret@db.lab:5432/qm" },
    });
    await expect(pg).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/postgresql:\/\/qm:\*\*\*@db\.lab:5432\/qm.*back it up with pg_dump/s) });
    // The command it suggests keeps the dump private, as docs/postgresql.md's does (found by the PostgreSQL QA: it wrote 0644).
    await expect(pg).rejects.toMatchObject({ stderr: expect.stringContaining(`(umask 077; pg_dump --format=custom --file="qm-$(date +%F).dump" "$DATABASE_URL")`) });
  });
});
