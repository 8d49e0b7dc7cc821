/**
 * The worker loop, built from passed-in dependencies: createRunner(deps) -> { start, stop }.
 */
import os from "node:os";
import type { Db } from "../lib/server/db";
import type { QmConfig } from "../lib/core/qm-config";

export interface RunnerDeps {
  db: Db;
  /** The current configuration (re-read by the caller when QMserv.cfg changes). */
  config: () => QmConfig;
  log: (message: string) => void;
  heartbeatMs?: number;
}

export interface Runner {
  start(): Promise<void>;
  /** Stop dispatching and wait for the loop to end; safe to call twice. */
  stop(): Promise<void>;
}

export function createRunner(deps: RunnerDeps): Runner {
  let timer: NodeJS.Timeout | undefined;
  let stopped: Promise<void> | undefined;
  const startedAt = new Date();

  const heartbeat = async () => {
    const stats = JSON.stringify({ loadavg: os.loadavg(), cpus: os.cpus().length, maxNbProcessors: deps.config().maxNbProcessors });
    await deps.db.workerStatus.upsert({
      where: { id: 1 },
      create: { id: 1, pid: process.pid, host: os.hostname(), startedAt, heartbeatAt: new Date(), stats },
      update: { pid: process.pid, host: os.hostname(), heartbeatAt: new Date(), stats },
    });
  };

  return {
    async start() {
      await heartbeat();
      timer = setInterval(() => heartbeat().catch((e) => deps.log(`heartbeat failed: ${e}`)), deps.heartbeatMs ?? 5_000);
      deps.log("worker started");
    },
    stop() {
      stopped ??= (async () => {
        if (timer) clearInterval(timer);
        deps.log("worker stopped");
      })();
      return stopped;
    },
  };
}
