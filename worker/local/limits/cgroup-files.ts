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

/**
 * Whether the kernel accounts swap in this v1 memory cgroup (its memory.memsw.* files): the
 * same for every memory cgroup of the machine, so asked once.
 */
export function accountsSwap(memoryDir: string): boolean {
  return fs.existsSync(path.join(memoryDir, "memory.memsw.limit_in_bytes"));
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

/** A start may be near (`request`), a run is joining its cgroups now (`starting`): see migrationWarmUp. */
export interface MigrationWarmUp {
  request(): void;
  starting(): void;
}

/**
 * Moving a process into a cgroup takes a kernel lock (cgroup_threadgroup_rwsem) whose first
 * writer after a quiet spell waits a whole RCU grace period (5-20 ms on these machines);
 * moves that follow within a grace period or two pass at once (0.05 ms). So when a start
 * may be near, this process is moved into the cgroup it is already in (`ownProcs`: nothing
 * changes), on a libuv thread, and again every `everyMs` for the next `keepMs`: the first
 * move's grace period runs while the worker claims, renames and forks, and the lock then
 * stays in its writers' mode, so that every run's wrapper that comes within that time
 * joins its groups at once. One move at a time, through one open descriptor; failures do
 * not matter. While runs start less than `everyMs` apart (a burst), their own joins keep
 * the lock ready and this process is not moved. Measured here: 20 folder dispatches 35 ms
 * apart, p50 14 ms with a single move per event (bimodal, 6 or 15-21 ms), 6.4 ms with
 * expedited grace periods machine-wide.
 */
export function migrationWarmUp(ownProcs: string, keepMs = 1_000, everyMs = 5): MigrationWarmUp {
  const pid = Buffer.from(String(process.pid));
  let fd: number | null = null;
  let busy = false;
  let until = 0;
  let lastStart = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  const move = () => {
    if (busy || performance.now() - lastStart < everyMs) return;
    busy = true;
    try {
      fd ??= fs.openSync(ownProcs, "w");
    } catch {
      busy = false;
      return;
    }
    fs.write(fd, pid, (error) => {
      busy = false;
      if (error && fd !== null) {
        fs.close(fd, () => undefined);
        fd = null;
      }
    });
  };
  const tick = () => {
    if (Date.now() < until) return move();
    clearInterval(timer);
    timer = undefined;
    if (fd !== null && !busy) {
      fs.close(fd, () => undefined);
      fd = null;
    }
  };
  return {
    request() {
      until = Date.now() + keepMs;
      move();
      timer ??= setInterval(tick, everyMs).unref();
    },
    starting() {
      lastStart = performance.now();
    },
  };
}

/** The cgroup.procs file of the cgroup this process is in, from /proc/self/cgroup ("id:controllers:/path"). */
export function ownProcsFile(mount: string, controller: string | null): string {
  const lines = (readText("/proc/self/cgroup") ?? "").split("\n");
  const line = lines.find((l) => (controller === null ? l.startsWith("0::") : l.split(":")[1]?.split(",").includes(controller)));
  return path.join(mount, line?.split(":").slice(2).join(":") || "/", "cgroup.procs");
}
