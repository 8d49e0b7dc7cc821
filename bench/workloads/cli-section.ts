/** The qm command's figures, on a QueueManager of its own: many folders in one call, and one folder to running. */
import { createInstance } from "../lib/qm-instance";
import { atMost, type Report } from "../lib/report";
import { median, percentile } from "../lib/stats";
import { cliDispatch, cliSubmitMany, cliToken } from "./cli";

export async function cliSection(report: Report, size: { rounds: number; dispatchJobs: number }): Promise<void> {
  const qm = await createInstance({ maxNbProcessors: 2, port: 8455 });
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
    for (let r = 0; r < size.rounds; r++) {
      const samples = await cliDispatch(qm, token, size.dispatchJobs);
      p50s.push(percentile(samples, 50));
      p95s.push(percentile(samples, 95));
    }
    report.add({ name: "qm submit of one folder to running, p50", value: median(p50s), unit: "ms", target: "<= 100 ms", note: "from the command's start to the job's first instruction" }, atMost(100));
    report.add({ name: "qm submit of one folder to running, p95", value: median(p95s), unit: "ms" });
  } finally {
    await qm.stop();
  }
}
