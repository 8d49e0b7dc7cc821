/**
 * Bundle the worker into dist/worker/main.mjs (plain JavaScript, node_modules left
 * external), so that it runs on `node` alone: no TypeScript loader in the long-running
 * process, which saves about 40 MB of memory.
 */
import fs from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";
import { SERVICE_ENV } from "../lib/server/service-env";
import { buildSpawner } from "./build-spawner";

export const WORKER_SOURCES = ["worker", "lib/core", "lib/server", "prisma/tools", "prisma/schema.prisma"];

/**
 * ESM for Node 20 from a TypeScript entry, node_modules left external. What the entry
 * imports with `import()` goes to chunk files beside it (`chunks/`), loaded only when
 * called: the migration engine and Prisma stay out of a worker that does not migrate.
 */
export function bundleForNode(entry: string, outfile: string, opts: { sourcemap?: boolean } = {}): void {
  const outdir = path.dirname(outfile);
  const cwd = process.cwd();
  fs.rmSync(path.join(outdir, "chunks"), { recursive: true, force: true });
  const { metafile } = buildSync({
    entryPoints: { [path.basename(outfile, ".mjs")]: entry }, outdir, outExtension: { ".js": ".mjs" }, chunkNames: "chunks/[name]-[hash]",
    bundle: true, splitting: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning", sourcemap: opts.sourcemap,
    metafile: true, absWorkingDir: cwd,
  });
  // A module that reads a file from beside itself (`new URL("./x.wasm", import.meta.url)`:
  // the Prisma clients' query compilers, prisma/tools/binary-compiler.ts) finds it beside the
  // output that holds it: esbuild leaves such URLs as they are, so the file is copied there.
  for (const [out, { inputs }] of Object.entries(metafile!.outputs)) {
    if (!out.endsWith(".mjs")) continue;
    const output = path.resolve(cwd, out);
    for (const [, name] of fs.readFileSync(output, "utf8").matchAll(/new URL\("\.\/([\w.-]+)", import\.meta\.url\)/g)) {
      const source = Object.keys(inputs).map((input) => path.resolve(cwd, path.dirname(input), name)).find((f) => fs.existsSync(f));
      if (!source) throw new Error(`${out} reads ./${name} from beside itself, and no module bundled into it has that file beside it`);
      fs.copyFileSync(source, path.join(path.dirname(output), name));
    }
  }
}

/** Bundle the worker into `outDir` (default dist/worker); `sourcemap` for profiles that name the sources. */
export function buildWorker(root: string, outDir = path.join(root, "dist/worker"), opts: { sourcemap?: boolean } = {}): string {
  // The job spawner's C version first: the binary lands in worker/, a source folder of the
  // bundle's, so made after the bundle it would make the bundle look older than its sources.
  const binary = buildSpawner(root);
  bundleForNode(path.join(root, "worker/main.ts"), path.join(outDir, "main.mjs"), opts);
  // The job spawner is started as its own small process, from beside the bundle: the C
  // version where this machine could compile it, else the Perl one (spawner-client.ts).
  fs.copyFileSync(path.join(root, "worker/local/spawner.pl"), path.join(outDir, "spawner.pl"));
  if (binary) replaceFile(binary, path.join(outDir, "qm-spawner"));
  else fs.rmSync(path.join(outDir, "qm-spawner"), { force: true });
  return path.join(outDir, "main.mjs");
}

/**
 * A running worker's spawner executes dist/worker/qm-spawner, and copying onto a binary
 * being run fails (ETXTBSY): the copy is renamed over it instead, as the documented update
 * builds while the worker runs (docs/deploy.md); the running spawner keeps its old file.
 */
function replaceFile(source: string, target: string): void {
  const partial = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(source, partial);
  fs.renameSync(partial, target);
}

/**
 * How to run the bundled worker (`main`: another build of it). Liftoff-only compiles the
 * migration engine's WebAssembly with V8's baseline tier (a worker that migrates at start
 * loads it), and a small young generation keeps the heap tight for a process that idles
 * most of the time; --expose-gc lets it give back what a busy spell grew (lib/server/quiet-gc.ts).
 * `env` goes into the worker's environment: the services' own tuning (two malloc arenas,
 * lib/server/service-env.ts), which its jobs do not inherit. `npm run worker`, `npm run
 * worker:prod` and deploy/systemd/qm-worker.service say the same (worker-command.test.ts).
 */
export function workerCommand(root: string, main = path.join(root, "dist/worker/main.mjs")): { command: string; args: string[]; env: Readonly<Record<string, string>> } {
  return { command: process.execPath, args: ["--liftoff-only", "--max-semi-space-size=1", "--expose-gc", main], env: SERVICE_ENV };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  buildWorker(path.resolve(import.meta.dirname, ".."));
}
