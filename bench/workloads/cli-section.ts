/**
 * The qm command's figures, on a QueueManager of its own: many folders in one call, and one
 * folder to running, beside `tsp` typed in the same shell (alternating rounds).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInstance } from "../lib/qm-instance";
import { atMost, type Report } from "../lib/report";
import { median, percentile } from "../lib/stats";
import { cliDispatch, cliSubmitMany, cliToken } from "./cli";
import { isTspAvailable, tsp, tspDispatch, tspEnv } from "./dispatch";

export async function cliSection(report: Report, size: { rounds: number; dispatchJobs: number }): Promise<void> {
  const qm = await createInstance({ maxNbProcessors: 2, port: 8455 });
  const tspDir = isTspAvailable() ? fs.mkdtempSync(path.join(os.tmpdir(), "qm-bench-cli-tsp-")) : null;
  try {
    await qm.startWorker();
    await qm.startWeb();
    console.log("the qm command");
    const token = await cliToken(qm);
    const many: number[] = [];
    for (let r = 0; r < size.rounds; r++) many.push(await cliSubmitMany(qm, token, 100));
    report.add({ name: "qm submit of 100 folders in one call", value: median(many), unit: "ms", target: "< 2000 ms" }, (v) => v < 2000);
    const p50s: number[] = [];
    const p95s: number[] = [];
    const tspP50s: number[] = [];
    const tspP95s: number[] = [];
    for (let r = 0; r < size.rounds; r++) {
      const samples = await cliDispatch(qm, token, size.dispatchJobs);
      p50s.push(percentile(samples, 50));
      p95s.push(percentile(samples, 95));
      if (!tspDir) continue;
      const other = await tspDispatch(tspDir, size.dispatchJobs);
      tspP50s.push(percentile(other, 50));
      tspP95s.push(percentile(other, 95));
    }
    const tspFigure = (values: number[]) => (values.length ? { tsp: median(values) } : {});
    const note = "from the command's start to the job's first instruction; tsp: `tsp sh -c ...` from the same kind of shell";
    report.add({ name: "qm submit of one folder to running, p50", value: median(p50s), unit: "ms", ...tspFigure(tspP50s), target: "<= 100 ms", note }, atMost(100));
    report.add({ name: "qm submit of one folder to running, p95", value: median(p95s), unit: "ms", ...tspFigure(tspP95s) });
  } finally {
    await qm.stop();
    if (tspDir) {
      tsp(tspEnv(tspDir), "-K");
      fs.rmSync(tspDir, { recursive: true, force: true });
    }
  }
}
