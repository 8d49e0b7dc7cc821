import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { projectRoot } from "../lib/server/bootstrap";
import { createInstance, writeJob } from "./lib/qm-instance";
import { nowNs, percentile } from "./lib/stats";
import { readStamp, stampScript } from "./lib/jobs";
import { cliToken } from "./workloads/cli";
buildIfNeeded(projectRoot);
const qm = await createInstance({ maxNbProcessors: 2, port: 8562 });
const run = (args: string[], env: NodeJS.ProcessEnv) => new Promise<number>((r) => { const t0 = nowNs(); spawn(process.execPath, [path.join(projectRoot, "dist/cli/qm.mjs"), ...args], { env, stdio: "ignore" }).on("exit", () => r(Number(nowNs() - t0) / 1e6)); });
try {
  await qm.startWorker(); await qm.startWeb();
  const token = await cliToken(qm);
  const env = { PATH: process.env.PATH, HOME: qm.dir, QM_URL: qm.baseUrl, QM_TOKEN: token } as unknown as NodeJS.ProcessEnv;
  const v: number[] = [], sub: number[] = [], start: number[] = [];
  for (let i = 0; i < 15; i++) {
    v.push(await run(["--version"], env));
    const dir = path.join(qm.dir, `one-${i}`); const stamp = path.join(qm.dir, `one-${i}.ns`);
    writeJob(dir, stampScript(stamp));
    const t0 = nowNs();
    const done = run(["submit", dir], env);
    start.push(Number((await readStamp(stamp)) - t0) / 1e6);
    sub.push(await done);
    await new Promise((r) => setTimeout(r, 300));
  }
  const p = (a: number[]) => `p50 ${percentile(a, 50).toFixed(0)} p95 ${percentile(a, 95).toFixed(0)}`;
  console.log("qm --version:", p(v), "| qm submit exit:", p(sub), "| job running:", p(start));
} finally { await qm.stop(); }
