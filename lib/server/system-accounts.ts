/**
 * Uids of this machine's accounts by name, from /etc/passwd (where system accounts such as
 * www-data live; no NSS lookup is made). Read again when the file changes.
 */
import fs from "node:fs";

export const PASSWD_FILE = "/etc/passwd";

let cached: { file: string; mtimeMs: number; uids: Map<string, number> } | undefined;

function accounts(file: string): Map<string, number> {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return new Map();
  }
  if (cached?.file === file && cached.mtimeMs === mtimeMs) return cached.uids;
  const uids = new Map<string, number>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const [name, , uid] = line.split(":");
    if (name && uid !== undefined && /^\d+$/.test(uid)) uids.set(name, Number(uid));
  }
  cached = { file, mtimeMs, uids };
  return uids;
}

/** The uids of those of `names` that exist (unknown names are left out). */
export function uidsOfAccounts(names: string[], file = PASSWD_FILE): Set<number> {
  const all = accounts(file);
  return new Set(names.flatMap((name) => (all.has(name) ? [all.get(name)!] : [])));
}

/** The name /etc/passwd gives a uid, or null. */
export function accountNameOf(uid: number, file = PASSWD_FILE): string | null {
  for (const [name, id] of accounts(file)) if (id === uid) return name;
  return null;
}

/** `name (uid N)` of a uid, or `uid N` when /etc/passwd does not name it: for messages. */
export function describeUid(uid: number, file = PASSWD_FILE): string {
  const name = accountNameOf(uid, file);
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
}
