/**
 * Run `prisma generate` and `next build` when the build is missing or older than the
 * sources, so `npm start` works right after `npm install`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { withBuildLock } from "./build-lock";
import { WEB_SERVER_SOURCES, buildWebServer } from "./build-web-server";
import { WORKER_SOURCES, buildWorker } from "./build-worker";
import { generateClients } from "../prisma/tools/generate";
import { writesToJournal } from "../lib/server/env";
import { cannotStartLine } from "../lib/server/logger";

const SOURCES = ["app", "lib", "public", "prisma/schema.prisma", "next.config.js", "instrumentation.ts", "package-lock.json", "postcss.config.mjs"];

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) {
    // Build outputs kept beside sources: the Prisma clients, the compiled job spawner.
    if (child === "generated" || child === "node_modules" || child === "qm-spawner") continue;
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

/** What is missing or older than its sources (all of it with `force`). */
function staleParts(root: string, force: boolean) {
  const client = force || ["prisma", "prisma-pg"].some((c) => !fs.existsSync(path.join(root, "lib/server/generated", c, "client.ts")));
  return {
    client,
    web: client || newerThan(root, SOURCES, builtAt(path.join(root, ".next/BUILD_ID"))),
    worker: client || newerThan(root, WORKER_SOURCES, builtAt(path.join(root, "dist/worker/main.mjs"))),
    server: force || newerThan(root, WEB_SERVER_SOURCES, builtAt(path.join(root, "dist/web/server.mjs"))),
  };
}

/**
 * Build what is missing or older than its sources: the Prisma client, the web app and its
 * server, the worker bundle. One build at a time in a checkout (scripts/build-lock.ts); a
 * forced build that waited for another builds only what is still stale.
 */
export function buildIfNeeded(root: string, force = false): boolean {
  return withBuildLock(root, (waited) => {
    const stale = staleParts(root, force && !waited);
    if (stale.client || stale.web) generateClients(root);
    if (stale.web) run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], root);
    if (stale.worker) buildWorker(root);
    if (stale.server) buildWebServer(root);
    return stale.web || stale.worker || stale.server;
  });
}

/**
 * For production starts, which never build (the install is read-only to the service): throw,
 * saying what to do, when a part of the build is missing or older than its sources.
 */
export function assertBuilt(root: string): void {
  const stale = Object.entries(staleParts(root, false)).filter(([, isStale]) => isStale).map(([part]) => part);
  if (stale.length) {
    throw new Error(`the build is missing or older than the sources (${stale.join(", ")}): run \`npm run build\` in ${root} first (as the owner of the files), then start again`);
  }
}

/** `npm run build` (`--force`: everything) and the production units' check (`--check`: build nothing). */
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const root = path.resolve(import.meta.dirname, "..");
  try {
    if (process.argv.includes("--check")) assertBuilt(root);
    else buildIfNeeded(root, process.argv.includes("--force"));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(cannotStartLine(message, writesToJournal(), message)); // the units' ExecStartPre
    process.exit(1);
  }
}
