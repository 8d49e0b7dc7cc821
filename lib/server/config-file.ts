/**
 * QMserv.cfg on disk: read (writing a commented default when none exists), write
 * atomically keeping every comment and unknown key, and resolve QM_FOLDER.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError, isAppError } from "../core/app-error";
import { type IniDocument, parseIni, serializeIni } from "../core/config-parser";
import type { MailEnv } from "../core/mail-settings";
import { type QmConfig, defaultConfigText, readQmConfig } from "../core/qm-config";
import type { ArchivePlaces, ServiceFolder } from "../core/archive-folder-check";
import { databaseDialect, sqliteFilePath } from "./database-url";
import { loadEnv, loadMailEnv } from "./env";
import { realPathOf } from "./real-path";

export interface LoadedConfig {
  path: string;
  doc: IniDocument;
  config: QmConfig;
}

/** Read and check QMserv.cfg. When the file is missing, write the default first. */
export function loadConfigFile(configPath: string, defaultQmFolder: string): LoadedConfig {
  if (!fs.existsSync(configPath)) {
    fs.mkdirSync(path.dirname(configPath), { recursive: true });
    const relative = path.relative(path.dirname(configPath), defaultQmFolder) || ".";
    writeFileAtomic(configPath, defaultConfigText(relative));
  }
  return parseConfigText(configPath, fs.readFileSync(configPath, "utf8"));
}

/**
 * `error` (a value of QMserv.cfg a program cannot start with) naming the file by its path,
 * so that the administrator knows which file to fix: "/etc/qm/QMserv.cfg: Job_Uids ...".
 */
export function namingConfigFile(configPath: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(configPath)) return error as Error;
  const base = path.basename(configPath);
  const named = message.startsWith(base) ? `${configPath}${message.slice(base.length)}` : `${configPath}: ${message}`;
  return isAppError(error) ? new AppError(error.code, named, error.details) : new Error(named);
}

/** Parse and check QMserv.cfg's text; the mail keys fall back on the environment as in QM 0.4. */
export function parseConfigText(configPath: string, text: string, mailEnv: MailEnv = loadMailEnv()): LoadedConfig {
  const doc = parseIni(text, path.basename(configPath));
  const config = readQmConfig(doc, (p) => path.resolve(path.dirname(configPath), p), mailEnv, archivePlaces(configPath));
  return { path: configPath, doc, config };
}

/** The filesystem as Archive_Folder's check needs it: the service's folders and where links lead. */
export function archivePlaces(configPath: string): ArchivePlaces {
  return { serviceFolders: serviceFolders(configPath), realPath: realPathOf };
}

/** Where the service keeps its own data: no Archive_Folder there (lib/core/archive-folder-check.ts). */
function serviceFolders(configPath: string): ServiceFolder[] {
  const env = loadEnv();
  const folders: ServiceFolder[] = [
    { path: env.dataDir, name: "QueueManager's data folder (QM_DATA)" },
    { path: path.dirname(configPath), name: "the folder of QMserv.cfg" },
  ];
  if (databaseDialect(env.databaseUrl) === "sqlite" && sqliteFilePath(env.databaseUrl) !== ":memory:") {
    folders.push({ path: path.dirname(sqliteFilePath(env.databaseUrl)), name: "the database's folder (DATABASE_URL)" });
  }
  return folders;
}

export function saveConfigDoc(configPath: string, doc: IniDocument): void {
  writeFileAtomic(configPath, serializeIni(doc));
}

/**
 * Write to a temporary file beside the target, then rename over it. QMserv.cfg holds
 * passwords (smtp_password, MailSecretKey, Metrics_Token) and jobs may run as other uids:
 * the temporary file is created 0600, so it is never readable by others even for an
 * instant, and is given the replaced file's mode (and, as root, its owner) before the
 * content goes in, so an edit never undoes the 0600 the worker set at start. A new file
 * stays 0600.
 */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const old = statIfExists(file);
  // "wx": a file (or link) already at the temporary name is never followed nor removed.
  const fd = fs.openSync(tmp, "wx", 0o600);
  try {
    try {
      if (old) keepOwnerAndMode(fd, old);
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

function statIfExists(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The owner first: a change of owner may clear mode bits. Only root may give a file away. */
function keepOwnerAndMode(fd: number, old: fs.Stats): void {
  if (process.getuid?.() === 0 && (old.uid !== process.getuid() || old.gid !== process.getgid?.())) fs.fchownSync(fd, old.uid, old.gid);
  fs.fchmodSync(fd, old.mode & 0o7777);
}
