/** `npm run web`: the web server alone (migrations applied, built if needed). */
import path from "node:path";
import { buildIfNeeded } from "./build-if-needed";
import { webServerCommand } from "./build-web-server";
import { startProgram } from "./processes";

const projectRoot = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  buildIfNeeded(projectRoot); // before bootstrap: it imports the generated Prisma client
  const { prepare } = await import("../lib/server/bootstrap");
  const { env, loaded } = await prepare();
  const { host, port } = loaded.config.web;
  const server = webServerCommand(projectRoot, host, port);
  const web = startProgram("web", server.command, server.args, projectRoot, {
    ...process.env,
    NODE_ENV: "production",
    QM_CONFIG: env.configPath,
    DATABASE_URL: env.databaseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => web.child.kill("SIGTERM"));
  const { code, signal } = await web.exited;
  process.exit(code ?? (signal ? 1 : 0));
}

main().catch((error: unknown) => {
  console.error(`[web] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
