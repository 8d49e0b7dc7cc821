/**
 * A consistent copy of the SQLite database while QueueManager runs: `VACUUM INTO` writes the
 * database as one read transaction saw it (in WAL mode the web app and the worker go on
 * writing meanwhile), compacted, to a temporary name; the copy is checked (integrity_check)
 * and only then renamed into place, readable by its owner only (it holds password hashes).
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { formatBytes } from "../../core/format";
import { FINISHED_STATES } from "../../core/job-lifecycle";
import { sqliteFilePath } from "../database-url";

export interface SqliteBackup {
  file: string;
  bytes: number;
  /** Rows in the copy: jobs, and those in a finished state. */
  jobs: number;
  finishedJobs: number;
}

const FINISHED = `(${FINISHED_STATES.map((s) => `'${s}'`).join(", ")})`;

/** Open a backup (or any copy) read-only and say what it holds; throws when it is damaged. */
export function checkSqliteCopy(file: string): Omit<SqliteBackup, "file" | "bytes"> {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const problems = copy.pragma("integrity_check", { simple: false }) as { integrity_check: string }[];
    if (problems.length !== 1 || problems[0].integrity_check !== "ok") throw new Error(`${file} is damaged: ${problems.map((p) => p.integrity_check).join("; ")}`);
    const count = (where: string) => (copy.prepare(`SELECT COUNT(*) AS "n" FROM "Job" ${where}`).get() as { n: number }).n;
    return { jobs: count(""), finishedJobs: count(`WHERE "state" IN ${FINISHED}`) };
  } finally {
    copy.close();
  }
}

export function backupSqlite(databaseUrl: string, file: string): SqliteBackup {
  const source = sqliteFilePath(databaseUrl);
  if (!fs.existsSync(source)) throw new Error(`there is no database at ${source} (DATABASE_URL / QM_DATA)`);
  if (fs.existsSync(file)) throw new Error(`${file} exists already; choose another name`);
  const made = fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  // Made empty and 0600 first (VACUUM INTO fills an empty file): a copy being written is
  // never readable by others, wherever FILE is.
  fs.closeSync(fs.openSync(partial, "wx", 0o600));
  try {
    copyInto(source, partial);
    keepOwner(source, made, partial);
    const held = checkSqliteCopy(partial);
    fs.renameSync(partial, file);
    return { file, bytes: fs.statSync(file).size, ...held };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * VACUUM INTO, with a full disk said as such: a failed copy is removed by the caller (each
 * night's failure left a partial copy behind, on a disk that was already full).
 */
function copyInto(source: string, partial: string): void {
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 30_000 });
  try {
    db.prepare("VACUUM INTO ?").run(partial);
  } catch (error) {
    if ((error as { code?: string }).code !== "SQLITE_FULL") throw error;
    const dir = path.dirname(partial);
    const { bavail, bsize } = fs.statfsSync(dir);
    throw new Error(
      `the disk of ${dir} is full (${formatBytes(bavail * bsize)} free; the database takes ${formatBytes(fs.statSync(source).size)}): free some space there, or write the copy to another disk (npm run db:backup -- /other/disk/qm.db)`,
    );
  } finally {
    db.close();
  }
}

/**
 * Run by root (`npm run db:backup` typed in a root shell), the copy and the folders made for
 * it belong to the database's owner, as they do when qm-backup.service (User=qm) makes them:
 * a root-owned 0700 backups/ would make every later nightly backup fail (EACCES).
 */
function keepOwner(source: string, made: string | undefined, copy: string): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = fs.statSync(source);
  fs.chownSync(copy, uid, gid);
  if (!made) return;
  for (let dir = path.dirname(copy); ; dir = path.dirname(dir)) {
    fs.chownSync(dir, uid, gid);
    if (dir === made || dir === path.dirname(dir)) break;
  }
}
