/**
 * Compile the job spawner's C version (worker/local/spawner.c) to worker/local/qm-spawner,
 * when it is missing or older than its source, with the machine's C compiler (`cc`, or $CC).
 * Without a compiler nothing is built and the worker uses the Perl version (spawner.pl),
 * which does the same at a higher cost per run (docs/performance.md).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const spawnerSource = (root: string) => path.join(root, "worker/local/spawner.c");
export const spawnerBinary = (root: string) => path.join(root, "worker/local/qm-spawner");

/** The binary's path once it is up to date, or null (with the reason logged) when there is no compiler. */
export function buildSpawner(root: string, log: (m: string) => void = console.log): string | null {
  const source = spawnerSource(root);
  const binary = spawnerBinary(root);
  if (fs.existsSync(binary) && fs.statSync(binary).mtimeMs >= fs.statSync(source).mtimeMs) return binary;
  const cc = process.env.CC || "cc";
  const partial = `${binary}.${process.pid}.tmp`;
  const result = spawnSync(cc, ["-O2", "-Wall", "-Wextra", "-o", partial, source], { encoding: "utf8" });
  if (result.error) {
    fs.rmSync(binary, { force: true });
    log(`no C compiler (${cc}: ${result.error.message}): the worker starts jobs with its Perl spawner, which costs more per run (Debian: apt-get install gcc)`);
    return null;
  }
  if (result.status !== 0) {
    fs.rmSync(partial, { force: true });
    throw new Error(`${cc} could not compile ${source}:\n${result.stderr}`);
  }
  fs.renameSync(partial, binary);
  return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  buildSpawner(path.resolve(import.meta.dirname, ".."));
}
