/**
 * The worker's entry: the only file that reads the environment, installs signal
 * handlers or exits the process. SIGTERM/SIGINT: no new job starts; running jobs go on
 * for the next worker to adopt (Shutdown_Jobs = keep) or are stopped (TERM, KILL after
 * Kill_Grace) and put back in QM_qJobs (requeue); then the process exits 0. A second
 * SIGTERM/SIGINT during that stop kills the jobs at once (SIGKILL) and requeues them.
 */
import { prepare } from "../lib/server/bootstrap";
import { writesToJournal } from "../lib/server/env";
import { cannotStartLine, streamLogger } from "../lib/server/logger";
import { npmAncestors, whenAnyDies } from "../lib/server/process-watch";
import { createWorker } from "./create-worker";

async function main(): Promise<void> {
  const { env } = await prepare(process.env, { foldersMadeByWorker: true });
  let debug = () => false; // QMserv.cfg's Debug, once the worker reads it
  const log = streamLogger({ journald: env.journald, debugEnabled: () => debug() });
  const worker = createWorker({
    configPath: env.configPath, databaseUrl: env.databaseUrl, publicUrl: env.publicUrl, log,
    onFatal: () => process.exit(1), // the worker has stopped itself and said why
  });
  debug = () => worker.config().debug;

  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals === 1) {
      const jobs = worker.config().shutdownJobs === "keep" ? "running jobs go on and the next worker adopts them" : "running jobs are stopped and put back in QM_qJobs (send it again to kill them at once)";
      log(`${signal} received: no new job starts; ${jobs}`);
      void worker.stop().then(() => process.exit(0));
    } else {
      log.warn(`${signal} received again: killing running jobs now (SIGKILL)`);
      void worker.stop({ now: true });
    }
  };
  if (!process.env.QM_NO_SIGNAL_HANDLERS) {
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
  }
  await worker.start();
  // Started by `npm start` (QM_PARENT_PID) or an npm script: stop when it is gone (killed
  // with SIGKILL), as with a SIGTERM. On its own (systemd, nohup) it outlives its shell.
  whenAnyDies(env.parentPid ? [env.parentPid] : npmAncestors(), () => shutdown("the parent process is gone:"));
}

main().catch((error: unknown) => {
  console.error(cannotStartLine(`worker cannot start: ${error instanceof Error ? error.message : String(error)}`, writesToJournal()));
  process.exit(1);
});
