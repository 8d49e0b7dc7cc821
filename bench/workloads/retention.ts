/**
 * What Keep_Max_GB costs on a QueueManager that has run for years: a walk of QM_dJobs (many
 * finished jobs' folders, each with a few files) as the worker's daily pass makes it, and
 * the admin page's dry run asked again while a recent walk is reused (recent-usage.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { finishedUsage } from "../../lib/server/retention/folder-usage";
import { forgetRecentUsage, recentUsage } from "../../lib/server/retention/recent-usage";
import { qmLayout } from "../../lib/server/qm-folders";
import { median } from "../lib/stats";

export interface RetentionWalk {
  files: number;
  /** One full walk (the pass's measure), median of rounds. */
  walkMs: number;
  /** The dry run's measure asked again within the reuse window, median of 20 asks. */
  reusedMs: number;
}

export async function retentionWalk(folders: number, filesEach: number, rounds: number): Promise<RetentionWalk> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bench-retention-"));
  try {
    const layout = qmLayout(root);
    fs.mkdirSync(layout.lost, { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < folders; i++) {
      const name = `2026-01-01T00-00-00Z-job-${i}`;
      fs.mkdirSync(path.join(layout.done, name, "data"), { recursive: true });
      for (let f = 0; f < filesEach; f++) fs.writeFileSync(path.join(layout.done, name, "data", `out-${f}.txt`), `result ${i} ${f}\n`);
      names.push(`QM_dJobs/${name}`);
    }
    const walks: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t = performance.now();
      await finishedUsage(layout);
      walks.push(performance.now() - t);
    }
    forgetRecentUsage();
    await recentUsage(layout, names, null);
    const asks: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await recentUsage(layout, names, null);
      asks.push(performance.now() - t);
    }
    return { files: folders * (filesEach + 2), walkMs: median(walks), reusedMs: median(asks) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}
