/**
 * The statistics kept while no job changes (job-stats-cache.ts), on a real database: one
 * computation for readers of the same jobs version, a new one once a job is written.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase } from "../../../prisma/tools/test-database";
import { planTransition } from "../../core/job-lifecycle";
import { type Db, createDb } from "../db";
import { type JobStore, createJobStore } from "../store/job-store";
import { openSql } from "../store/sql";
import { getJobStats } from "./get-job-stats";
import { createJobStatsCache } from "./job-stats-cache";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-stats-cache-"));
let db: Db;
let store: JobStore;
beforeAll(async () => {
  const url = await createTestDatabase(dir);
  db = createDb(url);
  store = createJobStore(openSql(url));
});
afterAll(async () => {
  await db.$disconnect();
  await store.sql.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const imported = (owner: string) =>
  store.createJob({ name: "j", owner, script: "true", folder: "QM_dJobs/j", source: "folder" }, planTransition("import", null, "done", { finishedAt: new Date() }));

it("computes once for the readers of one jobs version, again after a job is written or for other days", async () => {
  let computations = 0;
  const cache = createJobStatsCache(db, store.sql, (...args) => (computations++, getJobStats(...args)));
  await imported("ann@lab.org");
  const [a, b] = await Promise.all([cache.read(30), cache.read(30)]);
  expect(computations).toBe(1);
  expect(a).toBe(b);
  expect((await cache.read(30)).totals.jobs).toBe(1);
  expect(computations).toBe(1);

  await imported("bob@lab.org");
  const after = await cache.read(30);
  expect(computations).toBe(2);
  expect(after.totals.jobs).toBe(2);
  expect(after.owners.map((o) => o.owner).sort()).toEqual(["ann@lab.org", "bob@lab.org"]);

  expect((await cache.read(7)).days).toHaveLength(7);
  expect(computations).toBe(3);
});
