/**
 * `npm run web`: the web server alone (migrations applied, built if needed). With
 * `--no-build` (`npm run web:prod`, the qm-web service) nothing is built: a missing or stale
 * build stops it with what to do. Its output is the server's own (journald reads the levels).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { writesToJournal } from "../lib/server/env";
import { cannotStartLine } from "../lib/server/logger";
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
    env: { ...process.env, NODE_ENV: "production", QM_CONFIG: env.configPath, DATABASE_URL: env.databaseUrl, NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => web.kill("SIGTERM"));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => web.on("exit", (c, s) => resolve([c, s])));
  process.exit(code ?? (signal ? 1 : 0));
}

main().catch((error: unknown) => {
  console.error(cannotStartLine(`web server cannot start: ${error instanceof Error ? error.message : String(error)}`, writesToJournal()));
  process.exit(1);
});
