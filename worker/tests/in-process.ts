/** A worker inside the test process, built by createWorker exactly as main.ts builds it. */
import { createWorker, type Worker } from "../create-worker";
import type { TestEnv } from "./helpers";

export interface InProcessWorker {
  worker: Worker;
  logs: string[];
  stop(opts?: { now?: boolean }): Promise<void>;
}

export async function startWorker(env: TestEnv, opts: { publicUrl?: string; recordGraceMs?: number; heartbeatMs?: number } = {}): Promise<InProcessWorker> {
  const logs: string[] = [];
  const worker = createWorker({ configPath: env.configPath, databaseUrl: env.databaseUrl, publicUrl: opts.publicUrl, log: (m) => logs.push(m), heartbeatMs: opts.heartbeatMs ?? 60_000, recordGraceMs: opts.recordGraceMs });
  await worker.start();
  return { worker, logs, stop: (stopOpts) => worker.stop(stopOpts) };
}
