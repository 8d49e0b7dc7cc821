/**
 * Watching other processes die: `npm start`, `npm run web:prod` and `npm run worker:prod`
 * stop when npm above them is gone, and their children stop when they are gone. npm
 * passes SIGTERM to the shell of the script only (package.json `exec`s the program so
 * that it is that shell), and a SIGKILLed npm passes on nothing.
 */
import fs from "node:fs";

/** This process's ancestors up to the nearest `npm`, and whether one was found. */
function ancestorChain(): { chain: number[]; underNpm: boolean } {
  const chain: number[] = [];
  for (let pid = process.ppid; pid > 1 && chain.length < 8; ) {
    chain.push(pid);
    try {
      const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
      if (/(^|\/)npm( |$)|npm-cli\.js/.test(argv0) || argv0.startsWith("npm ")) return { chain, underNpm: true };
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return { chain, underNpm: false };
}

/** Pids of this process's ancestors up to the nearest `npm` (or just the parent): if one dies, we stop. */
export function ancestorsToWatch(): number[] {
  const { chain, underNpm } = ancestorChain();
  return underNpm ? chain : chain.slice(0, 1);
}

/**
 * The ancestors up to `npm` when started by an npm script, else none: for a program that
 * also runs on its own (the worker under systemd, or nohup'ed by hand) and must not stop
 * with the shell that started it.
 */
export function npmAncestors(): number[] {
  const { chain, underNpm } = ancestorChain();
  return underNpm ? chain : [];
}

/** How often the watched are looked at; every how many looks another process's /proc entry is read to tell a zombie from the living. */
const CHECK_MS = 2_000;
const ZOMBIE_CHECK_EVERY = 5;

/**
 * Call `onGone` once, when any of `pids` has died (checked every 2 s; the timer does not
 * keep the process alive). Cheap, since an idle worker does little else: our own parent's
 * death shows as a new parent pid (the kernel reparents us as it exits, zombie or not),
 * with no file read; another ancestor's by a signal 0, and a dead one still waiting to be
 * reaped (a zombie answers signal 0) by its /proc state every 10 s. (Reading
 * /proc/<pid>/stat of four ancestors every second was 30 ms of an idle worker's CPU a
 * minute, three times its heartbeats; the timer's own wake-up is most of what is left.)
 */
export function whenAnyDies(pids: number[], onGone: (pid: number) => void): () => void {
  if (!pids.length) return () => undefined;
  const parent = process.ppid;
  let tick = 0;
  const timer = setInterval(() => {
    const readState = ++tick % ZOMBIE_CHECK_EVERY === 0;
    const gone = pids.find((pid) => (pid === parent ? process.ppid !== parent : !isAlive(pid, readState)));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function isAlive(pid: number, readState: boolean): boolean {
  try {
    process.kill(pid, 0);
    if (!readState) return true;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}
