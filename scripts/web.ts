/**
 * `npm run web`: the web server alone (migrations applied, built if needed). With
 * `--no-build` (`npm run web:prod`, the qm-web service) nothing is built: a missing or stale
 * build stops it with what to do. Its output is the server's own (journald reads the levels).
 * SIGTERM, SIGINT or SIGHUP, or the death of npm above us, stop the server too; the server
 * stops if we die (QM_PARENT_PID).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { writesToJournal } from "../lib/server/env";
import { cannotStartLine } from "../lib/server/logger";
import { ancestorsToWatch, whenAnyDies } from "../lib/server/process-watch";
import { assertBuilt, buildIfNeeded } from "./build-if-needed";
import { webServerCommand } from "./build-web-server";

const projectRoot = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  // Before bootstrap: it imports the generated Prisma client.
  if (process.argv.includes("--no-build")) assertBuilt(projectRoot);
  else buildIfNeeded(projectRoot);
  const { prepare } = await import("../lib/server/bootstrap");
  const { env, loaded } = await prepare();
  const { host, port } = loaded.config.web;
  const server = webServerCommand(projectRoot, host, port);
  const web = spawn(server.command, server.args, {
    cwd: projectRoot,
    stdio: ["ignore", "inherit", "inherit"],
    // QM_PARENT_PID: the server stops if this process dies without passing a signal on (SIGKILL).
    env: { ...process.env, NODE_ENV: "production", QM_CONFIG: env.configPath, DATABASE_URL: env.databaseUrl, NEXT_TELEMETRY_DISABLED: "1", QM_PARENT_PID: String(process.pid), ...server.env },
  });
  const stop = () => web.kill("SIGTERM");
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  // npm killed without a word to us (SIGKILL, or an npm that does not pass SIGTERM on).
  whenAnyDies(ancestorsToWatch(), (pid) => {
    console.log(`the process that started the web server (pid ${pid}) is gone: stopping it`);
    stop();
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => web.on("exit", (c, s) => resolve([c, s])));
  process.exit(code ?? (signal ? 1 : 0));
}

main().catch((error: unknown) => {
  console.error(cannotStartLine(`web server cannot start: ${error instanceof Error ? error.message : String(error)}`, writesToJournal()));
  process.exit(1);
});
