/**
 * Control groups v2 (most lab servers: Debian 12, Ubuntu 22.04+, RHEL 9): each run gets
 * `<base>/<run token>`, base = `qm/<instance>` under a folder the worker may manage (`<root>` when the worker
 * runs at the top of the hierarchy; under systemd, give the worker's unit Delegate=yes).
 * cpuset.cpus pins it; memory.max caps it and memory.swap.max = 0 keeps swap out of it;
 * cpu.stat and memory.peak (or memory.current) count it; memory.events' oom_kill tells a
 * memory kill; cgroup.kill stops all of it at once. Where the pids controller is there (it
 * is not needed), the instance's pids.max holds all its jobs together to `processCap`
 * (jobs-process-cap.ts) and each run's pids.max holds it to DEFAULT_MAX_PROCESSES, whatever
 * its uid (a Run_As account's included, which RLIMIT_NPROC leaves alone).
 */
import fs from "node:fs";
import path from "node:path";
import { formatCpuList } from "../../../lib/core/cpu-sets";
import { DEFAULT_MAX_PROCESSES } from "../spawner-client";
import { migrationWarmUp, readKeyed, readNumber, readPids, readText, removeCgroup, removeLeftCgroups, write } from "./cgroup-files";
import type { ConfineRequest, Confinement, Limits } from "./confinement";
import { jobsProcessCap } from "./jobs-process-cap";

const NEEDED = ["cpuset", "memory", "cpu"];

const controllersOf = (root: string) => (readText(path.join(root, "cgroup.controllers")) ?? "").split(/\s+/);

/** True when `root` is a cgroup v2 hierarchy with the controllers QM needs. */
export function cgroupV2Available(root: string): boolean {
  const controllers = controllersOf(root);
  return NEEDED.every((c) => controllers.includes(c));
}

/** Turn on `controllers` for the children of `dir` (cgroup.subtree_control). */
function delegate(dir: string, controllers: string[]): void {
  const enabled = (readText(path.join(dir, "cgroup.subtree_control")) ?? "").split(/\s+/);
  const missing = controllers.filter((c) => !enabled.includes(c));
  if (missing.length) write(path.join(dir, "cgroup.subtree_control"), missing.map((c) => `+${c}`).join(" "));
}

/**
 * The needed controllers turned on down each of `dirs`, and pids with them where `pids`:
 * true when pids is on all the way. A delegation that refuses pids keeps the others; its
 * runs go without, as where pids is absent.
 */
function delegateAll(dirs: string[], pids: boolean): boolean {
  for (const dir of dirs) {
    if (pids) {
      try {
        delegate(dir, [...NEEDED, "pids"]);
        continue;
      } catch {
        pids = false;
      }
    }
    delegate(dir, NEEDED);
  }
  return pids;
}

/** The instance's pids.max set to `cap`; false where that is refused. */
function capProcesses(base: string, cap: number): boolean {
  try {
    write(path.join(base, "pids.max"), String(cap));
    return true;
  } catch {
    return false;
  }
}

/**
 * `processCap`: how many processes the instance's jobs may have together, where the pids
 * controller is there; `ownProcs`: the cgroup.procs of the worker's own cgroup (for warmUp).
 */
export function createCgroupV2(root: string, instance: string, processCap = jobsProcessCap(), ownProcs = path.join(root, "cgroup.procs")): Limits {
  // qm/<instance>: this QM_FOLDER's runs only, so another QueueManager's are never swept.
  const base = path.join(root, "qm", instance);
  fs.mkdirSync(base, { recursive: true });
  const pids = delegateAll([root, path.dirname(base), base], controllersOf(root).includes("pids")) && capProcesses(base, processCap);

  const of = (token: string): Confinement => {
    const dir = path.join(base, token);
    return {
      procsFiles: [path.join(dir, "cgroup.procs")],
      prefix: [],
      members: () => readPids(path.join(dir, "cgroup.procs")),
      usage() {
        const usec = readKeyed(path.join(dir, "cpu.stat"), "usage_usec");
        const bytes = readNumber(path.join(dir, "memory.current"));
        if (usec === null || bytes === null) return null;
        const peak = readNumber(path.join(dir, "memory.peak"));
        return { cpuSeconds: usec / 1e6, memoryKb: Math.round(bytes / 1024), peakKb: peak === null ? null : Math.round(peak / 1024) };
      },
      oomKills: () => readKeyed(path.join(dir, "memory.events"), "oom_kill") ?? 0,
      remove(final) {
        // Emptied already (final counts): nothing to kill.
        if (!final && fs.existsSync(path.join(dir, "cgroup.kill"))) {
          try {
            write(path.join(dir, "cgroup.kill"), "1");
          } catch {
            // gone already
          }
        }
        removeCgroup(dir);
      },
    };
  };

  const warm = migrationWarmUp(ownProcs);
  return {
    mode: "cgroup2",
    description: `control groups v2 (cpuset, memory, cpu${pids ? ", pids" : ""}): pinned CPUs, memory limit without swap, exact CPU and memory${pids ? `, at most ${DEFAULT_MAX_PROCESSES} processes a job and ${processCap} for all jobs together` : ""}`,
    confine(token, request: ConfineRequest) {
      warm.starting();
      const dir = path.join(base, token);
      fs.mkdirSync(dir, { recursive: true });
      if (request.cpus.length) write(path.join(dir, "cpuset.cpus"), formatCpuList(request.cpus));
      if (pids) write(path.join(dir, "pids.max"), String(DEFAULT_MAX_PROCESSES));
      // A new cgroup has no limit (memory.max "max"): only a limit is written.
      if (request.memMb !== null) {
        write(path.join(dir, "memory.max"), String(request.memMb * 1024 * 1024));
        write(path.join(dir, "memory.swap.max"), "0");
      }
      return of(token);
    },
    find: (token) => (fs.existsSync(path.join(base, token)) ? of(token) : null),
    sweep: (known) => removeLeftCgroups(base, known),
    // A run's own cgroup is made before it starts, so one that goes on keeps `base` whole.
    release: () => removeCgroup(base),
    warmUp: warm.request,
  };
}
