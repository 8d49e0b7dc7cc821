/** Small readers and writers of cgroupfs files, shared by the v1 and v2 confinements. */
import fs from "node:fs";
import path from "node:path";

export function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

export function readNumber(file: string): number | null {
  const text = readText(file)?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : null;
}

/** `key value` lines (memory.events, cpu.stat, memory.oom_control): the value of `key`. */
export function readKeyed(file: string, key: string): number | null {
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(readText(file) ?? "");
  return m ? Number(m[1]) : null;
}

export function write(file: string, value: string): void {
  fs.writeFileSync(file, value);
}

/** The pids listed in a cgroup.procs file. */
export function readPids(file: string): number[] {
  return (readText(file) ?? "").split("\n").filter(Boolean).map(Number);
}

/** rmdir a cgroup; false when it still holds processes (zombies that nobody reaps), to retry later. */
export function removeCgroup(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** Remove what earlier runs left in `base` that is now empty (nothing to keep: runs are named by token). */
export function removeLeftCgroups(base: string, keep: Set<string>): void {
  let names: string[];
  try {
    names = fs.readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return;
  }
  for (const name of names) if (!keep.has(name) && readPids(path.join(base, name, "cgroup.procs")).length === 0) removeCgroup(path.join(base, name));
}

/**
 * Moving a process into a cgroup takes a kernel lock (cgroup_threadgroup_rwsem) whose first
 * writer after a quiet spell waits a whole RCU grace period (13-20 ms on these machines);
 * moves that follow within a grace period pass at once. So when a start may be near, this
 * process is moved into the cgroup it is already in (`ownProcs`: nothing changes) on a
 * libuv thread: the grace period then runs while the worker claims, renames and forks,
 * instead of after, in the run's wrapper. One at a time; failures do not matter.
 */
export function migrationWarmUp(ownProcs: string): () => void {
  let busy = false;
  return () => {
    if (busy) return;
    busy = true;
    fs.promises
      .writeFile(ownProcs, String(process.pid))
      .catch(() => undefined)
      .finally(() => (busy = false));
  };
}

/** The cgroup.procs file of the cgroup this process is in, from /proc/self/cgroup ("id:controllers:/path"). */
export function ownProcsFile(mount: string, controller: string | null): string {
  const lines = (readText("/proc/self/cgroup") ?? "").split("\n");
  const line = lines.find((l) => (controller === null ? l.startsWith("0::") : l.split(":")[1]?.split(",").includes(controller)));
  return path.join(mount, line?.split(":").slice(2).join(":") || "/", "cgroup.procs");
}
