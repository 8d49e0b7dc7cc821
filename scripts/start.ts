/**
 * `npm start`: build if needed, apply migrations, then run the web server and the worker
 * side by side with prefixed logs. A program that dies is restarted (scripts/supervise.ts);
 * one that cannot start at all stops everything with a non-zero exit. Ctrl-C, SIGTERM or
 * SIGHUP stop both, and so does the death of `npm` above us (npm does not pass SIGTERM on).
 * Secrets (QM_ADMIN_PASSWORD) are used here and not handed to the children.
 */
import path from "node:path";
import { assertBuilt, buildIfNeeded } from "./build-if-needed";
import { webServerCommand } from "./build-web-server";
import { workerCommand } from "./build-worker";
import { startProgram } from "./processes";
import { ancestorsToWatch, whenAnyDies } from "../lib/server/process-watch";
import { trustedUids } from "../lib/server/real-path";
import { safeSearchPath } from "../lib/server/search-path";
import { supervise } from "./supervise";

const projectRoot = path.resolve(import.meta.dirname, "..");
const say = (line: string) => console.log(`[qm]     ${line}`);

async function main(): Promise<void> {
  // Build first: on a fresh clone the generated Prisma client that bootstrap imports
  // does not exist yet.
  if (process.argv.includes("--no-build")) assertBuilt(projectRoot); // npm run start:prod: built once at install
  else buildIfNeeded(projectRoot);
  const { prepare } = await import("../lib/server/bootstrap");
  const { env, loaded, appliedMigrations, historyImport } = await prepare();
  if (appliedMigrations.length) say(`applied migrations: ${appliedMigrations.join(", ")}`);
  if (historyImport?.imported) say(`imported ${historyImport.imported} finished job(s) already in QM_dJobs / QM_lost+found`);
  const { host, port } = loaded.config.web;
  const worker = workerCommand(projectRoot);
  const { QM_ADMIN_PASSWORD: _password, QM_ADMIN_PASSWORD_FILE: _passwordFile, ...inherited } = process.env;
  // npm's node_modules/.bin of every folder above the project (/tmp/node_modules/.bin, which
  // anyone may create) would be searched by the web server's setpriv and the root worker's commands.
  const searchPath = safeSearchPath(process.env.PATH ?? "", trustedUids());
  for (const { entry, why } of searchPath.dropped) say(`PATH: left out ${entry || "(empty)"} for the web server, the worker and the jobs: ${why}`);
  const childEnv = { ...inherited, PATH: searchPath.path, QM_CONFIG: env.configPath, DATABASE_URL: env.databaseUrl, QM_SKIP_MIGRATE: "1", QM_PARENT_PID: String(process.pid), NEXT_TELEMETRY_DISABLED: "1" };

  let exitCode = 0;
  let stopping: Promise<void> | undefined;
  const stopAll = (why: string, code = 0) => {
    if (stopping) return;
    exitCode = code;
    say(`${why}: stopping web and worker`);
    stopping = Promise.all(programs.map((p) => p.stop())).then(() => {
      say("web and worker stopped");
      process.exit(exitCode);
    });
  };
  const failed = (why: string) => stopAll(why, 1);
  const server = webServerCommand(projectRoot, host, port);
  const programs = [
    supervise(() => startProgram("web", server.command, server.args, projectRoot, { ...childEnv, NODE_ENV: "production", ...server.env }), say, failed),
    supervise(() => startProgram("worker", worker.command, worker.args, projectRoot, { ...childEnv, ...worker.env }), say, failed),
  ];
  say(`QueueManager on http://${host}:${port}  (QMserv.cfg: ${env.configPath}, QM_FOLDER: ${loaded.config.qmFolder})`);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stopAll(signal));
  whenAnyDies(ancestorsToWatch(), (pid) => stopAll(`the process that started us (pid ${pid}) is gone`));
}

main().catch((error: unknown) => {
  console.error(`[qm]     cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
