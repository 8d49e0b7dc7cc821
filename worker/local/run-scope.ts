/**
 * The processes of one run, and stopping them all. A run is its process group (the wrapper
 * leads it) and, when it runs as an exclusive pool uid, every process of that uid too: a
 * daemon that left the group and session (`setsid sleep 900 &`) is still found and
 * stopped. With control groups (worker/local/limits) its cgroup lists them exactly.
 */
import { spawnSync } from "node:child_process";
import { processesOfUid } from "./uid-traces";
import { groupMembers, isProcessAlive, signalGroup } from "./process-tree";

export interface RunScope {
  /** The wrapper's pid, which leads the run's process group. */
  pgid: number;
  /** The run's exclusive uid, when it has one. */
  uid?: number;
  /** Pids listed by the run's cgroup, when it has one. */
  cgroupMembers?: () => number[];
}

/**
 * Live processes of the run: its process group (the wrapper, even before it has joined the
 * run's cgroup), plus its cgroup's list when it has one (exact and cheap), else every
 * process of its exclusive uid (a pass over /proc).
 */
export function runMembers(scope: RunScope): number[] {
  const pids = new Set(scope.pgid > 1 ? groupMembers(scope.pgid) : []);
  const more = scope.cgroupMembers ? scope.cgroupMembers().filter(isProcessAlive) : scope.uid !== undefined ? processesOfUid(scope.uid) : [];
  for (const pid of more) pids.add(pid);
  return [...pids];
}

/** Send `signal` to every process of the run. */
export function signalRun(scope: RunScope, signal: NodeJS.Signals): void {
  signalGroup(scope.pgid, signal);
  // kill(-1) run AS the uid reaches all its processes at once, even ones forking meanwhile.
  if (scope.uid !== undefined) spawnSync("setpriv", [`--reuid=${scope.uid}`, `--regid=${scope.uid}`, "--clear-groups", "--", "kill", `-${signal.replace(/^SIG/, "")}`, "--", "-1"], { stdio: "ignore" });
  for (const pid of scope.cgroupMembers?.() ?? []) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/**
 * Stop the run: SIGTERM now, SIGKILL after `graceMs` to whatever is left (`onKill` is
 * told). Resolves when no process of it is left, or 5 s after the SIGKILL. Returns how many
 * processes there were.
 */
export async function terminateRun(scope: RunScope, graceMs: number, onKill?: () => void): Promise<number> {
  const first = runMembers(scope).length;
  if (!first) return 0;
  signalRun(scope, "SIGTERM");
  const gone = async (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (!runMembers(scope).length) return true;
      await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, end - Date.now()))));
    }
    return !runMembers(scope).length;
  };
  if (await gone(graceMs)) return first;
  onKill?.();
  signalRun(scope, "SIGKILL");
  await gone(5_000);
  return first;
}
