/**
 * The layout of docs/deploy.md keeps the database beside QM_FOLDER, on one disk: a job that
 * fills that disk makes the database refuse writes. Its own end, which comes while the disk
 * is full, must be recorded once space is freed, as the rest of the queue resumes by itself;
 * it was left `running` (its folder already in QM_dJobs) until the worker was restarted.
 * On a real 16 MB tmpfs holding QM_FOLDER and the SQLite file (as root; skipped where
 * mounting is not allowed).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestEnv, submitJob, type TestEnv, waitFor } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let disk: string | undefined;
let env: TestEnv | undefined;
let worker: InProcessWorker | undefined;

afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
  if (disk) execFileSync("umount", ["-l", disk]);
  if (disk) fs.rmdirSync(disk);
  disk = env = worker = undefined;
});

/** A test environment (QMserv.cfg, database, QM_FOLDER) on a small disk of its own, or null. */
async function envOnSmallDisk(): Promise<TestEnv | null> {
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "qm-small-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m,mode=755", "tmpfs", mountPoint], { stdio: "pipe" });
  } catch {
    fs.rmdirSync(mountPoint);
    return null;
  }
  disk = mountPoint;
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = mountPoint; // createTestEnv makes its folder, database included, there
  try {
    // Min_Free_MB = 0: the job must start; only the database's refusal is under test.
    return await createTestEnv({ Min_Free_MB: 0 });
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
}

describe("a job that fills the database's disk", () => {
  it("is recorded as ended once space is freed, without a worker restart", async (test) => {
    env = (await envOnSmallDisk()) ?? undefined;
    if (!env) return test.skip();
    worker = await startWorker(env);
    const id = await submitJob(env, "filler", { script: "sh -c 'dd if=/dev/zero of=big bs=1M count=64 2>/dev/null; yes filling | head -c 1000000; true'" });

    // The run ended and its folder moved, but its row could not be written: the disk is full.
    const ended = await waitFor("the folder in QM_dJobs or QM_lost+found", () =>
      [env!.layout.done, env!.layout.lost].flatMap((dir) => fs.readdirSync(dir).map((name) => path.join(dir, name))).find((p) => p.endsWith("-filler")),
    );
    await waitFor("the refused end in the log", () => worker!.logs.some((line) => /database or disk is full/.test(line)));
    expect((await env.db.job.findUniqueOrThrow({ where: { id } })).state).toBe("running");

    fs.rmSync(path.join(ended, "big")); // the administrator frees space
    const row = await waitFor("the end recorded", async () => {
      const job = await env!.db.job.findUniqueOrThrow({ where: { id } });
      return job.state !== "running" ? job : null;
    }, 20_000);
    expect(path.join(env.layout.root, row.folder)).toBe(ended);
    expect(row.finishedAt).not.toBeNull();
    expect(worker.logs.join("\n")).toMatch(/its end is recorded now/);
    // Its output filled process.log's last block: its footer, refused for want of space at
    // its end, is written too (it was lost).
    const log = await waitFor("the footer in process.log", () => {
      const text = fs.readFileSync(path.join(ended, "process.log"), "utf8");
      return text.includes(`=== QueueManager job ${id} ended`) ? text : null;
    }, 10_000);
    expect(log).toMatch(new RegExp(`=== QueueManager job ${id} ended .*: exit code 0, duration .*, state done\n$`));
  });
});
