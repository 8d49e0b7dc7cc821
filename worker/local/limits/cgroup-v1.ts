/**
 * Control groups v1 (what these machines have: writable memory, cpuset and cpuacct
 * hierarchies, no systemd): each run gets `<root>/<controller>/qm/<instance>/<run token>`
 * in the memory and cpuacct hierarchies (`instance` names this QM_FOLDER: another
 * QueueManager on the machine keeps to its own folder, so start-up sweeps never touch its
 * runs; a pair its run left clean is renamed for a later run, reused-cgroups-v1.ts), and
 * joins the cpuset `qm/<instance>/cpus-<list>` of its CPUs, shared by every run pinned to
 * the same ones (a cpuset counts nothing, so a run needs none of its own: one made and
 * removed per run cost a third of a no-op job's start, docs/limits.md); a run not pinned
 * joins `qm/<instance>` itself. cpuset.cpus pins it; memory.limit_in_bytes and
 * memory.memsw.limit_in_bytes (swap included, when the kernel accounts swap) cap it;
 * cpuacct.usage and memory.max_usage_in_bytes count it exactly; memory.oom_control's
 * oom_kill tells a memory kill. Where the devices hierarchy is mounted too, a run that is
 * not given every GPU of GPU_List joins `devices/qm/<instance>/<run token>`, whose
 * devices.deny refuses it the other GPUs' device files (docs/gpus.md). Where the pids
 * hierarchy is mounted and writable, every run joins `pids/qm/<instance>`, whose pids.max
 * holds all the instance's jobs together to `processCap` processes (jobs-process-cap.ts):
 * one shared folder, as the cpusets, so a run costs one write more and no mkdir.
 */
import fs from "node:fs";
import path from "node:path";
import { formatCpuList } from "../../../lib/core/cpu-sets";
import { accountsSwap, migrationWarmUp, ownProcsFile, readKeyed, readNumber, readPids, readText, removeCgroup, removeLeftCgroups, write } from "./cgroup-files";
import type { ConfineRequest, Confinement, Limits } from "./confinement";
import { jobsProcessCap } from "./jobs-process-cap";
import { reusedCgroupsV1 } from "./reused-cgroups-v1";

const CONTROLLERS = ["memory", "cpuset", "cpuacct"] as const;
/** The hierarchies where each run has a folder of its own (what they count is the run's). */
const PER_RUN = ["memory", "cpuacct"] as const;

/** The character-device major of the NVIDIA driver: /dev/nvidia<N> is 195:N (/dev/nvidiactl, 195:255, stays open to all). */
const NVIDIA_MAJOR = 195;

/** The devices hierarchy's folder for this instance, or null where it is not mounted or not writable. */
function devicesBase(root: string, instance: string): string | null {
  const base = path.join(root, "devices", "qm", instance);
  try {
    if (!fs.existsSync(path.join(root, "devices", "cgroup.procs"))) return null;
    fs.mkdirSync(base, { recursive: true });
    return base;
  } catch {
    return null;
  }
}

/**
 * The pids hierarchy's folder for this instance, its pids.max set to `cap`, or null where
 * it is not mounted or not writable (the runs then go without: it is not required).
 */
function pidsBase(root: string, instance: string, cap: number): string | null {
  const base = path.join(root, "pids", "qm", instance);
  try {
    if (!fs.existsSync(path.join(root, "pids", "cgroup.procs"))) return null;
    fs.mkdirSync(base, { recursive: true });
  } catch {
    return null;
  }
  try {
    write(path.join(base, "pids.max"), String(cap));
    return base;
  } catch {
    removeCgroup(base);
    return null;
  }
}

/** True when the three hierarchies are mounted here and a folder can be made in each. */
export function cgroupV1Available(root: string): boolean {
  try {
    for (const c of CONTROLLERS) {
      if (!fs.existsSync(path.join(root, c, "cgroup.procs"))) return false;
      fs.mkdirSync(path.join(root, c, "qm"), { recursive: true });
    }
    return true;
  } catch {
    return false;
  }
}

