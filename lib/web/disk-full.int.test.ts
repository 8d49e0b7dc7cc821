/**
 * Disk full, on a real small filesystem: QM_FOLDER on a 64 MB tmpfs mounted by the test
 * (as root; where mounting is not allowed, Min_Free_MB is raised above the free space
 * instead). Below Min_Free_MB an upload is refused with 507 before a byte is stored, a
 * queued job does not start while the running one finishes (its start estimate says why, with
 * no time), the status carries the banner's message; once space is freed, the queued job starts by itself and uploads work again.
 * The same with inodes: the tmpfs has 2,000 of them, and empty files that take them all but a
 * few below Min_Free_Inodes (bytes plentiful) hold uploads and starts until they are removed.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobAnswer, StatusAnswer } from "../core/api-types";
import { ensureQmFolders, qmLayout } from "../server/qm-folders";
import { createWorker, type Worker } from "../../worker/create-worker";
import { removeInstanceCgroups, waitFor } from "../../worker/tests/helpers";
import { jobZip } from "../server/zip/zip-fixtures";
import { BASE, cfgPath, ctx, databaseUrl, db, dir, errorOf, req, routes, uploadJob, writeConfig } from "./api-test-harness";

const disk = path.join(dir, "small-disk");
const qmFolder = path.join(disk, "QM");
const filler = path.join(disk, "filler");
const MIN_FREE_MB = 16;
const MIN_FREE_INODES = 500;
const inodeFiller = path.join(disk, "inode-filler");
let mounted = false;
let worker: Worker | undefined;
const logs: string[] = [];

beforeAll(() => {
  fs.chmodSync(dir, 0o755); // jobs run as unprivileged uids: they must reach QM_FOLDER
  fs.mkdirSync(disk);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m,nr_inodes=2000,mode=755", "tmpfs", disk], { stdio: "pipe" });
    mounted = true;
  } catch (error) {
    console.warn(`cannot mount a tmpfs (${(error as Error).message.split("\n")[0]}): raising Min_Free_MB above the free space instead`);
  }
});

afterAll(async () => {
  await worker?.stop({ now: true });
  await removeInstanceCgroups(qmLayout(qmFolder).internal);
  if (mounted) execFileSync("umount", ["-l", disk]);
});

// non-blocking: the dropped job would start beside the running one, were the disk not low.
const config = (minFreeMb: number, minFreeInodes = MIN_FREE_INODES) =>
  writeConfig({}, { QM_FOLDER: qmFolder, Min_Free_MB: String(minFreeMb), Min_Free_Inodes: String(minFreeInodes), Settle_Time: "200", Kill_Grace: "1", launch_type: "non-blocking" });

const upload = uploadJob;

const jobNamed = (name: string) => db.job.findFirst({ where: { name }, orderBy: { id: "desc" } });
const status = async () => (await (await routes.status(req("/api/status"), ctx(0))).json()) as StatusAnswer;

/** Make free space drop below Min_Free_MB: fill the tmpfs, or ask for more than the disk has. */
function fillDisk(): void {
  if (!mounted) return config(Math.ceil(fs.statfsSync(dir).bavail * fs.statfsSync(dir).bsize / 1024 / 1024) + 100_000);
  const st = fs.statfsSync(disk);
  const keep = (MIN_FREE_MB / 2) * 1024 * 1024;
  fs.writeFileSync(filler, Buffer.alloc(st.bavail * st.bsize - keep));
}

function freeDisk(): void {
  if (mounted) fs.rmSync(filler);
  else config(MIN_FREE_MB);
}

/** Make free inodes drop below Min_Free_Inodes with empty files, leaving a few for the programs' own writes. */
function fillInodes(): void {
  if (!mounted) return config(MIN_FREE_MB, fs.statfsSync(dir).ffree + 1_000_000);
  fs.mkdirSync(inodeFiller);
  for (let i = 0; fs.statfsSync(disk).ffree > MIN_FREE_INODES / 2; i++) fs.writeFileSync(path.join(inodeFiller, String(i)), "");
}

function freeInodes(): void {
  if (mounted) fs.rmSync(inodeFiller, { recursive: true });
  else config(MIN_FREE_MB);
}

