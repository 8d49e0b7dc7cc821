/** CPU time and memory of processes, from /proc (Linux). */
import fs from "node:fs";
import { runOf } from "../../worker/local/run-watch";

const TICKS = 100; // USER_HZ on Linux

function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/**
 * CPU seconds the whole machine has been busy since boot, all cores (/proc/stat: user, nice,
 * system, irq, softirq; not idle, iowait or the hypervisor's steal). A round's difference
 * is what every process of that round cost, whoever forked it.
 */
export function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / TICKS;
}

/** user + system CPU seconds of `pid` itself (`children`: of the children it has reaped). */
export function cpuSeconds(pid: number, whose: "self" | "children" = "self"): number {
  const f = statFields(pid);
  return whose === "self" ? (Number(f[11]) + Number(f[12])) / TICKS : (Number(f[13]) + Number(f[14])) / TICKS;
}

/** Resident memory in MB (VmRSS), or peak (VmHWM). */
export function rssMb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Proportional set size in MB: shared pages (the node binary) counted once across processes. */
export function pssMb(pid: number): number {
  const match = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

/** A job's process, its run's wrapper included (the worker's own rule, run-watch.ts), or one already gone. */
const isJobProcess = (pid: number) => runOf(pid).token !== null || !fs.existsSync(`/proc/${pid}`);

/** The worker's helper processes (the spawner...): its descendants that are not job runs. */
export function helpersOf(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    for (const child of childrenOf(p)) {
      if (isJobProcess(child)) continue;
      out.push(child);
      visit(child);
    }
  };
  visit(pid);
  return out;
}

/** Sample VmRSS every `everyMs` until stop() and return the maximum seen. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number } {
  let max = rssMb(pid);
  const timer = setInterval(() => {
    try {
      max = Math.max(max, rssMb(pid));
    } catch {
      // process gone
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}

/** The first process whose environment holds `entry` (NAME=value). */
export function processWithEnv(entry: string): number | undefined {
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (fs.readFileSync(`/proc/${p}/environ`, "utf8").split("\0").includes(entry)) return Number(p);
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}
