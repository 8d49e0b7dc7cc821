/**
 * This machine's name, as people elsewhere in the lab would type it: for the links in mails
 * when the web server listens on every address (Host = 0.0.0.0 or ::, which no browser can
 * open), and for the names the web answers to (lib/web/host-check.ts), so that such a link
 * is always one the server accepts. The full name (compute.lab.org) when os.hostname() is
 * only the short one and /etc/hosts gives it; never a DNS query, which can hang for seconds
 * where DNS is broken. QM_PUBLIC_URL says the exact address when this guess is wrong.
 */
import fs from "node:fs";
import os from "node:os";

/** The full name /etc/hosts gives `short` (`127.0.1.1 compute.lab.org compute`, Debian's way), or null. */
export function fullNameIn(hostsText: string, short: string): string | null {
  for (const line of hostsText.split("\n")) {
    const names = line.replace(/#.*/, "").trim().split(/\s+/).slice(1).map((n) => n.toLowerCase());
    if (!names.includes(short)) continue;
    const full = names.find((n) => n.startsWith(`${short}.`));
    if (full) return full;
  }
  return null;
}

let cached: string | undefined;

/** The machine's name, lower case: its full name where known, else os.hostname(). */
export function machineName(): string {
  if (cached !== undefined) return cached;
  const short = os.hostname().toLowerCase();
  let full: string | null = null;
  if (!short.includes(".")) {
    try {
      full = fullNameIn(fs.readFileSync("/etc/hosts", "utf8"), short);
    } catch {
      // No /etc/hosts: the short name.
    }
  }
  cached = full ?? short;
  return cached;
}

/** Every name of this machine the web answers to: os.hostname() and the full name. */
export function machineNames(): string[] {
  return [...new Set([os.hostname().toLowerCase(), machineName()])];
}
