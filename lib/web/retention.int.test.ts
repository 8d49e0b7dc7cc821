/**
 * Retention with a real worker: switching it on removes nothing at once (the first automatic
 * pass comes a day later); the admin page's dry run (GET /api/admin/retention) lists what the
 * pass will remove; asking for a pass (POST) makes the worker remove exactly that, never a
 * running or queued job however old, and keep every row as history (purgedAt, a `purged`
 * event). The daily pass runs by itself (at start, and hourly) once a day has passed, and with
 * Archive_Folder it moves folders there instead.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobAnswer, JobsAnswer, RetentionAnswer } from "../core/api-types";
import { planTransition } from "../core/job-lifecycle";
import { writeLastPass, writeScheduledFrom } from "../server/retention/retention-state";
import { createWorker, type Worker } from "../../worker/create-worker";
import { removeInstanceCgroups, waitFor } from "../../worker/tests/helpers";
import { qmLayout } from "../server/qm-folders";
import { type Handler, basic, cfgPath, ctx, databaseUrl, db, dir, errorOf, makeJob, qm, req, routes, store, writeConfig } from "./api-test-harness";

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY);
const archive = path.join(dir, "archive");
let retention: { GET: Handler; POST: Handler };
let worker: Worker | undefined;

beforeAll(async () => {
  fs.chmodSync(dir, 0o755); // jobs run as unprivileged uids: they must reach QM_FOLDER
  retention = await import("../../app/api/admin/retention/route");
});

afterAll(async () => {
  await worker?.stop({ now: true });
  await removeInstanceCgroups(qmLayout(qm).internal);
});

const keys = (more: Record<string, string> = {}) => writeConfig({}, { MaxNbProcessors: "1", Kill_Grace: "1", Keep_Days: "30", Keep_Max_GB: "0.0025", ...more });

/** A finished job that ended `days` ago, with `kb` KiB of real data. */
async function finished(state: "done" | "failed", days: number, kb: number) {
  const { job, full } = await makeJob(state, { "data.bin": "x".repeat(kb * 1024) }, { finishedAt: daysAgo(days) });
  return { id: job.id, folder: job.folder, full };
}

async function waitingJob(name: string, script: string) {
  const id = await store.createJob({ name, script, folder: `QM_qJobs/${name}`, source: "api" }, planTransition("submit", null, "queued", {}));
  fs.mkdirSync(path.join(qm, "QM_qJobs", name));
  fs.writeFileSync(path.join(qm, "QM_qJobs", name, "proc_config.cfg"), `[QMOptions]\nscript = ${script}\n`);
  return id;
}

const startWorker = async (log: (line: string) => void = () => undefined) => {
  const started = createWorker({ configPath: cfgPath, databaseUrl, log, heartbeatMs: 60_000 });
  await started.start();
  return started;
};
const dryRun = async () => (await (await retention.GET(req("/api/admin/retention", { headers: basic() }), ctx(0))).json()) as RetentionAnswer;
const purgedIds = async () => (await db.job.findMany({ where: { purgedAt: { not: null } }, orderBy: { id: "asc" }, select: { id: true } })).map((j) => j.id);

