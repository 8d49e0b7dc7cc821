/** The worker's own capabilities, from /proc/self/status (CapEff): what a run's start may do as root. */
import fs from "node:fs";

/** unshare(CLONE_NEWIPC) and the like: the spawner gives each run its own IPC namespace with it. */
export const CAP_SYS_ADMIN = 21;

/** Whether this process has capability `bit` in effect (false where /proc says nothing). */
export function hasCapability(bit: number, status = "/proc/self/status"): boolean {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(status, "utf8"))?.[1];
    return hex !== undefined && ((BigInt(`0x${hex}`) >> BigInt(bit)) & 1n) === 1n;
  } catch {
    return false;
  }
}
