/**
 * `npm start`: build if needed, apply migrations, then run the web server and the worker
 * side by side with prefixed logs. Ctrl-C (or SIGTERM) stops both; if one of them dies,
 * it is reported and the other is stopped, and the exit code says so.
 */
import path from "node:path";
import { buildIfNeeded } from "./build-if-needed";
import { workerCommand } from "./build-worker";
import { type Program, nextStartArgs, startProgram } from "./processes";

const projectRoot = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  // Build first: on a fresh clone the generated Prisma client that bootstrap imports
  // does not exist yet.
  buildIfNeeded(projectRoot);
  const { prepare } = await import("../lib/server/bootstrap");
  const { env, loaded, appliedMigrations, historyImport } = await prepare();
  if (appliedMigrations.length) console.log(`[qm]     applied migrations: ${appliedMigrations.join(", ")}`);
  if (historyImport?.imported) console.log(`[qm]     imported ${historyImport.imported} finished job(s) already in QM_dJobs / QM_lost+found`);
  const { host, port } = loaded.config.web;
  const worker = workerCommand(projectRoot);
  const childEnv = { ...process.env, QM_CONFIG: env.configPath, DATABASE_URL: env.databaseUrl, QM_SKIP_MIGRATE: "1", NEXT_TELEMETRY_DISABLED: "1" };
  const programs: Program[] = [
    startProgram("web", process.execPath, nextStartArgs(projectRoot, host, port), projectRoot, childEnv),
    startProgram("worker", worker.command, worker.args, projectRoot, childEnv),
  ];
  console.log(`[qm]     QueueManager on http://${host}:${port}  (QMserv.cfg: ${env.configPath}, QM_FOLDER: ${loaded.config.qmFolder})`);

  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    for (const p of programs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`[qm]     ${signal}: stopping web and worker`);
      stopAll("SIGTERM");
    });
  }
  let failed = false;
  await Promise.all(
    programs.map(async (p) => {
      const { code, signal } = await p.exited;
      if (!stopping) {
        failed = true;
        stopping = true;
        console.error(`[qm]     the ${p.name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the rest`);
        stopAll("SIGTERM");
      } else {
        console.log(`[qm]     ${p.name} stopped`);
      }
    }),
  );
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`[qm]     cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
