/** The CPUs this process may run on (its affinity), the default of CPU_List. */
import fs from "node:fs";
import os from "node:os";
import { parseCpuList } from "../../../lib/core/cpu-sets";

export function allowedCpus(): number[] {
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (line) return parseCpuList(line[1]);
  } catch {
    // not Linux: every CPU
  }
  return os.cpus().map((_, i) => i);
}
