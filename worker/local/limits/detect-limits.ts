/**
 * Pick how runs are confined: the `Limits` key (auto, cgroup2, cgroup1, none). `auto`
 * takes control groups v2 when /sys/fs/cgroup is a v2 hierarchy with cpuset, memory and
 * cpu, else v1 when the memory, cpuset and cpuacct hierarchies are writable, else the
 * rlimit way. A forced mode that is not available refuses to start, saying why. Where the
 * pids controller is there too, all jobs together are held to jobsProcessCap().
 */
import fs from "node:fs";
import path from "node:path";
import { formatCpuList } from "../../../lib/core/cpu-sets";
import { cgroupV1Available, createCgroupV1 } from "./cgroup-v1";
import { ownProcsFile } from "./cgroup-files";
import { cgroupV2Available, createCgroupV2 } from "./cgroup-v2";
import { type Confinement, type Limits, NO_CONFINEMENT } from "./confinement";
import { jobsProcessCap } from "./jobs-process-cap";

export type LimitsSetting = "auto" | "cgroup2" | "cgroup1" | "none";

/**
 * Without control groups: CPUs by affinity (`taskset`, so `nproc` tells nb_proc), memory
 * by RLIMIT_AS (`prlimit --as`): a cap on address space, not on resident memory, which
 * counts mapped-but-unused memory too and cannot tell a memory kill from another failure.
 */
export function createRlimits(): Limits {
  return {
    mode: "none",
    description: "no control groups: CPU affinity (taskset) and an address-space rlimit (prlimit --as); weaker, see docs/limits.md",
    confine(_token, request): Confinement {
      const prefix = [
        ...(request.cpus.length ? ["taskset", "-c", formatCpuList(request.cpus)] : []),
        ...(request.memMb !== null ? ["prlimit", `--as=${request.memMb * 1024 * 1024}`, "--"] : []),
      ];
      return { ...NO_CONFINEMENT, prefix };
    },
    find: () => null,
    sweep: () => undefined,
    warmUp: () => undefined,
    release: () => true,
  };
}

/** `instance` names this QM_FOLDER in the cgroup tree (its runs live under qm/<instance>). */
export function detectLimits(setting: LimitsSetting, instance: string, root = "/sys/fs/cgroup"): Limits {
  const isRoot = process.getuid?.() === 0;
  const v2 = () => isRoot && cgroupV2Available(root);
  const v1 = () => isRoot && cgroupV1Available(root);
  if (setting === "cgroup2" || (setting === "auto" && v2())) {
    if (!v2()) throw new Error(`Limits = cgroup2, but ${root} is not a writable control group v2 hierarchy with cpuset, memory and cpu (use auto or none)`);
    // At the top of the hierarchy runs go in <root>/qm; inside a delegated unit, beside the worker.
    const ownProcs = ownProcsFile(root, null);
    const own = path.dirname(ownProcs);
    return createCgroupV2(own === root ? root : path.dirname(own), instance, jobsProcessCap(), ownProcs);
  }
  if (setting === "cgroup1" || (setting === "auto" && v1())) {
    if (!v1()) throw new Error(`Limits = cgroup1, but ${root}/{memory,cpuset,cpuacct} are not writable control group v1 hierarchies${isRoot ? "" : " (the worker is not root)"} (use auto or none)`);
    return createCgroupV1(root, instance, jobsProcessCap());
  }
  return createRlimits();
}
