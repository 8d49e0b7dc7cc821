/**
 * How many processes (threads included) all the jobs of a worker may have together: half of
 * kernel.pid_max, read at start. However its jobs fork, the rest of the machine (the worker,
 * sshd, people's logins) keeps the other half of its pids. The pids controller of control
 * groups holds it where there is one (cgroup-v1.ts, cgroup-v2.ts); docs/limits.md.
 */
import { readNumber } from "./cgroup-files";

/** The kernel's own default, for a machine where the file cannot be read. */
const DEFAULT_PID_MAX = 32_768;

export function jobsProcessCap(pidMaxFile = "/proc/sys/kernel/pid_max"): number {
  return Math.floor((readNumber(pidMaxFile) ?? DEFAULT_PID_MAX) / 2);
}
