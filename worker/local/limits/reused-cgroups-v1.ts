/**
 * A v1 run's memory and cpuacct cgroups, handed on to a later run instead of removed and
 * made again. Making and removing a memory cgroup is the dearest cgroup step of a short
 * run (a mkdir and an rmdir in each hierarchy, 0.13 ms of the worker's time warm and
 * 0.3-0.4 ms cold, plus the kernel's deferred freeing); renaming an emptied one to the
 * next run's token and zeroing its counters costs a third of that.
 *
 * A pair is kept only when nothing of its run is left in it, the kernel killed nothing
 * in it for memory (that count cannot be reset), and at most REUSE_MAX_BYTES stay
 * charged to it (page cache its run's files left, which stays charged until reclaimed):
 * so a later run's figures are its own, give or take that much memory, and its CPU time
 * is exact. It waits under its run's token with its run's counters (a worker that dies
 * before it has recorded that run's end reads them after its restart); the next run takes
 * it renamed, its limits back to none and its peak and CPU counters at zero. At most KEPT
 * pairs wait; the others are removed as before. One left by a worker that died is an
 * empty cgroup of a run that is over, which the next start-up sweep removes.
 */
import fs from "node:fs";
import path from "node:path";
import { readKeyed, readNumber, readPids, removeCgroup, write } from "./cgroup-files";
import type { FinalReading } from "./confinement";

/** Charged memory a kept pair may still hold (the kernel's per-CPU charge batches alone are up to 256 KiB a CPU). */
export const REUSE_MAX_BYTES = 1024 * 1024;
const KEPT = 2;

export interface RunCgroups {
  /**
   * The run `token`'s folders in both hierarchies: a kept pair renamed, or made now; with no
   * memory limit (`limited`: the caller sets one next).
   */
  make(token: string, limited: boolean): void;
  /** The run is over: keep its pair for a later run when clean, else remove it (false: processes are left in it). */
  retire(token: string, final?: FinalReading): boolean;
  /** Names of the pairs kept now (a start-up sweep leaves them). */
  kept(): Set<string>;
  /** Remove the kept pairs (the worker stops). */
  release(): void;
}

/** `swap`: whether the kernel accounts swap (cgroup-files.ts accountsSwap). */
export function reusedCgroupsV1(memoryBase: string, cpuacctBase: string, swap: boolean): RunCgroups {
  const bases = [memoryBase, cpuacctBase];
  /** Pairs waiting for a run; `limited`: a memory limit may be set on it (unknown counts as set). */
  const kept: { name: string; limited: boolean }[] = [];
  /** Runs of this worker made with no memory limit: their pair needs none lifted. */
  const unlimited = new Set<string>();
  const remove = (name: string) => {
    unlimited.delete(name);
    return bases.map((b) => removeCgroup(path.join(b, name))).every(Boolean);
  };

  /**
   * Whether `name` may go to another run: nothing left in it (not even a zombie), no memory
   * kill, little charged. `final`: the counts read once its run was over, not read again.
   */
  const clean = (name: string, final?: FinalReading): boolean => {
    const memory = path.join(memoryBase, name);
    if (readPids(path.join(memory, "cgroup.procs")).length) return false;
    if (final?.usage) return final.oomKills === 0 && final.usage.memoryKb * 1024 <= REUSE_MAX_BYTES;
    if (readPids(path.join(cpuacctBase, name, "cgroup.procs")).length) return false;
    if ((readKeyed(path.join(memory, "memory.oom_control"), "oom_kill") ?? 1) !== 0) return false;
    return (readNumber(path.join(memory, "memory.usage_in_bytes")) ?? Infinity) <= REUSE_MAX_BYTES;
  };

  /** A kept pair, renamed to `token`: no limit, counters at zero. */
  const reset = (token: string, limited: boolean): void => {
    const memory = path.join(memoryBase, token);
    if (limited) {
      // memsw >= limit must hold: the swap limit is raised first.
      if (swap) write(path.join(memory, "memory.memsw.limit_in_bytes"), "-1");
      write(path.join(memory, "memory.limit_in_bytes"), "-1");
    }
    write(path.join(memory, "memory.max_usage_in_bytes"), "0");
    if (swap) write(path.join(memory, "memory.memsw.max_usage_in_bytes"), "0");
    write(path.join(cpuacctBase, token, "cpuacct.usage"), "0");
  };

  return {
    make(token, limited) {
      const pair = kept.pop();
      let taken = false;
      if (pair) {
        try {
          for (const b of bases) fs.renameSync(path.join(b, pair.name), path.join(b, token));
          reset(token, pair.limited);
          taken = true;
        } catch {
          remove(pair.name); // made below instead
          remove(token);
        }
      }
      if (!taken) for (const b of bases) fs.mkdirSync(path.join(b, token), { recursive: true });
      if (!limited) unlimited.add(token);
    },
    retire(token, final) {
      try {
        // Its counters stay as the run left them until another run takes it: a worker that
        // dies before it has recorded the run's end reads them again after its restart.
        if (kept.length < KEPT && clean(token, final)) {
          kept.push({ name: token, limited: !unlimited.delete(token) });
          return true;
        }
      } catch {
        // removed below
      }
      return remove(token);
    },
    kept: () => new Set(kept.map((p) => p.name)),
    release() {
      for (const pair of kept.splice(0)) remove(pair.name);
    },
  };
}
