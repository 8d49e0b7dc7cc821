/**
 * The runner with fake dependencies (job store, executor) and real temp folders: a job
 * whose end cannot be recorded never stops the loop (the end is tried again until the worker
 * stops), and stop() is safe to call twice.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TransitionPlan } from "../lib/core/job-lifecycle";
import { parseConfigText } from "../lib/server/config-file";
import { ensureQmFolders, qmLayout } from "../lib/server/qm-folders";
import type { QueuedRow } from "../lib/server/store/job-reads";
import type { JobStore } from "../lib/server/store/job-store";
import type { ExitReport, Executor } from "./executor";
import { createRunner, describeIsolation } from "./runner";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Just enough of the job store: a fixed queue; recording the end of job `failEndFor` throws. */
function fakeStore(queue: QueuedRow[], failEndFor: number) {
  const started = new Set<number>();
  const ended: number[] = [];
  const store = {
    sql: { run: async () => ({ changes: 1 }) },
    jobsIn: async () => [],
    waitingSince: async () => [],
    killRequests: async () => [],
    claimedFolders: async (folders: string[]) => new Map(folders.filter((f) => queue.some((r) => r.folder === f)).map((f) => [f, "waiting" as const])),
    readQueue: async () => queue.filter((r) => !started.has(r.id)),
    queuedRow: async (id: number) => queue.find((r) => r.id === id && !started.has(id)),
    readPause: async () => null,
    arrayLoads: async () => new Map(),
    brokenDependencies: async () => [],
    dependents: async () => [],
    update: async () => true,
    addEvent: async () => undefined,
    transition: async (id: number, plan: TransitionPlan) => {
      if (plan.action === "start") started.add(id);
      if (plan.action === "end") {
        if (id === failEndFor) throw new Error("database is locked");
        ended.push(id);
      }
      return true;
    },
  } as unknown as JobStore;
  return { store, ended };
}

/** Every run "runs" for a few milliseconds and exits 0; pid 0 means no real process. */
const fakeExecutor = (): Executor => ({
  name: "fake",
  start: async () => ({ pid: 0, runInfo: {}, exited: new Promise<ExitReport>((r) => setTimeout(() => r({ exitCode: 0, signal: null, cpuSeconds: 0.01 }), 5)) }),
  terminate: () => undefined,
  sample: () => new Map(),
  find: async () => ({ state: "gone", reason: "fake" }),
  sweep: async () => undefined,
  close: async () => undefined,
});

describe("createRunner", () => {
  it("keeps dispatching after a job's end cannot be recorded, and stops cleanly twice", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-runner-"));
    const layout = qmLayout(path.join(dir, "QM"));
    ensureQmFolders(layout);
    const config = parseConfigText(path.join(dir, "QMserv.cfg"), `[QMServer]\nQM_FOLDER = ${layout.root}\nMaxNbProcessors = 1\n`).config;
    const queue: QueuedRow[] = [1, 2, 3].map((id) => {
      fs.mkdirSync(path.join(layout.queued, `job${id}`));
      return {
        id, name: `job${id}`, owner: null, info: null, script: "true", nbProc: 1, nbGpu: 0, memMb: null, walltimeSeconds: null, priority: 0,
        submittedAt: new Date(2026, 0, id), folder: `QM_qJobs/job${id}`, userId: null, arrayId: null, arrayIndex: null, arrayMaxRunning: null, ownerKey: "anonymous", notes: null, source: "folder", accountName: null, accountEmail: null,
      };
    });
    const { store, ended } = fakeStore(queue, 1);
    const logs: string[] = [];
    const runner = createRunner({ store, executor: fakeExecutor(), config: () => config, log: (m) => logs.push(m), heartbeatMs: 60_000 });
    await runner.start();
    await expect.poll(() => ended, { timeout: 10_000 }).toEqual([2, 3]);
    expect(logs.some((l) => /job 1: cannot record its end yet: database is locked; trying again every 2 s/.test(l))).toBe(true);
    expect(fs.readdirSync(layout.done)).toHaveLength(3);
    const first = runner.stop();
    expect(runner.stop()).toBe(first);
    await first;
    // Given up when the worker stops: the next worker's recovery records it from its folder.
    expect(logs.some((l) => /job 1: cannot finish: database is locked; the worker stops before its end could be recorded/.test(l))).toBe(true);
  });
});

describe("describeIsolation", () => {
  it("does not say that a Slurm worker does not run as root: Slurm runs its jobs as the worker's account", () => {
    expect(describeIsolation("none", "slurm")).toBe("jobs run on the Slurm nodes as the worker's account");
    expect(describeIsolation("none", "local")).toMatch(/share the worker's privileges: it does not run as root/);
    expect(describeIsolation("uid", "local")).toBe("each job runs as its own uid");
  });
});
