/**
 * The worker's entry: the only file that reads the environment, installs signal
 * handlers or exits the process. SIGTERM/SIGINT: no new job starts, running jobs are
 * stopped (TERM, KILL after Kill_Grace) and put back in QM_qJobs, then the process exits 0.
 */
import { prepare } from "../lib/server/bootstrap";
import { createDb, tuneSqlite } from "../lib/server/db";
import { qmLayout } from "../lib/server/qm-folders";
import { watchConfigFile } from "./config-watch";
import { openJobStore } from "./job-store";
import { acquireWorkerLock } from "./lock";
import { createRunner } from "./runner";

async function main(): Promise<void> {
  const { env, loaded } = await prepare();
  const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);
  const lock = acquireWorkerLock(qmLayout(loaded.config.qmFolder).internal);
  const db = createDb(env.databaseUrl);
  await tuneSqlite(db);
  const store = openJobStore(env.databaseUrl);
  let runner: ReturnType<typeof createRunner> | undefined;
  const config = watchConfigFile(env.configPath, loaded.config, log, () => runner?.wake());
  runner = createRunner({ db, store, config: config.current, log, publicUrl: env.publicUrl });

  let exiting = false;
  const shutdown = async (signal: string) => {
    if (exiting) return;
    exiting = true;
    log(`${signal} received: no new job starts; stopping running jobs and putting them back in QM_qJobs`);
    config.close();
    await runner.stop();
    await db.$disconnect();
    store.close();
    lock.release();
    process.exit(0);
  };
  if (!process.env.QM_NO_SIGNAL_HANDLERS) {
    process.on("SIGINT", () => void shutdown("SIGINT"));
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
  }
  try {
    await runner.start();
  } catch (error) {
    lock.release();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(`worker cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
