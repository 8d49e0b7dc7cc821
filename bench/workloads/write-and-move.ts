/**
 * A script that writes a job folder and moves it into QM_qJobs at once: with its manifest
 * written last (docs/jobs.md), it starts without waiting for Settle_Time; without one it
 * waits Settle_Time (the figure before the manifest rule). Timed from the first write of
 * the folder to the job's first instruction.
 */
import fs from "node:fs";
import path from "node:path";
import { writeJobManifest } from "../../lib/server/job-manifest";
import type { QmInstance } from "../lib/qm-instance";
import { writeJob } from "../lib/qm-instance";
import { readStamp, sharedDir, sleep, stampScript } from "../lib/jobs";
import { nowNs, waitFor } from "../lib/stats";

let batch = 0;

export async function writeAndMove(qm: QmInstance, count: number, manifest: boolean): Promise<number[]> {
  const stamps = sharedDir(path.join(qm.dir, "stamps"));
  const samples: number[] = [];
  const round = ++batch;
  for (let i = 0; i < count; i++) {
    const name = `written${round}-${i}${manifest ? "" : "-plain"}`;
    // Written inside QM_qJobs under a dot name (ignored by QueueManager), then renamed.
    const aside = path.join(qm.queued, `.${name}`);
    const stamp = path.join(stamps, `${name}.ns`);
    const t0 = nowNs();
    writeJob(aside, stampScript(stamp), { "params.txt": `sample ${i}\n` });
    if (manifest) writeJobManifest(aside);
    fs.renameSync(aside, path.join(qm.queued, name));
    samples.push(Number((await readStamp(stamp)) - t0) / 1e6);
    await waitFor(() => !fs.existsSync(path.join(qm.queued, name)) && (qm.countStates().running ?? 0) === 0, 30_000, `${name} to end`, 5);
    await sleep(20);
  }
  return samples;
}
