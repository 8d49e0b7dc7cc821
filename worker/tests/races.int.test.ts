/**
 * Kill, requeue and delete, the web app's own functions, raced against jobs that a real
 * worker is finishing, 100 times: no run ends twice, no row names a folder that does not
 * exist, no job folder is left without a row.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FINISHED_STATES, END_STATES } from "../../lib/core/job-lifecycle";
import { deleteJob } from "../../lib/server/jobs/delete-job";
import { requestKill } from "../../lib/server/jobs/kill-job";
import { requeueJob } from "../../lib/server/jobs/requeue-job";
import { QUEUE_DIRS } from "../../lib/server/qm-folders";
import { createTestEnv, submitJob, type TestEnv, waitFor } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

const RULE = { jobFile: "proc_config.cfg", strict: false };

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

const ROUNDS = 100;
const BATCH = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (fromMs: number, toMs: number) => sleep(fromMs + Math.random() * (toMs - fromMs));

/** The web app's actions, at random moments around the job's end; refusals are expected. */
async function race(id: number): Promise<string[]> {
  const outcomes: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      outcomes.push(`${what}: ok`);
    } catch (error) {
      outcomes.push(`${what}: ${(error as { code?: string }).code ?? (error as Error).message}`);
    }
  };
  await Promise.all([
    at(0, 60).then(() => attempt("kill", () => requestKill(env.store, env.layout, id, "race"))),
    at(20, 90).then(() => attempt("requeue", () => requeueJob(env.store, env.layout, id, "race", RULE, null))),
    at(20, 110).then(() => attempt("delete", () => deleteJob(env.store, env.layout, id, "race"))),
    at(60, 120).then(() => attempt("requeue", () => requeueJob(env.store, env.layout, id, "race", RULE, null))),
    // And one just after the end, wherever the machine's load has put it.
    ended(id).then(() => at(0, 20)).then(() => attempt("requeue", () => requeueJob(env.store, env.layout, id, "race", RULE, null))),
  ]);
  return outcomes;
}

/** The job's first end (or its deletion). */
async function ended(id: number) {
  return waitFor(`job ${id} to end`, async () => {
    const row = await env.db.job.findUniqueOrThrow({ where: { id } });
    return row.state === "deleted" || (FINISHED_STATES as readonly string[]).includes(row.state) ? row : null;
  }, 30_000, 10);
}

/** Wait until the job is finished or deleted and stays so (a requeue makes it run again). */
async function settled(id: number) {
  let quietSince = 0;
  return waitFor(`job ${id} to settle`, async () => {
    const row = await env.db.job.findUniqueOrThrow({ where: { id } });
    const final = row.state === "deleted" || (FINISHED_STATES as readonly string[]).includes(row.state);
    if (!final) quietSince = 0;
    else if (!quietSince) quietSince = Date.now();
    return final && Date.now() - quietSince > 300 ? row : null;
  }, 30_000, 25);
}

describe("racing kill, requeue and delete against finishing jobs", () => {
  it(`keeps rows and folders in agreement over ${ROUNDS} rounds`, async () => {
    env = await createTestEnv({ MaxNbProcessors: BATCH, Kill_Grace: 1 });
    worker = await startWorker(env);
    const tally = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round += BATCH) {
      await Promise.all(
        Array.from({ length: BATCH }, async (_, k) => {
          const id = await submitJob(env, `race ${round + k}`, { script: `echo run; sleep 0.0${k + 3}` });
          for (const o of await race(id)) tally.set(o, (tally.get(o) ?? 0) + 1);
          const row = await settled(id);
          const events = await env.db.jobEvent.findMany({ where: { jobId: id }, orderBy: { id: "asc" } });
          const starts = events.filter((e) => e.kind === "running").length;
          const ends = events.filter((e) => (END_STATES as readonly string[]).includes(e.kind)).length;
          expect(ends, `job ${id}: ${events.map((e) => e.kind).join(", ")}`).toBe(starts);
          if (row.state === "deleted") expect(fs.existsSync(path.join(env.layout.root, row.folder)), `job ${id} deleted`).toBe(false);
          else expect(fs.existsSync(path.join(env.layout.root, row.folder)), `job ${id} ${row.state} at ${row.folder}`).toBe(true);
        }),
      );
    }
    // Every folder in the four queues belongs to exactly one live row.
    const rows = await env.db.job.findMany({ where: { state: { not: "deleted" } } });
    const folders = Object.values(QUEUE_DIRS).flatMap((q) => fs.readdirSync(path.join(env.layout.root, q)).map((n) => `${q}/${n}`));
    const rowFolders = rows.map((r) => r.folder);
    const strays = folders.filter((f) => !rowFolders.includes(f));
    const missing = rows.filter((r) => !folders.includes(r.folder));
    // A mismatch names every row of the same name (the missing ones among them), with its history.
    const sameName = await env.db.job.findMany({ where: { name: { in: missing.map((r) => r.name) } }, orderBy: { id: "asc" } });
    const histories = await Promise.all(sameName.map(async (r) => `job ${r.id} ${r.state} at ${r.folder}: ${(await env.db.jobEvent.findMany({ where: { jobId: r.id }, orderBy: { id: "asc" } })).map((e) => `${e.kind} ${e.detail ?? ""}`).join("; ")}`));
    expect({ strays, missing: histories }).toEqual({ strays: [], missing: [] });
    expect(folders.sort()).toEqual(rowFolders.sort());
    expect(rows.length + (await env.db.job.count({ where: { state: "deleted" } }))).toBe(ROUNDS);
    console.log(`[measure] race outcomes over ${ROUNDS} jobs: ${[...tally].sort().map(([k, v]) => `${k} x${v}`).join(", ")}`);
    // The race must actually have raced: each action both won and lost somewhere.
    for (const what of ["kill", "requeue", "delete"]) {
      expect(tally.get(`${what}: ok`) ?? 0, `${what} never succeeded`).toBeGreaterThan(0);
    }
  }, 180_000);
});
