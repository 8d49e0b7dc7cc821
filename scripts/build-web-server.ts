/**
 * Bundle scripts/web-server.ts into dist/web/server.mjs (plain JavaScript, node_modules
 * left external, Next loaded from the project), as the worker is bundled.
 */
import path from "node:path";
import { bundleForNode } from "./build-worker";

export const WEB_SERVER_SOURCES = ["scripts/web-server.ts", "lib/web/peer-header.ts", "lib/server/logger.ts", "lib/server/env.ts"];

export function buildWebServer(root: string): string {
  const outfile = path.join(root, "dist/web/server.mjs");
  bundleForNode(path.join(root, "scripts/web-server.ts"), outfile);
  return outfile;
}

/** How to run the web server: one Node process (easy to stop by PID). */
export function webServerCommand(root: string, host: string, port: number): { command: string; args: string[] } {
  return { command: process.execPath, args: [path.join(root, "dist/web/server.mjs"), root, host, String(port)] };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  buildWebServer(path.resolve(import.meta.dirname, ".."));
}
