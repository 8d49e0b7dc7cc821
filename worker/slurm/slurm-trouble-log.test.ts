/**
 * Trouble with Slurm is logged as a warning, so that `journalctl -p warning` (docs/deploy.md,
 * Logs) shows it: squeue failing, a cancel Slurm refuses.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LogLine, createLogger } from "../../lib/server/logger";
import { createSlurmCancels } from "./slurm-cancels";
import { createPoller } from "./slurm-poller";
import { createSlurmRun } from "./slurm-run";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function collect() {
  const lines: LogLine[] = [];
  return { lines, log: createLogger((line) => lines.push(line)) };
}

describe("the Slurm executor's warnings", () => {
  it("says that squeue failed as a warning", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-slurm-log-"));
    const { lines, log } = collect();
    const run = createSlurmRun({ jobId: 1, runToken: "abc123", dir, slurmJobId: "7", partition: null, running: true });
    const poller = createPoller({
      cli: async () => {
        throw new Error("slurm_load_jobs error: Unable to contact slurm controller (connect failure)");
      },
      runs: new Map([[run.runToken, run]]), runsDir: dir, pollMs: () => 60_000, graceMs: 60_000, log,
      accounting: { states: async () => new Map() } as never,
      afterLook: async () => undefined,
    });
    try {
      poller.poke();
      await expect.poll(() => lines.find((l) => /squeue failed/.test(l.message))?.level, { timeout: 5_000 }).toBe("warn");
    } finally {
      poller.close();
    }
  });

  it("says that a cancel was refused as a warning", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-slurm-log-"));
    const { lines, log } = collect();
    const cancels = createSlurmCancels({
      cli: async () => {
        throw new Error("scancel: error: Kill job error on job id 7: Access/permission denied");
      },
      log, poke: () => undefined,
    });
    const run = createSlurmRun({ jobId: 1, runToken: "abc123", dir, slurmJobId: "7", partition: null });
    cancels.stop(run, 1_000);
    await expect.poll(() => lines.find((l) => /cannot cancel job 7/.test(l.message))?.level, { timeout: 5_000 }).toBe("warn");
    cancels.close();
  });
});