describe("retention", () => {
  it("removes exactly what the dry run listed, never a running or queued job, and keeps the rows", async () => {
    keys();
    worker = await startWorker();
    // One job running, one queued behind it (MaxNbProcessors = 1); both look a year old.
    const running = await waitingJob("long", "sleep 1000");
    await waitFor("long running", async () => (await db.job.findUnique({ where: { id: running } }))?.state === "running");
    const queued = await waitingJob("behind", "true");
    for (const [id, state] of [[running, "running"], [queued, "queued"]] as const) expect(await store.update(id, { state }, { submittedAt: daysAgo(400) })).toBe(true);

    const old1 = await finished("done", 40, 100);
    const old2 = await finished("failed", 35, 100);
    const mid1 = await finished("done", 10, 1024);
    const mid2 = await finished("done", 5, 1024);
    const recent = await finished("done", 1, 1024);

    // About 3.2 MB in QM_dJobs + QM_lost+found against a ceiling of 2.6 MB: age removes the two
    // old ones, then space the oldest of the others.
    const plan = await dryRun();
    expect(plan.enabled).toBe(true);
    // Switched on at the worker's start: nothing removed yet, the first automatic pass a day away.
    expect(plan.lastPass).toBeNull();
    expect(Date.parse(plan.nextPassAt!) - Date.now()).toBeGreaterThan(DAY - 120_000);
    expect(await purgedIds()).toEqual([]);
    expect(plan.items.map((i) => [i.id, i.reason])).toEqual([[old1.id, "age"], [old2.id, "age"], [mid1.id, "space"]]);
    expect(plan.items.every((i) => i.sizeBytes > 0)).toBe(true);
    expect(plan.afterBytes!).toBeLessThanOrEqual(plan.ceilingBytes!);

    const asked = await retention.POST(req("/api/admin/retention", { method: "POST", headers: basic() }), ctx(0));
    expect(asked.status).toBe(202);
    await waitFor("the pass", async () => (await dryRun()).lastPass?.removed === 3);

    expect(await purgedIds()).toEqual(plan.items.map((i) => i.id));
    for (const job of [old1, old2, mid1]) expect(fs.existsSync(job.full)).toBe(false);
    for (const job of [mid2, recent]) expect(fs.existsSync(job.full)).toBe(true);
    const events = await db.jobEvent.findMany({ where: { kind: "purged" }, orderBy: { jobId: "asc" } });
    expect(events.map((e) => e.jobId)).toEqual([old1.id, old2.id, mid1.id]);
    expect(events[0].detail).toMatch(/^its folder was deleted by the retention pass: it ended more than Keep_Days ago/);
    expect(events[2].detail).toMatch(/took more than Keep_Max_GB/);
    // The rows stay, in their state; the running and queued jobs are untouched.
    expect((await db.job.findUniqueOrThrow({ where: { id: old2.id } })).state).toBe("failed");
    const live = await db.job.findMany({ where: { id: { in: [running, queued] } }, orderBy: { id: "asc" } });
    expect(live.map((j) => [j.state, j.purgedAt])).toEqual([["running", null], ["queued", null]]);
    for (const job of live) expect(fs.existsSync(path.join(qm, job.folder))).toBe(true);
    // The finished list and the job's page say which were purged, so that the dashboard asks
    // no results, log or files of them (each would answer 404).
    const list = (await (await routes.list(req("/api/jobs?view=finished&pageSize=50", { headers: basic() }), ctx(0))).json()) as JobsAnswer;
    const purgedAtOf = new Map(list.jobs.map((j) => [j.id, j.purgedAt]));
    for (const job of [old1, old2, mid1]) expect(purgedAtOf.get(job.id)).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    for (const job of [mid2, recent]) expect(purgedAtOf.get(job.id)).toBeNull();
    const page = (await (await routes.job(req(`/api/jobs/${old1.id}`, { headers: basic() }), ctx(old1.id))).json()) as JobAnswer;
    expect(page.job).toMatchObject({ state: "done", purgedAt: purgedAtOf.get(old1.id), events: expect.arrayContaining([expect.objectContaining({ kind: "purged" })]) });
    // The next dry run lists nothing new, and a purged job cannot be requeued.
    expect((await dryRun()).items).toEqual([]);
    const requeue = await routes.requeue(req(`/api/jobs/${old1.id}/requeue`, { method: "POST", headers: basic() }), ctx(old1.id));
    expect(requeue.status).toBe(409);
    expect((await errorOf(requeue)).message).toContain("removed by the retention pass");
  });

  it("runs by itself at the worker's start once the last pass is a day old, and archives with Archive_Folder", async () => {
    await worker!.stop({ now: true });
    const old = await finished("done", 31, 10);
    keys({ Keep_Max_GB: "0", Archive_Folder: archive });
    await writeLastPass(store.sql, { at: daysAgo(1.1).toISOString(), removed: 0, archived: 0, skipped: 0, failed: 0, freedBytes: 0 });
    await writeScheduledFrom(store.sql, daysAgo(30));
    worker = await startWorker();
    await waitFor("the daily pass", async () => (await db.job.findUniqueOrThrow({ where: { id: old.id } })).purgedAt !== null);
    await waitFor("the pass recorded", async () => (await dryRun()).lastPass?.archived === 1);
    expect(fs.existsSync(old.full)).toBe(false);
    const archived = path.join(archive, path.basename(old.folder));
    expect(fs.readFileSync(path.join(archived, "data.bin"), "utf8")).toHaveLength(10 * 1024);
    const event = await db.jobEvent.findFirstOrThrow({ where: { jobId: old.id, kind: "purged" } });
    expect(event.detail).toContain(`its folder was moved to ${archived} by the retention pass: it ended more than Keep_Days ago`);
    // The archive is on QM_FOLDER's disk here: nothing was freed on it (it said the folder's 10 KB).
    expect((await dryRun()).lastPass?.freedBytes).toBe(0);
  });

  it.runIf(process.geteuid?.() === 0)("checks Archive_Folder again when a pass comes: a folder on the way given to another account since keeps every folder where it was", async () => {
    await worker!.stop({ now: true });
    const parent = path.join(dir, "archive-parent");
    const later = path.join(parent, "archive");
    const elsewhere = path.join(dir, "elsewhere");
    fs.mkdirSync(later, { recursive: true });
    fs.mkdirSync(elsewhere);
    const old = await finished("done", 32, 10);
    keys({ Keep_Max_GB: "0", Archive_Folder: later });
    await writeLastPass(store.sql, { at: new Date().toISOString(), removed: 0, archived: 0, skipped: 0, failed: 0, freedBytes: 0 });
    const lines: string[] = [];
    worker = await startWorker((line) => lines.push(line));
    // The file was read with the folder root's; now an account gets it and swaps the archive for a link.
    fs.chownSync(parent, 61234, 61234);
    fs.rmdirSync(later);
    fs.symlinkSync(elsewhere, later);

    // The dry run says so beforehand, as the worker will judge it.
    expect((await dryRun()).archiveProblem).toContain(`${parent} belongs to uid 61234`);
    const asked = await retention.POST(req("/api/admin/retention", { method: "POST", headers: basic() }), ctx(0));
    expect(asked.status).toBe(202);
    await waitFor("the pass", async () => (await dryRun()).lastPass?.failed === 1);

    expect(fs.existsSync(path.join(old.full, "data.bin"))).toBe(true);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect((await db.job.findUniqueOrThrow({ where: { id: old.id } })).purgedAt).toBeNull();
    expect(lines.join("\n")).toContain(`retention: Archive_Folder (${later}, a symbolic link to ${elsewhere}) could be pointed elsewhere by another account: ${parent} belongs to uid 61234`);
    expect(lines.join("\n")).toContain("no folder archived or removed by this pass");
    // The admin page says why (its text is lastPass.stopped).
    expect((await dryRun()).lastPass?.stopped).toContain(`${parent} belongs to uid 61234`);
    // Given back to root, the next pass archives it, at the path the link leads to.
    fs.chownSync(parent, 0, 0);
    expect((await dryRun()).archiveProblem).toBeNull();
    await retention.POST(req("/api/admin/retention", { method: "POST", headers: basic() }), ctx(0));
    await waitFor("the next pass", async () => (await dryRun()).lastPass?.archived === 1);
    expect(fs.readdirSync(elsewhere)).toEqual([path.basename(old.folder)]);
  });
});
