/**
 * The CPUs this process may run on (its affinity): the worker's default for CPU_List, and
 * what the admin page checks a CPU_List edit against (both programs run on this machine,
 * under the same service settings), so that a CPU the machine lacks is refused when saved
 * rather than failing every job.
 */
import fs from "node:fs";
import os from "node:os";
import { parseCpuList } from "../core/cpu-sets";

export function allowedCpus(): number[] {
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (line) return parseCpuList(line[1]);
  } catch {
    // not Linux: every CPU
  }
  return os.cpus().map((_, i) => i);
}
