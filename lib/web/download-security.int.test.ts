/**
 * File serving against a hostile job (lib/server/jobs/job-files.ts, job-tree.ts,
 * job-zip.ts): a real process flips files and folders into links and hard links to
 * files outside the job folder while files/raw and the zip are downloaded; hard links,
 * foreign owners, sparse files, FIFOs and Max_Zip_MB.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jobFolderAccess } from "../server/jobs/job-folder";
import { NOTES_NAME, planJobZip } from "../server/jobs/job-zip";
import { qmLayout } from "../server/qm-folders";
import { ctx, db, dir, errorOf, makeJob, qm, req, routes, store, unzip, writeConfig } from "./api-test-harness";

const SECRET = "top secret outside the job";
const outside = path.join(dir, "outside");
const isRoot = process.getuid?.() === 0;

/** Fails the test instead of hanging: every download must end within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} hung for ${ms} ms`)), ms))]);
}

const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);
let flipper: ChildProcess | null = null;

beforeEach(() => {
  fs.mkdirSync(outside, { recursive: true });
  for (const name of ["f", "x", "h"]) fs.writeFileSync(path.join(outside, name), SECRET);
  uncaught.length = 0;
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
});

afterEach(() => {
  flipper?.kill("SIGKILL");
  flipper = null;
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUncaught);
});

async function download(url: string, handler: typeof routes.raw, id: number) {
  const res = await handler(req(url), ctx(id));
  const body = await res.arrayBuffer().then(
    (b) => Buffer.from(b),
    () => null, // the stream was cut off: a clean abort
  );
  return { status: res.status, body };
}

describe("a job flipping its files during downloads", () => {
  it("100 rounds of raw and zip downloads: no byte from outside, no hang, no uncaught error, no 500", async () => {
    const { job, full } = await makeJob("running", { f: "safe\n", h: "safe\n", "d/x": "safe\n" });
    // The job's own loop: each name in turn becomes a symlink or a hard link to a file outside, then a plain file again.
    const script = `
      while :; do
        ln -sfn "$OUT/f" f.tmp && mv -T f.tmp f; echo safe > f.new && mv -T f.new f
        mv -T d d.real && ln -sfn "$OUT" d; rm -f d && mv -T d.real d
        ln -f "$OUT/h" h.tmp && mv -T h.tmp h; echo safe > h.new && mv -T h.new h
      done`;
    flipper = spawn("sh", ["-c", script], { cwd: full, env: { ...process.env, OUT: outside }, stdio: "ignore" });
    const logged = vi.spyOn(console, "error");
    const outcomes = { raw: new Map<string, number>(), zipOk: 0, zipCut: 0, safeSeen: 0 };
    const note = (key: string) => outcomes.raw.set(key, (outcomes.raw.get(key) ?? 0) + 1);

    for (let round = 0; round < 100; round++) {
      const raws = ["f", "d/x", "h"].map(async (p) => ({ p, ...(await within(download(`/api/jobs/${job.id}/files/raw?path=${p}`, routes.raw, job.id), 15_000, `raw ${p}`)) }));
      const zip = within(download(`/api/jobs/${job.id}/download`, routes.zip, job.id), 15_000, "zip");
      for (const { p, status, body } of await Promise.all(raws)) {
        note(String(status));
        expect([200, 403, 404]).toContain(status);
        expect(body?.toString() ?? "", `raw ${p}: ${status}`).not.toContain("top secret");
        if (status === 200 && body?.toString() === "safe\n") outcomes.safeSeen++;
      }
      const { status, body } = await zip;
      expect(status).toBe(200);
      if (!body) {
        outcomes.zipCut++;
        continue;
      }
      const entries = await unzip(body).catch(() => null);
      if (!entries) {
        outcomes.zipCut++;
        continue;
      }
      outcomes.zipOk++;
      for (const [name, content] of entries) expect(content, name).not.toContain("top secret");
    }
    console.log(`flip race: raw statuses ${JSON.stringify(Object.fromEntries(outcomes.raw))}, safe raw reads ${outcomes.safeSeen}, zips complete ${outcomes.zipOk}, zips cut off ${outcomes.zipCut}`);
    expect(outcomes.safeSeen).toBeGreaterThan(0); // the race did serve the job's own files
    expect((outcomes.raw.get("403") ?? 0) + (outcomes.raw.get("404") ?? 0)).toBeGreaterThan(0); // and did catch flips
    expect(outcomes.zipOk).toBeGreaterThan(90);
    expect(uncaught).toEqual([]);
    expect(logged.mock.calls.filter((c) => String(c[0]).includes("unexpected error"))).toEqual([]);
    logged.mockRestore();
  });
});

describe("files a job may not hand out", () => {
  it("a hard link is refused by files/raw and left out of the zip, with the reason in the zip's notes", async () => {
    const { job, full } = await makeJob("done", { "ok.txt": "fine\n" });
    fs.linkSync(path.join(outside, "f"), path.join(full, "passwd-link"));
    const raw = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=passwd-link`), ctx(job.id));
    expect(raw.status).toBe(403);
    expect((await errorOf(raw)).message).toMatch(/"passwd-link" has 2 names \(hard links\)/);
    const entries = await unzip(Buffer.from(await (await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id))).arrayBuffer()));
    expect([...entries.keys()]).not.toContain(`${job.name}/passwd-link`);
    expect(entries.get(`${job.name}/ok.txt`)).toBe("fine\n");
    expect(entries.get(`${job.name}/${NOTES_NAME}`)).toMatch(/passwd-link: has 2 names \(hard links\)/);
  });

  it.skipIf(!isRoot)("a file of another user is refused, unless it is the job's run uid (Job.runInfo.uid)", async () => {
    const { job, full } = await makeJob("running", { "theirs.txt": "someone else's\n" });
    fs.chownSync(path.join(full, "theirs.txt"), 54321, 54321);
    const refused = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=theirs.txt`), ctx(job.id));
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/belongs to user id 54321/);
    await store.update(job.id, { state: "running" }, { runInfo: JSON.stringify({ pid: 1, uid: 54321 }) });
    const served = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=theirs.txt`), ctx(job.id));
    expect(served.status).toBe(200);
    expect(await served.text()).toBe("someone else's\n");
  });

  it("a sparse file is refused and left out of the zip at once; a dense file of the same size is served", async () => {
    const { job, full } = await makeJob("done");
    fs.closeSync(fs.openSync(path.join(full, "holes.bin"), "w"));
    fs.truncateSync(path.join(full, "holes.bin"), 64 * 1024 ** 3); // 64 GiB of holes, no disk
    fs.writeFileSync(path.join(full, "dense.bin"), Buffer.alloc(2 * 1024 * 1024, 7));
    const refused = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=holes.bin`), ctx(job.id));
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/"holes.bin" is a sparse file \(64(\.0)? GB long/);
    const dense = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=dense.bin`), ctx(job.id));
    expect(dense.headers.get("content-length")).toBe(String(2 * 1024 * 1024));
    expect((await dense.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
    const started = Date.now();
    const entries = await unzip(Buffer.from(await (await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id))).arrayBuffer()));
    console.log(`zip of a folder with a 64 GiB sparse file: ${Date.now() - started} ms`);
    expect(entries.get(`${job.name}/dense.bin`)?.length).toBe(2 * 1024 * 1024);
    expect(entries.get(`${job.name}/${NOTES_NAME}`)).toMatch(/holes.bin: is a sparse file/);
  });

  it("a FIFO neither hangs files/raw nor the zip", async () => {
    const { job, full } = await makeJob("done", { "ok.txt": "fine\n" });
    execFileSync("mkfifo", [path.join(full, "pipe")]);
    const raw = await within(routes.raw(req(`/api/jobs/${job.id}/files/raw?path=pipe`), ctx(job.id)), 5000, "raw of a FIFO");
    expect(raw.status).toBe(403);
    const zip = await within(routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id)).then((r) => r.arrayBuffer()), 5000, "zip with a FIFO");
    const entries = await unzip(Buffer.from(zip));
    expect(entries.get(`${job.name}/${NOTES_NAME}`)).toMatch(/pipe: is not a regular file/);
  });

  it("a name with a backslash is left out of the zip with a note, and the zip ends; a job name with a colon keeps its entries", async () => {
    // Before, archiver renamed "..\\..\\evil.txt" to "../../evil.txt", the entry it announced
    // was not the one waited for, and the download hung after its first bytes.
    const { job, full } = await makeJob("done", { "ok.txt": "fine\n", "sub/also.txt": "fine too\n" });
    fs.writeFileSync(path.join(full, "..\\..\\evil.txt"), "pwned\n");
    fs.mkdirSync(path.join(full, "C:\\Windows"));
    fs.writeFileSync(path.join(full, "C:\\Windows", "x.txt"), "x\n");
    const zipped = async () => {
      const zip: ArrayBuffer = await within(routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id)).then((r) => r.arrayBuffer()), 5000, "zip");
      return unzip(Buffer.from(zip));
    };
    const entries = await zipped();
    expect([...entries.keys()].filter((name) => name.includes("..") || name.includes("\\") || name.includes("evil") || name.includes("x.txt"))).toEqual([]);
    expect(entries.get(`${job.name}/ok.txt`)).toBe("fine\n");
    expect(entries.get(`${job.name}/sub/also.txt`)).toBe("fine too\n");
    const notes = entries.get(`${job.name}/${NOTES_NAME}`);
    expect(notes).toContain("..\\..\\evil.txt: has a backslash");
    expect(notes).toContain("C:\\Windows: has a backslash");
    // A folder dropped by hand may have any name; archiver drops a leading "data:".
    await db.job.update({ where: { id: job.id }, data: { name: "data:2024" } });
    expect((await zipped()).get("data_2024/ok.txt")).toBe("fine\n");
  });

  it("a folder bigger than Max_Zip_MB is refused before anything is sent, and says what to do", async () => {
    const { job, full } = await makeJob("done");
    fs.writeFileSync(path.join(full, "big.bin"), Buffer.alloc(3 * 1024 * 1024, 1));
    writeConfig({ Max_Zip_MB: "2" });
    const res = await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).message).toMatch(/holds 3(\.0)? MB in 2 files, more than one zip download may hold \(Max_Zip_MB = 2\)\. Download its files one by one/);
    writeConfig({ Max_Zip_MB: "4" });
    expect((await routes.zip(req(`/api/jobs/${job.id}/download`), ctx(job.id))).status).toBe(200);
  });
});

describe("a job folder that moves while it is downloaded", () => {
  it("a zip of a folder gone between the lookup and the walk is a 404 that says so, not a 500", async () => {
    const { job, full } = await makeJob("running", { "out.txt": "1\n" });
    const access = await jobFolderAccess(qmLayout(qm), job, { hidden: [], hideCommand: false, privateServed: true });
    fs.renameSync(full, `${full}-moved`); // the job ended meanwhile: its folder went to QM_dJobs
    await expect(planJobZip(access)).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringMatching(/moved meanwhile/) });
  });
});
