/**
 * Watching other processes die: `npm start` stops when npm above it is gone (npm exits on
 * SIGTERM without passing it on), and its children stop when `npm start` is gone.
 */
import fs from "node:fs";

/** Pids of this process's ancestors up to the nearest `npm` (or just the parent): if one dies, we stop. */
export function ancestorsToWatch(): number[] {
  const chain: number[] = [];
  for (let pid = process.ppid; pid > 1 && chain.length < 8; ) {
    chain.push(pid);
    try {
      const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
      if (/(^|\/)npm( |$)|npm-cli\.js/.test(argv0) || argv0.startsWith("npm ")) return chain;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return chain.slice(0, 1);
}

/** Call `onGone` once, when any of `pids` has died (checked every second; the timer does not keep the process alive). */
export function whenAnyDies(pids: number[], onGone: (pid: number) => void): () => void {
  const timer = setInterval(() => {
    const gone = pids.find((pid) => !isAlive(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, 1_000);
  timer.unref();
  return () => clearInterval(timer);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}
