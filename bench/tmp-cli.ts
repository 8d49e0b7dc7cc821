import fs from "node:fs";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { projectRoot } from "../lib/server/bootstrap";
import { createInstance } from "./lib/qm-instance";
import { percentile } from "./lib/stats";
import { cliDispatch, cliSubmitMany, cliToken } from "./workloads/cli";
const cpu = (pid: number) => { const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
buildIfNeeded(projectRoot);
const qm = await createInstance({ maxNbProcessors: 2, port: 8562 });
try {
  await qm.startWorker();
  await qm.startWeb();
  const token = await cliToken(qm);
  const web = qm.web!.pid!; const worker = qm.worker!.pid!;
  for (let r = 0; r < 3; r++) {
    const w0 = cpu(web), k0 = cpu(worker);
    const ms = await cliSubmitMany(qm, token, 100);
    console.log("100 folders ms", Math.round(ms), "web cpu ms", cpu(web) - w0, "worker cpu ms", cpu(worker) - k0);
  }
  const s = await cliDispatch(qm, token, 10);
  console.log("dispatch p50", percentile(s, 50), "p95", percentile(s, 95), s.map(Math.round).join(" "));
} finally {
  await qm.stop();
}
