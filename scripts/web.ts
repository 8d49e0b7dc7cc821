/** `npm run web`: the web server alone (migrations applied, built if needed). */
import { prepare, projectRoot } from "../lib/server/bootstrap";
import { buildIfNeeded } from "./build-if-needed";
import { nextStartArgs, startProgram } from "./processes";

async function main(): Promise<void> {
  const { env, loaded } = await prepare();
  buildIfNeeded(projectRoot);
  const { host, port } = loaded.config.web;
  const web = startProgram("web", process.execPath, nextStartArgs(projectRoot, host, port), projectRoot, {
    ...process.env,
    QM_CONFIG: env.configPath,
    DATABASE_URL: env.databaseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => web.child.kill("SIGTERM"));
  const { code, signal } = await web.exited;
  process.exit(code ?? (signal ? 1 : 0));
}

main().catch((error: unknown) => {
  console.error(`[web] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
