/**
 * Run `prisma generate` and `next build` when the build is missing or older than the
 * sources, so `npm start` works right after `npm install`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { WEB_SERVER_SOURCES, buildWebServer } from "./build-web-server";
import { WORKER_SOURCES, buildWorker } from "./build-worker";
import { generateClients } from "../prisma/tools/generate";

const SOURCES = ["app", "lib", "public", "prisma/schema.prisma", "next.config.js", "instrumentation.ts", "package-lock.json", "postcss.config.mjs"];

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) {
    if (child === "generated" || child === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

function run(command: string, args: string[], root: string): void {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
}

const builtAt = (file: string) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const newerThan = (root: string, sources: string[], time: number) => sources.some((s) => newestMtime(path.join(root, s)) > time);

/** Build what is missing or older than its sources: the Prisma client, the web app and its server, the worker bundle. */
export function buildIfNeeded(root: string, force = false): boolean {
  const clientMissing = ["prisma", "prisma-pg"].some((client) => !fs.existsSync(path.join(root, "lib/server/generated", client, "client.ts")));
  const webStale = force || clientMissing || newerThan(root, SOURCES, builtAt(path.join(root, ".next/BUILD_ID")));
  const workerStale = force || clientMissing || newerThan(root, WORKER_SOURCES, builtAt(path.join(root, "dist/worker/main.mjs")));
  if (clientMissing || webStale) generateClients(root);
  if (webStale) run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], root);
  if (workerStale) buildWorker(root);
  const serverStale = force || newerThan(root, WEB_SERVER_SOURCES, builtAt(path.join(root, "dist/web/server.mjs")));
  if (serverStale) buildWebServer(root);
  return webStale || workerStale || serverStale;
}
