/**
 * One build at a time in a checkout. `npm start`, `npm run build`, `npm test` and the
 * benchmarks each build what is stale first, and two `next build`s writing one `.next`
 * break each other (one deletes what the other is writing). The lock is a file created
 * exclusively that holds the builder's pid; whoever comes second waits for it, then looks
 * again at what is stale (usually nothing by then). A lock whose process is gone (killed
 * mid-build) is taken over.
 */
import fs from "node:fs";
import path from "node:path";

const WAIT_STEP_MS = 250;

/** Block this thread for `ms` (the build scripts are synchronous). */
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The lock file's pid, or null when it is gone or unreadable (being written). */
function holderOf(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, "utf8"));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Run `build` holding the checkout's build lock (`dist/.build-lock`), waiting up to
 * `timeoutMs` for another build; `build` is told whether it waited for one.
 */
export function withBuildLock<T>(root: string, build: (waitedForAnother: boolean) => T, { timeoutMs = 20 * 60_000, say = (line: string) => console.log(line) } = {}): T {
  const file = path.join(root, "dist", ".build-lock");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let waited = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = holderOf(file);
    if (holder !== null && !isAlive(holder)) {
      // Killed mid-build: its lock is stale. Removing it only if it still names that
      // process keeps two waiters from both taking over.
      if (holderOf(file) === holder) fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another build (process ${holder ?? "?"}) has held ${file} for ${Math.round(timeoutMs / 60_000)} minutes; stop it, or remove the file if no build runs`);
    if (!waited) say(`waiting for the build of process ${holder ?? "?"} to finish (${file})`);
    waited = true;
    sleepSync(WAIT_STEP_MS);
  }
  try {
    return build(waited);
  } finally {
    if (holderOf(file) === process.pid) fs.rmSync(file, { force: true });
  }
}
