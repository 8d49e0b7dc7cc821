/** Process liveness and process-group signals (Linux /proc). */
import fs from "node:fs";

/** True when `pid` exists and is not a zombie (PID 1 here may not reap). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Pids of the live (non-zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  if (pgid <= 1) return members;
  try {
    process.kill(-pgid, 0);
  } catch {
    return members; // no process in the group at all: no need to look through /proc
  }
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[0] = state, fields[2] = pgrp
      if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/** Send `signal` to every process of group `pgid`; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  // -0 would signal our own group and -1 every process we may signal: never.
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** What one pass over /proc says about a process group (sampled, not exact). */
export interface GroupSample {
  rssKb: number;
  hwmKb: number;
  /** user+system of its live processes and of the children they reaped (CLK_TCK 100). */
  cpuSeconds: number;
}

/** Memory and CPU of each watched process group, from one pass over /proc. */
export function sampleGroups(pgids: Set<number>): Map<number, GroupSample> {
  const out = new Map<number, GroupSample>();
  if (!pgids.size) return out;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pgrp = Number(fields[2]);
      if (!pgids.has(pgrp)) continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      const sum = out.get(pgrp) ?? { rssKb: 0, hwmKb: 0, cpuSeconds: 0 };
      out.set(pgrp, { rssKb: sum.rssKb + rss, hwmKb: Math.max(sum.hwmKb, hwm), cpuSeconds: sum.cpuSeconds + ticks / 100 });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/**
 * Live processes whose environment has QM_JOB_DIR inside `runningDir`, by job folder.
 * This is how jobs started by an earlier worker are found (pids may have been reused).
 */
export function findJobProcesses(runningDir: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const prefix = `QM_JOB_DIR=${runningDir}/`;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      const line = env.find((l) => l.startsWith(prefix));
      if (!line || !isProcessAlive(Number(entry))) continue;
      const dir = line.slice("QM_JOB_DIR=".length);
      out.set(dir, [...(out.get(dir) ?? []), Number(entry)]);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

/** The process group and session of `pid`, from one read of /proc/<pid>/stat (0s when it is gone). */
export function groupAndSessionOf(pid: number): { group: number; session: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // state, ppid, pgrp, session...
    return { group: Number(fields[2]), session: Number(fields[3]) };
  } catch {
    return { group: 0, session: 0 };
  }
}

/** The process group of `pid` (0 when it is gone). */
export const groupOf = (pid: number): number => groupAndSessionOf(pid).group;
