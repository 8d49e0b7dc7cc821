/**
 * The manifest rule (lib/server/job-manifest.ts, docs/jobs.md) with a real worker: a folder
 * written by a script and moved in starts without Settle_Time, and a copy in progress
 * never starts, whatever order its files arrive in, until its last byte, time and mode.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeJobManifest } from "../../lib/server/job-manifest";
import { createTestEnv, makeJobFolder, type TestEnv, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";

let env: TestEnv;
let worker: InProcessWorker;
afterEach(async () => {
  await worker?.stop();
  await env?.cleanup();
});

async function setup(settleMs: number) {
  env = await createTestEnv({ Settle_Time: settleMs });
  worker = await startWorker(env);
}

const rowsNamed = (name: string) => env.db.job.count({ where: { name } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job whose script checks its data: started early, it fails. */
function dataJob(name: string, megabytes: number): string {
  const dir = makeJobFolder(path.join(env.dir, "staging"), name, { script: "sha256sum -c sums.txt" });
  fs.mkdirSync(path.join(dir, "data"));
  for (const [file, mb] of [["data/big.bin", megabytes], ["data/preallocated.bin", 6]] as const) {
    const block = Buffer.alloc(1024 * 1024);
    const fd = fs.openSync(path.join(dir, file), "w");
    for (let i = 0; i < mb; i++) fs.writeSync(fd, block.fill(i % 251));
    fs.closeSync(fd);
  }
  fs.writeFileSync(path.join(dir, "sums.txt"), execFileSync("sha256sum", ["data/big.bin", "data/preallocated.bin"], { cwd: dir }));
  writeJobManifest(dir);
  return dir;
}

/**
 * Copy `src` to `dest` one entry at a time in `order`, as `cp -a` does each file (data in
 * chunks, then its time, then its mode; a folder's time and mode after its content), but
 * slowly; `preallocated` files get their full size before their data, as some copiers do.
 * `step` runs after every write but the last.
 */
async function slowCopy(src: string, dest: string, order: string[], step: () => Promise<void>) {
  const chunk = 256 * 1024;
  const keepAttributes = (rel: string) => {
    execFileSync("touch", ["-h", "-m", "-r", path.join(src, rel), path.join(dest, rel)]);
    fs.chmodSync(path.join(dest, rel), fs.statSync(path.join(src, rel)).mode & 0o7777);
  };
  fs.mkdirSync(dest, { mode: 0o700 });
  for (const rel of order) {
    if (fs.statSync(path.join(src, rel)).isDirectory()) {
      fs.mkdirSync(path.join(dest, rel), { mode: 0o700 });
      continue;
    }
    const data = fs.readFileSync(path.join(src, rel));
    const fd = fs.openSync(path.join(dest, rel), "w", 0o600);
    if (rel.includes("preallocated")) fs.ftruncateSync(fd, data.length);
    for (let at = 0; at < data.length; at += chunk) {
      fs.writeSync(fd, data, at, Math.min(chunk, data.length - at), at);
      await step();
    }
    fs.closeSync(fd);
    keepAttributes(rel);
    await step();
  }
  // The last write: from here on the folder is complete and may start, so no step after it.
  keepAttributes("data");
}

describe("the manifest rule", () => {
  it("starts a folder written by a script and moved in at once, without waiting for Settle_Time", async () => {
    await setup(600_000);
    const dir = makeJobFolder(path.join(env.dir, "staging"), "scripted", { script: "echo ran" });
    writeJobManifest(dir);
    fs.renameSync(dir, path.join(env.layout.queued, "scripted"));
    expect((await waitForJob(env, "scripted", ["done", "failed"], 15_000)).state).toBe("done");
  });

  it("starts a folder copied with cp -a, which keeps every time and mode the manifest lists", async () => {
    await setup(600_000);
    const dir = dataJob("copied whole", 1);
    execFileSync("cp", ["-a", dir, path.join(env.layout.queued, "copied whole")]);
    expect((await waitForJob(env, "copied whole", ["done", "failed"], 15_000)).state).toBe("done");
  });

  it("never starts a large folder copied slowly, manifest first, until its last byte, time and mode are in", async () => {
    await setup(600_000); // only the manifest can start it
    const src = dataJob("slow copy", 12);
    const dest = path.join(env.layout.queued, "slow copy");
    const order = [".qm-manifest", "proc_config.cfg", "data", "data/big.bin", "sums.txt", "data/preallocated.bin"];
    let steps = 0;
    await slowCopy(src, dest, order, async () => {
      steps += 1;
      await pause(15);
      expect(await rowsNamed("slow copy")).toBe(0);
    });
    const copied = Date.now();
    expect(steps).toBeGreaterThan(50);
    const row = await waitForJob(env, "slow copy", ["done", "failed"], 15_000);
    expect(row.state).toBe("done"); // sha256sum -c saw every byte
    expect(row.startedAt!.getTime()).toBeGreaterThanOrEqual(copied - 5);
  });

  it("falls back to Settle_Time for a copy that does not keep times (cp -r), and says why", async () => {
    await setup(1_000);
    const dir = dataJob("plain copy", 1);
    execFileSync("cp", ["-r", dir, path.join(env.layout.queued, "plain copy")]);
    const copied = Date.now();
    const row = await waitForJob(env, "plain copy", ["done", "failed"], 15_000);
    expect(row.state).toBe("done");
    // Not started before Settle_Time unchanged (its submission time is when it came in).
    expect(row.startedAt!.getTime()).toBeGreaterThanOrEqual(copied + 1_000 - 100);
    expect(worker.logs.join("\n")).toMatch(/QM_qJobs\/plain copy: its manifest does not match \(the modification time of .* differs\)/);
  });
});
