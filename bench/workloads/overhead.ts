/** Resident memory of the worker with its helper processes, and of the web server. */
import type { QmInstance } from "../lib/qm-instance";
import { helpersOf, pssMb, rssMb } from "../lib/proc";
import { round } from "../lib/stats";

export interface WorkerMemory {
  /** VmRSS of the worker plus its helpers (what the target counts). */
  totalMb: number;
  workerMb: number;
  helpers: { pid: number; mb: number }[];
  /** Proportional set sizes summed: the node binary's pages, shared, counted once. */
  pssMb: number;
}

export function workerMemory(qm: QmInstance): WorkerMemory {
  const pid = qm.worker!.pid!;
  const helpers = helpersOf(pid).map((p) => ({ pid: p, mb: rssMb(p) }));
  const workerMb = rssMb(pid);
  return { workerMb, helpers, totalMb: workerMb + helpers.reduce((a, h) => a + h.mb, 0), pssMb: [pid, ...helpers.map((h) => h.pid)].reduce((a, p) => a + pssMb(p), 0) };
}

export const describeMemory = (m: WorkerMemory) =>
  `worker ${round(m.workerMb)} MB${m.helpers.map((h) => ` + helper ${round(h.mb)} MB`).join("")}; PSS ${round(m.pssMb)} MB`;

export const webMemory = (qm: QmInstance) => rssMb(qm.web!.pid!);
