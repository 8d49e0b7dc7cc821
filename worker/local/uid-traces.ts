/**
 * Who is running and what they left behind, by uid: the identity pool hands out only uids
 * no process holds, and a run's end looks for the processes and temporary files of its uid.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { childPath } from "../../lib/server/open-beneath";
import { removeTree } from "../../lib/server/remove-tree";

/** Whose process `pid` is: its effective uid (the owner of /proc/<pid>), or null when it is gone. */
export function processOwner(pid: number | string): number | null {
  try {
    return fs.statSync(`/proc/${pid}`).uid;
  } catch {
    return null;
  }
}

/** The effective uids of every process, in one pass. */
export function processUids(): Set<number> {
  const uids = new Set<number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const uid = processOwner(entry);
    if (uid !== null) uids.add(uid);
  }
  return uids;
}

/** Pids of live processes whose effective uid is `uid`. */
export function processesOfUid(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (processOwner(entry) !== uid) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (!/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2))) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * The shared temporary folders a run may leave files in (their top level is what is swept),
 * /run/lock included: Debian makes it 1777 like /tmp; and /dev/mqueue, where systemd mounts
 * the POSIX message queues, which outlive their processes with their messages.
 */
export const TEMP_FOLDERS = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue"];

/** Each temporary folder's subfolders open to everyone, as listed at the folder's mtime. */
const listed = new Map<string, { mtimeMs: number; open: string[] }>();

/**
 * The subfolders of `dir` that are root's and anyone may write in: /tmp/.X11-unix,
 * .ICE-unix, .font-unix (systemd-tmpfiles makes them 1777 on Debian). A job writes there as
 * well as at the top, where /tmp's mtime does not show it. Root's only: in a sticky folder
 * nobody else can swap them for a link while they are swept. Listed again only when
 * `dir`'s entries changed (its mtime).
 */
function openSubfolders(dir: string, mtimeMs = mtimeOf(dir)): string[] {
  if (mtimeMs === null) return [];
  const known = listed.get(dir);
  if (known?.mtimeMs === mtimeMs) return known.open;
  const open: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    try {
      const stat = fs.lstatSync(full);
      if (stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o002) !== 0) open.push(full);
    } catch {
      // gone meanwhile
    }
  }
  listed.set(dir, { mtimeMs, open });
  return open;
}

/** The temporary folders and root's subfolders of them open to everyone: where a run's files are looked for. */
export function sharedFolders(folders = TEMP_FOLDERS): string[] {
  return folders.flatMap((dir) => [dir, ...openSubfolders(dir)]);
}

/**
 * True when no entry was made, renamed or removed at the top of any temporary folder, nor
 * of root's subfolders of them open to everyone, since `sinceMs` (their mtimes are older): a run
 * that lived within that time left nothing there. A job may set a folder's times only to
 * now (it does not own it), which counts as a change.
 */
export function tempFoldersUnchangedSince(sinceMs: number, folders = TEMP_FOLDERS): boolean {
  const unchanged = (mtimeMs: number | null) => mtimeMs === null || mtimeMs < sinceMs; // null: none here
  // The subfolders only of a folder whose entries did not change: their list is then the one kept.
  return folders.every((dir) => {
    const mtimeMs = mtimeOf(dir);
    return unchanged(mtimeMs) && openSubfolders(dir, mtimeMs).every((sub) => unchanged(mtimeOf(sub)));
  });
}

/** A folder's mtime, or null when it is not there. */
function mtimeOf(dir: string): number | null {
  try {
    return fs.statSync(dir).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * What these exclusive uids left in the shared temporary folders (at their top, and in
 * root's subfolders of them open to everyone): removed, so a later run with one of them finds nothing.
 */
export async function removeTempFilesOf(uids: Set<number>, folders = TEMP_FOLDERS, failed: (uid: number, file: string, error: Error) => void = () => {}): Promise<number> {
  let removed = 0;
  for (const tmp of sharedFolders(folders)) {
    // As bytes: a job's file whose name is not UTF-8 is found too.
    let names: Buffer[];
    try {
      names = await fs.promises.readdir(tmp, { encoding: "buffer" });
    } catch {
      continue;
    }
    for (const name of names) {
      const full = childPath(tmp, name);
      let uid: number;
      try {
        uid = (await fs.promises.lstat(full)).uid;
      } catch {
        continue; // gone meanwhile
      }
      if (!uids.has(uid)) continue;
      try {
        // Its folders may be open to others (a job can chmod 777 them): never followed into a link swapped in.
        await removeTree(full);
        removed++;
      } catch (error) {
        // Not gone (removeTree takes what vanishes meanwhile): the uid's file stays.
        failed(uid, full.toString(), error as Error);
      }
    }
  }
  return removed;
}

/**
 * /proc tables read at every run's end stay open: read again from offset 0, the kernel
 * makes the table anew (10 us here, against 38 us to open, read and close it each time).
 */
const openTables = new Map<string, number>();
const tableBuffer = Buffer.alloc(64 * 1024);

/** The text of a /proc table (another file is read as usual). */
function readProcTable(file: string): string {
  if (!file.startsWith("/proc/")) return fs.readFileSync(file, "latin1");
  let fd = openTables.get(file);
  if (fd === undefined) openTables.set(file, (fd = fs.openSync(file, "r")));
  const parts: string[] = [];
  for (let at = 0, n; (n = fs.readSync(fd, tableBuffer, 0, tableBuffer.length, at)) > 0; at += n) parts.push(tableBuffer.toString("latin1", 0, n));
  return parts.join("");
}

/** The System V IPC tables of this machine, with ipcrm's option for each kind. */
export const IPC_TABLES: Array<[table: string, option: string]> = [
  ["/proc/sysvipc/shm", "-m"],
  ["/proc/sysvipc/sem", "-s"],
  ["/proc/sysvipc/msg", "-q"],
];

/**
 * Remove the System V shared memory segments, semaphore sets and message queues that these
 * exclusive uids own or created. They outlive every process (until a reboot): left by a
 * run, a later run with the same pool uid, someone else's job, could read and write what
 * it put there, and the memory of a segment stays taken. Returns how many were removed.
 */
export function removeIpcObjectsOf(uids: Set<number>, tables = IPC_TABLES): number {
  const args: string[] = [];
  for (const [table, option] of tables) {
    let lines: string[];
    try {
      lines = readProcTable(table).trim().split("\n");
    } catch {
      continue; // no System V IPC here
    }
    const names = lines[0].trim().split(/\s+/);
    const [uid, cuid] = [names.indexOf("uid"), names.indexOf("cuid")];
    for (const line of lines.slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (uids.has(Number(fields[uid])) || uids.has(Number(fields[cuid]))) args.push(option, fields[1]);
    }
  }
  if (args.length === 0) return 0;
  try {
    execFileSync("ipcrm", args, { stdio: "ignore" });
  } catch {
    // one was gone meanwhile: ipcrm still removed the others
  }
  return args.length / 2;
}
