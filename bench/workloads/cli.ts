/**
 * The qm command as a person types it: a process started per command, with an API token.
 * - many folders in one call: `qm submit f1 ... f100`, from the command's start to its exit;
 * - one small folder: from the command's start to the job's first instruction.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../../lib/server/bootstrap";
import type { QmInstance } from "../lib/qm-instance";
import { readStamp, sharedDir, sleep, stampScript } from "../lib/jobs";
import { writeJob } from "../lib/qm-instance";
import { nowNs, waitFor } from "../lib/stats";

const QM = path.join(projectRoot, "bin/qm.cjs");
let batch = 0;

/** An API token of the instance's administrator, as `qm login` would make one. */
export async function cliToken(qm: QmInstance, adminPassword = "bench-admin"): Promise<string> {
  const res = await fetch(`${qm.baseUrl}/api/account/tokens`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`admin:${adminPassword}`).toString("base64")}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  if (!res.ok) throw new Error(`cannot create a token: ${res.status} ${await res.text()}`);
  // Build the bundle now, so no measurement includes it.
  spawnSync(process.execPath, [QM, "--version"], { stdio: "ignore" });
  return ((await res.json()) as { token: { token: string } }).token.token;
}

function runQm(qm: QmInstance, token: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [QM, ...args], { env: { PATH: process.env.PATH, HOME: qm.dir, QM_URL: qm.baseUrl, QM_TOKEN: token, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout })));
}

function finished(qm: QmInstance): number {
  const c = qm.countStates();
  return (c.done ?? 0) + (c.failed ?? 0) + (c.invalid ?? 0);
}

/** Milliseconds for `qm submit` of `count` small folders in one call (then waits for them to run). */
export async function cliSubmitMany(qm: QmInstance, token: string, count: number): Promise<number> {
  const src = path.join(qm.dir, `cli-many-${++batch}`);
  const folders = Array.from({ length: count }, (_, i) => {
    const dir = path.join(src, `many${batch}-${i}`);
    writeJob(dir, "true", { "input.txt": "x,y\n1,2\n" });
    return dir;
  });
  const before = finished(qm);
  const t0 = nowNs();
  const { code, stdout } = await runQm(qm, token, ["submit", ...folders]);
  const ms = Number(nowNs() - t0) / 1e6;
  if (code !== 0 || stdout.trim().split("\n").length !== count) throw new Error(`qm submit failed (exit ${code}): ${stdout}`);
  await waitFor(() => finished(qm) >= before + count, 120_000, `${count} submitted jobs to finish`, 50);
  fs.rmSync(src, { recursive: true, force: true });
  return ms;
}

/** Per sample: milliseconds from `qm submit FOLDER`'s start to the job's first instruction. */
export async function cliDispatch(qm: QmInstance, token: string, count: number): Promise<number[]> {
  const src = path.join(qm.dir, `cli-one-${++batch}`);
  // Jobs run as pool uids (a root worker): the folder of their time stamps must be theirs to write.
  const stamps = sharedDir(path.join(qm.dir, "stamps"));
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = `one${batch}-${i}`;
    const stamp = path.join(stamps, `${name}.ns`);
    writeJob(path.join(src, name), stampScript(stamp));
    const before = finished(qm);
    const t0 = nowNs();
    const run = runQm(qm, token, ["submit", path.join(src, name)]);
    samples.push(Number((await readStamp(stamp)) - t0) / 1e6);
    if ((await run).code !== 0) throw new Error("qm submit failed");
    await waitFor(() => finished(qm) > before, 30_000, "the job to finish", 5);
    await sleep(20);
  }
  fs.rmSync(src, { recursive: true, force: true });
  return samples;
}
