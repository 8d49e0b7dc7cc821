/**
 * Bundle scripts/web-server.ts into dist/web/server.mjs (plain JavaScript, node_modules
 * left external, Next loaded from the project), as the worker is bundled.
 */
import path from "node:path";
import { bundleForNode } from "./build-worker";
import { SERVICE_ENV } from "../lib/server/service-env";

/**
 * What the bundle may be built from: whole folders, so that a module the server comes to
 * import is never missed (lib/web/malformed-url.ts was, and an edit to it went unbuilt).
 * Bundling takes under a second; a rebuild for an unrelated change costs nothing.
 */
export const WEB_SERVER_SOURCES = ["scripts/web-server.ts", "lib/web", "lib/server", "lib/core"];

export function buildWebServer(root: string): string {
  const outfile = path.join(root, "dist/web/server.mjs");
  bundleForNode(path.join(root, "scripts/web-server.ts"), outfile);
  return outfile;
}

/**
 * How to run the web server: one Node process (easy to stop by PID). Liftoff-only keeps
 * Prisma's WebAssembly query compiler in V8's baseline tier, and a small young generation
 * keeps garbage from piling up between collections: 108 MB idle instead of 125, 127 MB
 * after a few hundred requests instead of 168 (measured with the bench's dashboards).
 * --expose-gc lets it give back what a spell of requests grew (lib/server/quiet-gc.ts).
 *
 * `env` goes into the server's environment: the services' own tuning (two malloc arenas,
 * lib/server/service-env.ts). The thumbnail converter the server runs inherits it, harmlessly.
 */
export function webServerCommand(root: string, host: string, port: number): { command: string; args: string[]; env: Readonly<Record<string, string>> } {
  return {
    command: process.execPath,
    args: ["--liftoff-only", "--max-semi-space-size=1", "--expose-gc", path.join(root, "dist/web/server.mjs"), root, host, String(port)],
    env: SERVICE_ENV,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  buildWebServer(path.resolve(import.meta.dirname, ".."));
}
