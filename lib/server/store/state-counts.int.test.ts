/**
 * The counts per state that the web server keeps while the jobs version stays put: after
 * every kind of write through the real job store, on a real database (SQLite file, or
 * PostgreSQL in integration-pg), they equal what the database says, at once.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../prisma/tools/test-database";
import { type JobState, planTransition } from "../../core/job-lifecycle";
import { type Db, createDb } from "../db";
import { type JobStore, createJobStore } from "./job-store";
import { type Sql, type SqlValue, openSql } from "./sql";
import { type StateCounts, countIn, createStateCounts } from "./state-counts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-counts-"));
let db: Db;
let store: JobStore;
let counts: StateCounts;

beforeAll(async () => {
  const url = await createTestDatabase(dir);
  db = createDb(url);
  store = createJobStore(openSql(url));
  counts = createStateCounts(store.sql);
});

afterAll(async () => {
  await db.$disconnect();
  await store.sql.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The database's own answer, through Prisma's connection. */
async function inDatabase(): Promise<Record<string, number>> {
  const groups = await db.job.groupBy({ by: ["state"], _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
}

let n = 0;
const submit = () => store.createJob({ name: `job-${++n}`, script: "true", folder: `QM_qJobs/job-${n}`, source: "folder" }, planTransition("submit", null, "queued"));
const imported = (state: JobState) =>
  store.createJob({ name: `old-${++n}`, script: "true", folder: `QM_dJobs/old-${n}`, source: "import" }, planTransition("import", null, state, { finishedAt: new Date() }));
const start = (id: number) => store.transition(id, planTransition("start", "queued", "running", { folder: `QM_Jobs/job-${id}`, startedAt: new Date() }));
const end = (id: number, state: JobState) => store.transition(id, planTransition("end", "running", state, { folder: `QM_dJobs/job-${id}`, finishedAt: new Date(), exitCode: 0 }));

describe("counts per state kept by jobs version", () => {
  it("match the database right after each write through the store", async () => {
    expect(await counts.read()).toEqual({});
    const steps: [string, () => Promise<unknown>][] = [];
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) steps.push([`submit ${i}`, async () => ids.push(await submit())]);
    steps.push(
      ["import done", () => imported("done")],
      ["import failed", () => imported("failed")],
      ["start", () => start(ids[0])],
      ["end done", () => end(ids[0], "done")],
      ["start again", () => start(ids[1])],
      ["kill request (no state change)", () => store.requestKill(ids[1], "test")],
      ["end killed", () => end(ids[1], "killed")],
      ["hold", () => store.transition(ids[2], planTransition("hold", "queued", "held"))],
      ["cancel", () => store.transition(ids[3], planTransition("cancel", "queued", "cancelled", { finishedAt: new Date() }))],
      ["delete", () => store.transition(ids[0], planTransition("delete", "done", "deleted"))],
      ["requeue", () => store.transition(ids[1], planTransition("requeue", "killed", "queued", { folder: `QM_qJobs/job-${ids[1]}` }))],
      ["discard", () => store.discard(ids[1], { state: "queued", folder: `QM_qJobs/job-${ids[1]}` })],
      ["array", () => store.createArray({ name: "sweep", spec: "1-3", maxRunning: null }, [1, 2, 3].map((i) => ({ name: `sweep-${i}`, script: "true", folder: `QM_qJobs/sweep-${i}`, source: "folder" as const, arrayIndex: i })), planTransition("submit", null, "queued"))],
    );
    for (const [step, write] of steps) {
      await write();
      expect(await counts.read(), step).toEqual(await inDatabase());
    }
    expect(await counts.read()).toMatchObject({ queued: 3, held: 1, done: 1, failed: 1, cancelled: 1, deleted: 1 });
  });

  it("answer from memory while the version stays put, and count again when it moves", async () => {
    const first = await counts.read();
    expect(await counts.read()).toBe(first);
    // A row written behind the store's back (never done in QueueManager) shows that nothing is counted meanwhile.
    await store.sql.run(`INSERT INTO "Job" ("name", "script", "folder", "source", "state", "submittedAt", "updatedAt") VALUES ('hidden', 'true', 'QM_qJobs/hidden', 'folder', 'queued', ?, ?)`, [new Date(), new Date()]);
    expect(await counts.read()).toBe(first);
    await submit();
    const after = await counts.read();
    expect(after).toEqual(await inDatabase());
    expect(after.queued).toBe((first.queued ?? 0) + 2);
  });

  it("stay right while reads race writes", async () => {
    for (let i = 0; i < 20; i++) {
      // A page's read in flight while a job is written, then one right after the write.
      const racing = counts.read();
      const id = await submit();
      const after = counts.read();
      const [before, now] = await Promise.all([racing, after]);
      const truth = await inDatabase();
      expect(now, `after write ${i}`).toEqual(truth);
      expect(countIn(before, ["queued"])).toBeLessThanOrEqual(countIn(truth, ["queued"]));
      if (i % 2) await start(id);
    }
  });

  it("never keep a count under a version it may predate, whenever a write lands", async () => {
    // The same database, with a job written through the store just before the version is
    // read, or just after the count has read its rows.
    let landing: { at: "version" | "count"; write: () => Promise<unknown> } | undefined;
    const land = async (at: "version" | "count") => {
      const due = landing?.at === at ? landing : undefined;
      if (due) landing = undefined;
      await due?.write();
    };
    const sql = store.sql;
    const timed: Sql = {
      dialect: sql.dialect,
      get: async (text, params) => (await land("version"), sql.get(text, params)),
      run: (text, params) => sql.run(text, params),
      transaction: (fn) => sql.transaction(fn),
      close: () => Promise.resolve(),
      async all<T>(text: string, params?: SqlValue[]) {
        const rows = await sql.all<T>(text, params);
        await land("count");
        return rows;
      },
    };
    const landed = createStateCounts(timed);
    for (const at of ["version", "count", "version", "count"] as const) {
      await submit(); // a version not counted yet
      landing = { at, write: submit };
      await landed.read();
      expect(landing, "the write landed").toBeUndefined();
      expect(await landed.read(), `a write landing at the ${at}`).toEqual(await inDatabase());
    }
  });

  it("share one count between readers of the same version", async () => {
    await submit();
    const [a, b, c] = await Promise.all([counts.read(), counts.read(), counts.read()]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a).toEqual(await inDatabase());
  });
});
