/** A worker inside the test process, built by createWorker exactly as main.ts builds it. */
import { createWorker, type Worker, type WorkerOptions } from "../create-worker";
import type { TestEnv } from "./helpers";

export interface InProcessWorker {
  worker: Worker;
  logs: string[];
  stop(opts?: { now?: boolean }): Promise<void>;
}

/** `opts`: settings a test may change (publicUrl, nvidiaSmi, gpuSampleMs, recordGraceMs, heartbeatMs...). */
export async function startWorker(env: TestEnv, opts: Partial<Pick<WorkerOptions, "publicUrl" | "nvidiaSmi" | "gpuSampleMs" | "recordGraceMs" | "heartbeatMs">> = {}): Promise<InProcessWorker> {
  const logs: string[] = [];
  const worker = createWorker({ configPath: env.configPath, databaseUrl: env.databaseUrl, log: (m) => logs.push(m), heartbeatMs: 60_000, ...opts });
  await worker.start();
  return { worker, logs, stop: (stopOpts) => worker.stop(stopOpts) };
}