/** `processCap`: how many processes the instance's jobs may have together, where the pids hierarchy is there. */
export function createCgroupV1(root: string, instance: string, processCap = jobsProcessCap()): Limits {
  const base = (c: (typeof CONTROLLERS)[number]) => path.join(root, c, "qm", instance);
  for (const c of CONTROLLERS) fs.mkdirSync(base(c), { recursive: true });
  // A cpuset folder starts with no CPUs and no memory nodes: give qm/ and qm/<instance> their parent's.
  for (const dir of [path.join(root, "cpuset", "qm"), base("cpuset")]) {
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      if (!readText(path.join(dir, file))?.trim()) write(path.join(dir, file), readText(path.join(path.dirname(dir), file))?.trim() ?? "0");
    }
  }
  const mems = readText(path.join(base("cpuset"), "cpuset.mems"))?.trim() || "0";
  const devices = devicesBase(root, instance);
  const pids = pidsBase(root, instance, processCap);
  // The lock is shared by every v1 hierarchy: one move in one of them is enough.
  const warm = migrationWarmUp(ownProcsFile(path.join(root, "memory"), "memory"));
  /** Each run's memory and cpuacct folders, handed on from run to run when clean. */
  const swap = accountsSwap(base("memory"));
  const runCgroups = reusedCgroupsV1(base("memory"), base("cpuacct"), swap);
  /** The shared cpusets this worker has made or checked: not looked at again for each run. */
  const cpusetsMade = new Set<string>();

  /**
   * The cpuset of runs pinned to `cpus` (the instance's own for none), made when first
   * needed and kept until the worker stops. Off before the CPUs are set: with it on (the
   * default), every change of cpuset.cpus, and the rmdir at the end, rebuilds the kernel's
   * scheduling domains, a walk over every cpuset of the machine (0.02 ms on a clean one,
   * 0.7-1 ms with 5,700; docs/limits.md). The flag only asks for a domain of the cpuset's
   * own; the parent's balancing across all its CPUs goes on
   * (Documentation/admin-guide/cgroup-v1/cpusets.rst).
   */
  const cpusetOf = (cpus: number[]): string => {
    if (!cpus.length) return base("cpuset");
    const list = formatCpuList(cpus);
    const dir = path.join(base("cpuset"), `cpus-${list}`);
    if (cpusetsMade.has(dir)) return dir;
    // Made already by an earlier worker, unless it stopped before it had set its CPUs: then made again.
    if (readText(path.join(dir, "cpuset.cpus"))?.trim() !== list) {
      fs.mkdirSync(dir, { recursive: true });
      write(path.join(dir, "cpuset.sched_load_balance"), "0");
      write(path.join(dir, "cpuset.mems"), mems);
      write(path.join(dir, "cpuset.cpus"), list);
    }
    cpusetsMade.add(dir);
    return dir;
  };

  /** `cpuset`, `pidsDir`: the shared folders the run joins (null: a run found after a restart, which joins nothing). */
  const of = (token: string, cpuset: string | null = null, pidsDir: string | null = null): Confinement => {
    const dir = (c: (typeof PER_RUN)[number]) => path.join(base(c), token);
    // Only runs denied some GPU have a devices cgroup.
    const deviceDir = devices && fs.existsSync(path.join(devices, token)) ? path.join(devices, token) : null;
    return {
      procsFiles: [...[dir("memory"), ...(cpuset ? [cpuset] : []), dir("cpuacct"), ...(pidsDir ? [pidsDir] : []), ...(deviceDir ? [deviceDir] : [])].map((d) => path.join(d, "cgroup.procs"))],
      prefix: [],
      members: () => readPids(path.join(dir("memory"), "cgroup.procs")),
      usage() {
        const ns = readNumber(path.join(dir("cpuacct"), "cpuacct.usage"));
        const bytes = readNumber(path.join(dir("memory"), "memory.usage_in_bytes"));
        if (ns === null || bytes === null) return null;
        const peak = readNumber(path.join(dir("memory"), "memory.memsw.max_usage_in_bytes")) ?? readNumber(path.join(dir("memory"), "memory.max_usage_in_bytes"));
        return { cpuSeconds: ns / 1e9, memoryKb: Math.round(bytes / 1024), peakKb: peak === null ? null : Math.round(peak / 1024) };
      },
      oomKills: () => readKeyed(path.join(dir("memory"), "memory.oom_control"), "oom_kill") ?? 0,
      remove(final) {
        runCgroups.retire(token, final);
        if (deviceDir) removeCgroup(deviceDir);
      },
    };
  };

  return {
    mode: "cgroup1",
    description: `control groups v1 (memory, cpuset, cpuacct${pids ? ", pids" : ""}${devices ? ", devices" : ""}): pinned CPUs, memory limit with swap, exact CPU and memory${devices ? ", other jobs' GPUs denied" : ""}${pids ? `, at most ${processCap} processes for all jobs together` : ""}`,
    confine(token, request: ConfineRequest) {
      warm.starting();
      const cpuset = cpusetOf(request.cpus);
      runCgroups.make(token, request.memMb !== null);
      if (request.memMb !== null) {
        const memory = path.join(base("memory"), token);
        const bytes = String(request.memMb * 1024 * 1024);
        write(path.join(memory, "memory.limit_in_bytes"), bytes);
        // memsw >= limit must hold: set it after the limit. Absent when swap is not accounted.
        if (swap) write(path.join(memory, "memory.memsw.limit_in_bytes"), bytes);
      }
      if (devices && request.denyGpus?.length) {
        const dir = path.join(devices, token);
        fs.mkdirSync(dir, { recursive: true });
        // One rule per write: the kernel reads each as an exception to the inherited "allow all".
        for (const gpu of request.denyGpus) write(path.join(dir, "devices.deny"), `c ${NVIDIA_MAJOR}:${gpu} rwm`);
      }
      return of(token, cpuset, pids);
    },
    find: (token) => (fs.existsSync(path.join(base("memory"), token)) ? of(token) : null),
    warmUp: warm.request,
    sweep(known) {
      const keep = new Set([...known, ...runCgroups.kept()]);
      for (const c of CONTROLLERS) removeLeftCgroups(base(c), keep);
      if (devices) removeLeftCgroups(devices, known);
    },
    release(runsGoOn = false) {
      runCgroups.release();
      cpusetsMade.clear();
      // The shared cpusets no run is left in; while runs go on, a wrapper forked a moment
      // ago may not be in its cpuset yet (the spawner answers before it joins): all stay,
      // for the next worker to use or sweep. So does the shared pids folder, which holds
      // the runs that go on to the cap.
      if (!runsGoOn) removeLeftCgroups(base("cpuset"), new Set());
      const removed = [...CONTROLLERS.map(base), ...(devices ? [devices] : []), ...(pids && !runsGoOn ? [pids] : [])].map(removeCgroup);
      return removed.every(Boolean) && !(pids && runsGoOn);
    },
  };
}
