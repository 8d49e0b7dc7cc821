import fs from "node:fs";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { projectRoot } from "../lib/server/bootstrap";
import { createInstance } from "./lib/qm-instance";
import { cliToken } from "./workloads/cli";
const cpu = (pid: number) => { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
buildIfNeeded(projectRoot);
const qm = await createInstance({ maxNbProcessors: 2, port: 8562 });
try {
  await qm.startWorker(); await qm.startWeb();
  const token = await cliToken(qm);
  const web = qm.web!.pid!;
  for (const [label, init, url] of [["GET status", {}, "/api/status"], ["POST kill 404 (token)", { method: "POST", headers: { authorization: `Bearer ${token}`, "x-qm-csrf": "1" } }, "/api/jobs/999999/kill"]] as const) {
    for (let i = 0; i < 20; i++) await (await fetch(qm.baseUrl + url, init)).text();
    const c0 = cpu(web); const t0 = performance.now();
    for (let i = 0; i < 100; i++) await (await fetch(qm.baseUrl + url, init)).text();
    console.log(label, "wall ms/req", ((performance.now() - t0) / 100).toFixed(2), "web cpu ms/req", ((cpu(web) - c0) / 100).toFixed(2));
  }
} finally { await qm.stop(); }
