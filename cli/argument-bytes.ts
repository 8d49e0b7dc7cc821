/**
 * The command line's arguments byte for byte. Node reads each argument as UTF-8 and puts
 * U+FFFD where a byte is not, so `qm cat 17 $'r\xe9sultat.txt'` (a file a Latin-1 system
 * named) reached the command as "r\uFFFDsultat.txt" and named nothing. On Linux the
 * arguments' bytes are in /proc/self/cmdline; an argument that holds U+FFFD is replaced by
 * the text of its bytes (lib/core/name-bytes.ts: each byte that is not UTF-8 as U+DC00 + the
 * byte), which the file commands send to the server as that very byte.
 */
import fs from "node:fs";
import { pathTextOf } from "../lib/core/name-bytes";

/**
 * `args` (process.argv after the script) with each argument that Node read with U+FFFD
 * replaced by the text of its bytes in `cmdline` (NUL-separated, the script's arguments
 * last). Where `cmdline` does not match `args` (another platform, a shorter list), `args`.
 */
export function argumentsWithTheirBytes(args: string[], cmdline: Buffer | null): string[] {
  if (!cmdline || !args.some((a) => a.includes("\uFFFD"))) return args;
  // Each argument ends with a NUL.
  const entries: Buffer[] = [];
  for (let start = 0, end; (end = cmdline.indexOf(0, start)) >= 0; start = end + 1) entries.push(cmdline.subarray(start, end));
  if (entries.length < args.length) return args;
  const own = entries.slice(entries.length - args.length);
  // Each entry must read as its argument did; else these are not its bytes.
  if (own.some((bytes, i) => bytes.toString("utf8") !== args[i])) return args;
  return args.map((arg, i) => (arg.includes("\uFFFD") ? pathTextOf(own[i]) : arg));
}

/** This process's command line (Linux), or null where there is none to read. */
export function ownCommandLine(): Buffer | null {
  try {
    return fs.readFileSync("/proc/self/cmdline");
  } catch {
    return null;
  }
}
