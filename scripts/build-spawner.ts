/**
 * Compile the job spawner's C version (worker/local/spawner.c) to worker/local/qm-spawner,
 * when it is missing or older than its source, with the machine's C compiler (`cc`, or $CC).
 * Without a compiler, or when it cannot compile (no C library headers), nothing is built,
 * the reason is logged, and the worker uses the Perl version (spawner.pl), which does the
 * same at a higher cost per run (docs/performance.md). The tests expect the C version on
 * machines that have a compiler (worker/local/spawner.int.test.ts).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const spawnerBinary = (root: string) => path.join(root, "worker/local/qm-spawner");

export interface BuildSpawnerOptions {
  /** The compiler: $CC, else `cc`. */
  cc?: string;
  log?: (m: string) => void;
}

/** The binary's path once it is up to date, or null (the reason logged) when it cannot be built here. */
export function buildSpawner(root: string, opts: BuildSpawnerOptions = {}): string | null {
  const { cc = process.env.CC || "cc", log = console.log } = opts;
  const source = path.join(root, "worker/local/spawner.c");
  const binary = spawnerBinary(root);
  if (fs.existsSync(binary) && fs.statSync(binary).mtimeMs >= fs.statSync(source).mtimeMs) return binary;
  // A stale binary must not outlive a failed build: the worker would run the old code.
  fs.rmSync(binary, { force: true });
  const partial = `${binary}.${process.pid}.tmp`;
  const result = spawnSync(cc, ["-O2", "-Wall", "-o", partial, source], { encoding: "utf8" });
  const fallback = "the worker starts jobs with its Perl spawner, which costs more per run (Debian: apt-get install gcc libc6-dev)";
  if (result.error || result.status !== 0) {
    fs.rmSync(partial, { force: true });
    const why = result.error ? `no C compiler (${cc}: ${result.error.message})` : `${cc} could not compile ${source}:\n${result.stderr.trim()}\n`;
    log(`${why}; ${fallback}`);
    return null;
  }
  fs.renameSync(partial, binary);
  return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  buildSpawner(path.resolve(import.meta.dirname, ".."));
}