describe("disk full", () => {
  it("refuses uploads and holds dispatch below Min_Free_MB, leaves the running job alone, and recovers by itself", async () => {
    config(MIN_FREE_MB);
    ensureQmFolders(qmLayout(qmFolder));
    worker = createWorker({ configPath: cfgPath, databaseUrl, log: (m) => logs.push(m), heartbeatMs: 60_000 });
    await worker.start();

    // A job that runs until told to end, started while there is room.
    expect((await upload("runner", "while [ ! -e go ]; do sleep 0.1; done; echo finished")).status).toBe(201);
    const running = await waitFor("runner running", async () => {
      const row = await jobNamed("runner");
      return row?.state === "running" ? row : null;
    });

    fillDisk();
    const refused = await upload("refused", "true");
    expect(refused.status).toBe(507);
    expect(await errorOf(refused)).toMatchObject({ code: "DISK_FULL", message: expect.stringMatching(/less than the .* it must keep \(Min_Free_MB\).*free some space/) });
    expect(await jobNamed("refused")).toBeNull();
    expect(fs.readdirSync(path.join(qmFolder, ".qm/staging"))).toEqual([]);
    const low = await status();
    expect(low.disk).toMatchObject({ low: true, message: expect.stringContaining("queued jobs wait; running jobs go on") });

    // A job dropped by hand is taken in but does not start.
    const drop = path.join(qmFolder, "QM_qJobs", "waiting");
    fs.mkdirSync(drop);
    fs.writeFileSync(path.join(drop, "proc_config.cfg"), "[QMOptions]\nscript = echo ran\n");
    await waitFor("dispatch held", () => logs.some((l) => l.startsWith("no new job starts: QM_FOLDER's disk has")));
    await waitFor("the dropped job queued", async () => (await jobNamed("waiting"))?.state === "queued");
    await new Promise((r) => setTimeout(r, 1500)); // a dispatch pass or two
    expect((await jobNamed("waiting"))?.state).toBe("queued");
    // Processors are free, yet its page must not say "about to start": the disk holds it.
    const waiting = (await jobNamed("waiting"))!;
    const detail = (await (await routes.job(req(`/api/jobs/${waiting.id}`), ctx(waiting.id))).json()) as JobAnswer;
    expect(detail.job.estimate).toEqual({ startAt: null, reason: expect.stringMatching(/^QM_FOLDER's disk has .* free, less than the .* it must keep \(Min_Free_MB\): nothing starts/) });

    // The running job was left alone: it ends normally, disk low or not.
    fs.writeFileSync(path.join(qmFolder, running.folder, "go"), "");
    await waitFor("runner done", async () => (await jobNamed("runner"))?.state === "done");
    expect((await jobNamed("waiting"))?.state).toBe("queued");

    freeDisk();
    await waitFor("the held job started by itself", async () => (await jobNamed("waiting"))?.state === "done", 20_000);
    expect(logs.some((l) => /QM_FOLDER's disk has .* free again: queued jobs start/.test(l))).toBe(true);
    expect((await upload("accepted", "true")).status).toBe(201);
    expect((await status()).disk).toMatchObject({ low: false, message: null });
  });

  it("refuses uploads and holds dispatch below Min_Free_Inodes, bytes plentiful, and recovers once the files are removed", async () => {
    config(MIN_FREE_MB);
    ensureQmFolders(qmLayout(qmFolder));
    if (!worker) {
      worker = createWorker({ configPath: cfgPath, databaseUrl, log: (m) => logs.push(m), heartbeatMs: 60_000 });
      await worker.start();
    }
    expect((await upload("before-inodes", "true")).status).toBe(201);
    logs.length = 0;

    fillInodes();
    if (mounted) expect(fs.statfsSync(disk).bavail * fs.statfsSync(disk).bsize).toBeGreaterThan(MIN_FREE_MB * 2 * 1024 * 1024);
    const refused = await upload("inode-refused", "true");
    expect(refused.status).toBe(507);
    expect(await errorOf(refused)).toMatchObject({
      code: "DISK_FULL",
      message: expect.stringMatching(/^QM_FOLDER's disk has only [\d,]+ free inodes \(files\) left, fewer than the [\d,]+ it must keep \(Min_Free_Inodes\), so no upload is accepted now.*free some space/),
    });
    expect(await jobNamed("inode-refused")).toBeNull();
    expect((await status()).disk).toMatchObject({
      low: true, lowInodes: true, lowBytes: false,
      message: expect.stringMatching(/^QM_FOLDER's disk has [\d,]+ free inodes \(files\) left, fewer than the [\d,]+ it must keep \(Min_Free_Inodes\): new uploads are refused and queued jobs wait; running jobs go on\. Everything resumes by itself once files are removed\.$/),
    });

    const drop = path.join(qmFolder, "QM_qJobs", "inode-waiting");
    fs.mkdirSync(drop);
    fs.writeFileSync(path.join(drop, "proc_config.cfg"), "[QMOptions]\nscript = echo ran\n");
    await waitFor("dispatch held by inodes", () => logs.some((l) => /^no new job starts: QM_FOLDER's disk has [\d,]+ free inodes \(files\) left/.test(l)));
    await waitFor("the dropped job queued", async () => (await jobNamed("inode-waiting"))?.state === "queued");
    await new Promise((r) => setTimeout(r, 1500)); // a dispatch pass or two
    const waiting = (await jobNamed("inode-waiting"))!;
    expect(waiting.state).toBe("queued");
    const detail = (await (await routes.job(req(`/api/jobs/${waiting.id}`), ctx(waiting.id))).json()) as JobAnswer;
    expect(detail.job.estimate).toEqual({ startAt: null, reason: expect.stringMatching(/\(Min_Free_Inodes\): nothing starts until files are removed$/) });

    freeInodes();
    await waitFor("the held job started by itself", async () => (await jobNamed("inode-waiting"))?.state === "done", 20_000);
    expect(logs.some((l) => /QM_FOLDER's disk has .* free again: queued jobs start/.test(l))).toBe(true);
    expect((await status()).disk).toMatchObject({ low: false, message: null });

    // A zip with more entries than the free inodes above Min_Free_Inodes is refused before it is unpacked.
    const free = fs.statfsSync(mounted ? disk : dir).ffree;
    config(MIN_FREE_MB, free - 20);
    const many = new FormData();
    const extra = Array.from({ length: 60 }, (_, i) => ({ name: `many/data/${i}.txt`, data: "x" }));
    many.append("file", new Blob([new Uint8Array(jobZip({ folder: "many", extra }))], { type: "application/zip" }), "many.zip");
    const tooMany = await routes.submit(req("/api/jobs", { method: "POST", body: many, headers: { "x-qm-csrf": "1", origin: BASE } }), ctx(0));
    expect(tooMany.status).toBe(507);
    expect(await errorOf(tooMany)).toMatchObject({ code: "DISK_FULL", message: expect.stringMatching(/^This zip holds 63 files and folders, which would leave QM_FOLDER's disk with fewer than the [\d,]+ free inodes \(files\) it must keep \(Min_Free_Inodes/) });
    expect(await jobNamed("many")).toBeNull();
    expect(fs.readdirSync(path.join(qmFolder, ".qm/staging"))).toEqual([]);

    // An array whose zip fits, but whose copies of the folder (one per element) would not: refused before the first copy.
    const arrayCfg = "[QMOptions]\nscript : sh run.sh\narray : 1-40\n";
    const files = Array.from({ length: 5 }, (_, i) => ({ name: `wide/data/${i}.txt`, data: "x" }));
    const wide = new FormData();
    wide.append("file", new Blob([new Uint8Array(jobZip({ folder: "wide", cfg: arrayCfg, extra: [{ name: "wide/data/" }, ...files] }))], { type: "application/zip" }), "wide.zip");
    const before = fs.statfsSync(mounted ? disk : dir).ffree;
    const tooWide = await routes.submit(req("/api/jobs", { method: "POST", body: wide, headers: { "x-qm-csrf": "1", origin: BASE } }), ctx(0));
    expect(tooWide.status).toBe(507);
    expect(await errorOf(tooWide)).toMatchObject({ code: "DISK_FULL", message: expect.stringMatching(/^The array needs 39 copies of its folder \(8 files and folders each\): 351 new files and folders, which would leave QM_FOLDER's disk with fewer than the [\d,]+ free inodes \(files\) it must keep \(Min_Free_Inodes/) });
    expect(await db.job.count({ where: { name: { startsWith: "wide" } } })).toBe(0);
    expect(fs.readdirSync(path.join(qmFolder, ".qm/staging"))).toEqual([]);
    expect(fs.readdirSync(path.join(qmFolder, "QM_qJobs")).filter((f) => f.startsWith("wide"))).toEqual([]);
    expect(fs.statfsSync(mounted ? disk : dir).ffree).toBeGreaterThanOrEqual(before);

    config(MIN_FREE_MB);
    expect((await upload("inode-accepted", "true")).status).toBe(201);
  });
});
