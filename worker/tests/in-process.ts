/** Run the worker's runner inside the test process, with QMserv.cfg watched like main.ts does. */
import { watchConfigFile } from "../config-watch";
import { openJobStore } from "../job-store";
import { createRunner, type Runner } from "../runner";
import type { TestEnv } from "./helpers";

export interface InProcessWorker {
  runner: Runner;
  logs: string[];
  stop(): Promise<void>;
}

export async function startWorker(env: TestEnv, opts: { publicUrl?: string } = {}): Promise<InProcessWorker> {
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  let runner: Runner | undefined;
  const config = watchConfigFile(env.configPath, env.config(), log, () => runner?.wake());
  const store = openJobStore(env.databaseUrl);
  runner = createRunner({ db: env.db, store, config: config.current, log, publicUrl: opts.publicUrl, heartbeatMs: 60_000 });
  await runner.start();
  return {
    runner,
    logs,
    async stop() {
      config.close();
      await runner!.stop();
      store.close();
    },
  };
}
