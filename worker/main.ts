/**
 * The worker's entry: the only file that reads the environment, installs signal
 * handlers or exits the process.
 */
import { prepare } from "../lib/server/bootstrap";
import { createDb, tuneSqlite } from "../lib/server/db";
import { qmLayout } from "../lib/server/qm-folders";
import { acquireWorkerLock } from "./lock";
import { createRunner } from "./runner";

async function main(): Promise<void> {
  const { env, loaded } = await prepare();
  const config = loaded.config;
  const lock = acquireWorkerLock(qmLayout(config.qmFolder).internal);
  const db = createDb(env.databaseUrl);
  await tuneSqlite(db);
  const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);
  const runner = createRunner({ db, config: () => config, log });
  await runner.start();

  const shutdown = async (signal: string) => {
    log(`${signal} received: no new job starts; shutting down`);
    await runner.stop();
    await db.$disconnect();
    lock.release();
    process.exit(0);
  };
  if (!process.env.QM_NO_SIGNAL_HANDLERS) {
    process.once("SIGINT", () => void shutdown("SIGINT"));
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
  }
}

main().catch((error: unknown) => {
  console.error(`worker cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
