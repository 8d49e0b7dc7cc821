/**
 * The runner with fake dependencies (database, job store, spawner) and real temp folders:
 * a job whose recording fails never stops the loop, and stop() is safe to call twice.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../lib/server/config-file";
import type { Db } from "../lib/server/db";
import { ensureQmFolders, qmLayout } from "../lib/server/qm-folders";
import type { ExitInfo, Spawner } from "./executor";
import type { JobStore, QueuedRow } from "./job-store";
import { createRunner } from "./runner";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Just enough of Prisma for start-up and the idle paths: every lookup finds nothing. */
const fakeDb = {
  job: { findMany: async () => [], findFirst: async () => null, findUnique: async () => null, updateMany: async () => ({ count: 0 }) },
  jobEvent: { create: async () => ({}) },
  workerStatus: { upsert: async () => ({}) },
  $executeRaw: async () => 1,
  $transaction: async () => [],
} as unknown as Db;

function fakeStore(queue: QueuedRow[], failFinishFor: number) {
  const finished: number[] = [];
  const store: JobStore = {
    readQueue: () => queue.filter((r) => !started.has(r.id)),
    heartbeat: () => undefined,
    queuedFolders: (folders) => new Set(folders.filter((f) => queue.some((r) => r.folder === f))),
    insertQueued: () => 0,
    markRunning: (id) => void started.add(id),
    markFinished: (id) => {
      if (id === failFinishFor) throw new Error("database is locked");
      finished.push(id);
    },
    close: () => undefined,
  };
  const started = new Set<number>();
  return { store, started, finished };
}

/** Every job "runs" for a few milliseconds and exits 0; pid 0 means no real process. */
const fakeSpawner = (): Spawner => ({
  spawnJob: async () => ({ pid: 0, exited: new Promise<ExitInfo>((r) => setTimeout(() => r({ exitCode: 0, signal: null, cpuSeconds: 0.01 }), 5)) }),
  close: () => undefined,
});

describe("createRunner", () => {
  it("keeps dispatching after a job's end cannot be recorded, and stops cleanly twice", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-runner-"));
    const layout = qmLayout(path.join(dir, "QM"));
    ensureQmFolders(layout);
    const config = parseConfigText(path.join(dir, "QMserv.cfg"), `[QMServer]\nQM_FOLDER = ${layout.root}\nMaxNbProcessors = 1\n`).config;
    const queue: QueuedRow[] = [1, 2, 3].map((id) => {
      fs.mkdirSync(path.join(layout.queued, `job${id}`));
      return { id, name: `job${id}`, owner: null, info: null, script: "true", nbProc: 1, priority: 0, submittedAt: new Date(2026, 0, id), folder: `QM_qJobs/job${id}` };
    });
    const { store, finished } = fakeStore(queue, 1);
    const logs: string[] = [];
    const runner = createRunner({ db: fakeDb, store, config: () => config, log: (m) => logs.push(m), startSpawner: fakeSpawner, heartbeatMs: 60_000 });
    await runner.start();
    await expect.poll(() => finished, { timeout: 10_000 }).toEqual([2, 3]);
    expect(logs.some((l) => /job 1: cannot finish: database is locked/.test(l))).toBe(true);
    expect(fs.readdirSync(layout.done)).toHaveLength(3);
    const first = runner.stop();
    expect(runner.stop()).toBe(first);
    await first;
  });
});
