import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../prisma/tools/test-database";
import { type Db, createDb, tuneSqlite } from "../db";
import { getJobStats } from "./get-job-stats";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-stats-"));
let db: Db;
const now = new Date();
const daysAgo = (d: number, hour = 12) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - d, hour);

function job(owner: string | null, state: string, opts: { start?: Date; seconds?: number; cpu?: number; nbProc?: number; nbGpu?: number } = {}) {
  const finishedAt = opts.start && opts.seconds !== undefined ? new Date(opts.start.getTime() + opts.seconds * 1000) : null;
  return { name: "j", owner, script: "x", state, folder: `QM_dJobs/j`, source: "upload", startedAt: opts.start ?? null, finishedAt, cpuSeconds: opts.cpu ?? null, nbProc: opts.nbProc ?? 1, nbGpu: opts.nbGpu ?? 0 };
}

beforeAll(async () => {
  const url = await createTestDatabase(dir);
  db = createDb(url);
  await tuneSqlite(db);
});
afterAll(async () => {
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("getJobStats", () => {
  it("sums per owner (one row per e-mail whatever its case and spaces) and per day", async () => {
    await db.job.createMany({
      data: [
        job("ann@lab.org", "done", { start: daysAgo(0, 8), seconds: 100, cpu: 90 }),
        job("Ann@Lab.org", "failed", { start: daysAgo(0, 9), seconds: 20, cpu: 5 }),
        job(" ann@lab.org ", "done", { start: daysAgo(2), seconds: 60, cpu: 120, nbProc: 2, nbGpu: 2 }),
        job("bob@lab.org", "killed", { start: daysAgo(1), seconds: 40 }),
        job("bob@lab.org", "timeout", { start: daysAgo(1, 13), seconds: 30, cpu: 15 }),
        job("bob@lab.org", "oom", { start: daysAgo(1, 14), seconds: 10, cpu: 10, nbGpu: 1 }),
        job("bob@lab.org", "queued", { nbGpu: 4 }),
        job(null, "done", { start: daysAgo(40), seconds: 10, cpu: 1 }),
      ],
    });
    const stats = await getJobStats(db, { days: 7, now });
    // GPU time: wall x nb_gpu of the jobs that ran (ann: 60 x 2; bob: 10 x 1, his queued 4-GPU job counts nothing).
    expect(stats.owners).toEqual([
      // CPU efficiency: CPU over wall x nb_proc of the jobs with a CPU time (ann: 215 / (100 + 20 + 60 x 2)).
      { owner: "bob@lab.org", jobs: 4, done: 0, failures: 3, cpuSeconds: 25, wallSeconds: 80, meanWallSeconds: Math.round((80 / 3) * 1000) / 1000, cpuEfficiency: 62.5, timeouts: 1, ooms: 1, gpuSeconds: 10 },
      { owner: "ann@lab.org", jobs: 3, done: 2, failures: 1, cpuSeconds: 215, wallSeconds: 180, meanWallSeconds: 60, cpuEfficiency: 89.6, timeouts: 0, ooms: 0, gpuSeconds: 120 },
      { owner: "", jobs: 1, done: 1, failures: 0, cpuSeconds: 1, wallSeconds: 10, meanWallSeconds: 10, cpuEfficiency: 10, timeouts: 0, ooms: 0, gpuSeconds: 0 },
    ]);
    expect(stats.totals).toEqual({
      jobs: 8, done: 3, failures: 4, cpuSeconds: 241, wallSeconds: 270, meanWallSeconds: Math.round((270 / 7) * 1000) / 1000,
      cpuEfficiency: Math.round((241 / 290) * 1000) / 10, timeouts: 1, ooms: 1, gpuSeconds: 130,
    });
    expect(stats.days).toHaveLength(7);
    expect(stats.days.at(-1)).toMatchObject({ done: 1, failed: 1 });
    expect(stats.days.at(-2)).toMatchObject({ done: 0, failed: 3 });
    expect(stats.days.at(-3)).toMatchObject({ done: 1, failed: 0 });
    expect(stats.days.reduce((n, d) => n + d.done + d.failed, 0)).toBe(6);
  });

  it("names owners as the job lists do: the submitting account, or the account whose e-mail the job's e_mail is, else the e_mail", async () => {
    await db.job.deleteMany();
    const [carol, dave] = await Promise.all([
      db.user.create({ data: { username: "carol", passwordHash: "x" } }),
      db.user.create({ data: { username: "dave", passwordHash: "x", email: "dave@lab.org" } }),
    ]);
    await db.job.createMany({
      data: [
        // Accounts without an e-mail: each its own row, not all under "(no e_mail)".
        { ...job(null, "done", { start: daysAgo(0), seconds: 10 }), userId: carol.id },
        { ...job(null, "failed", { start: daysAgo(0), seconds: 10 }), userId: carol.id },
        { ...job(null, "done", { start: daysAgo(0), seconds: 10 }), userId: dave.id },
        // Uploaded by dave with someone else's e_mail in its info file: dave's, as the dashboard says.
        { ...job("erin@lab.org", "done", { start: daysAgo(0), seconds: 10 }), userId: dave.id },
        // Dropped as a folder with dave's e-mail, in another case: dave's.
        job(" Dave@Lab.org", "done", { start: daysAgo(0), seconds: 10 }),
        job("erin@lab.org", "done", { start: daysAgo(0), seconds: 10 }),
        job(null, "done", { start: daysAgo(0), seconds: 10 }),
      ],
    });
    const stats = await getJobStats(db, { days: 7, now });
    expect(stats.owners.map((o) => [o.owner, o.jobs])).toEqual([["dave", 3], ["carol", 2], ["", 1], ["erin@lab.org", 1]]);
    expect(stats.totals.jobs).toBe(7);
  });
});
