/**
 * QMserv.cfg read again while a program runs (the worker's watch, the web server's next
 * request). Two rules the first reading does not have:
 * - a missing file is never replaced by the default (only a program's first start writes
 *   it, lib/server/config-file.ts): someone moved it aside, and the defaults would stop
 *   the queue, switch mail off and lose the secrets. The previous settings stay.
 * - the file passes the admin page's check too (lib/core/config-edit-problems.ts), for
 *   what changed since the settings in force: a hand edit the editor would refuse
 *   (`Job_Uids = 10-20`, a Default_Mem above Max_Mem, a Host the web server could not
 *   start on) is refused as a whole, with the problems named, instead of being applied
 *   and stopping the worker at its next start.
 */
import fs from "node:fs";
import os from "node:os";
import { AppError } from "../core/app-error";
import { configEditProblems } from "../core/config-edit-problems";
import type { QmConfig } from "../core/qm-config";
import { allowedCpus } from "./allowed-cpus";
import { type LoadedConfig, parseConfigText } from "./config-file";

/** This machine as the edit checks see it: the CPUs QueueManager may use and its network addresses. */
export function thisMachine(): { cpus: number[]; addresses: string[] } {
  return { cpus: allowedCpus(), addresses: machineAddresses() };
}

/** This machine's network addresses, as a listen() on them would accept (IPv6 without its zone). */
function machineAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address.replace(/%.*$/, "")));
}

/**
 * The text of QMserv.cfg, or an INVALID_STATE error saying it is missing (not written again: see above).
 * Other read errors are thrown as they are.
 */
export function readConfigAgain(configPath: string): string {
  try {
    return fs.readFileSync(configPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new AppError("INVALID_STATE", `${configPath} is missing (moved or removed?); nothing is written in its place: put it back`);
  }
}

/**
 * Parse and check `text`, read again while `inForce` runs. Throws, naming the file and
 * every problem, when the file does not parse or has a problem the settings in force did
 * not have: a value left from before (typed by hand and accepted at start) never blocks
 * another change, as on the admin page.
 */
export function parseConfigAgain(configPath: string, text: string, inForce: QmConfig): LoadedConfig {
  const loaded = parseConfigText(configPath, text);
  const machine = thisMachine();
  const before = new Set(configEditProblems(inForce, machine).map((p) => p.message));
  const problems = configEditProblems(loaded.config, machine).filter((p) => !before.has(p.message));
  if (problems.length) throw new Error(`${configPath}: ${problems.map((p) => p.message).join("; ")}`);
  return loaded;
}
