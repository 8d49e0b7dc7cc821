/**
 * The one module that reads environment variables. Every other module receives
 * these values as arguments or calls loadEnv().
 *
 * Checked by hand rather than with zod: every variable is an optional string, and zod
 * would be the largest module of the worker (about 8 MB of its resident memory).
 */
import fs from "node:fs";
import path from "node:path";
import type { MailEnv } from "../core/mail-settings";

const VARIABLES = [
  "QM_CONFIG", "QM_DATA", "DATABASE_URL", "QM_ADMIN_USER", "QM_ADMIN_PASSWORD", "QM_ADMIN_PASSWORD_FILE", "QM_PARENT_PID", "QM_PUBLIC_URL", "QM_SKIP_MIGRATE", "JOURNAL_STREAM",
] as const;

type RawEnv = Partial<Record<(typeof VARIABLES)[number], string>>;

function pick(source: NodeJS.ProcessEnv): RawEnv {
  const env: RawEnv = {};
  for (const name of VARIABLES) if (typeof source[name] === "string") env[name] = source[name];
  if (env.QM_PARENT_PID && !/^[1-9]\d*$/.test(env.QM_PARENT_PID)) throw new Error(`QM_PARENT_PID must be a process id, not "${env.QM_PARENT_PID}"`);
  return env;
}

/** Resolved settings from the environment, with their defaults applied. */
export interface QmEnv {
  /** Path of QMserv.cfg (QM_CONFIG, default ./QMserv.cfg). */
  configPath: string;
  /** Folder for the embedded database and the default QM_FOLDER (QM_DATA, default ./data). */
  dataDir: string;
  /** Prisma database URL (DATABASE_URL, default file:<dataDir>/qm.db). */
  databaseUrl: string;
  adminUser: string;
  /** When set, the administrator account is created (or its password reset) at start. */
  adminPassword?: string;
  /** Base URL put in mails (QM_PUBLIC_URL); otherwise built from Host and The_Port. */
  publicUrl?: string;
  /** Set by `npm start` for its children: it has already applied migrations. */
  skipMigrate: boolean;
  /** Set by `npm start` for its children: they stop when that process is gone. */
  parentPid?: number;
  /** stdout is systemd's journal (JOURNAL_STREAM names it): log lines carry their priority. */
  journald: boolean;
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): QmEnv {
  const env = pick(source);
  const cwd = process.cwd();
  const dataDir = path.resolve(/*turbopackIgnore: true*/ cwd, env.QM_DATA || "data");
  return {
    configPath: path.resolve(/*turbopackIgnore: true*/ cwd, env.QM_CONFIG || "QMserv.cfg"),
    dataDir,
    // An empty DATABASE_URL means "unset", hence || and not ??.
    databaseUrl: env.DATABASE_URL || `file:${path.join(dataDir, "qm.db")}`,
    adminUser: env.QM_ADMIN_USER || "admin",
    // A file keeps the password out of every process's environment (readable in /proc).
    adminPassword: env.QM_ADMIN_PASSWORD || (env.QM_ADMIN_PASSWORD_FILE ? fs.readFileSync(path.resolve(/*turbopackIgnore: true*/ cwd, env.QM_ADMIN_PASSWORD_FILE), "utf8").trim() : undefined) || undefined,
    publicUrl: env.QM_PUBLIC_URL || undefined,
    skipMigrate: env.QM_SKIP_MIGRATE === "1",
    parentPid: env.QM_PARENT_PID ? Number(env.QM_PARENT_PID) : undefined,
    journald: isJournal(env.JOURNAL_STREAM),
  };
}

/** Whether stdout is systemd's journal (JOURNAL_STREAM), for lines written before loadEnv() could run. */
export function writesToJournal(source: NodeJS.ProcessEnv = process.env): boolean {
  return isJournal(pick(source).JOURNAL_STREAM);
}

/** JOURNAL_STREAM is "device:inode" of the journal's socket; it counts only if stdout is that socket (not a pipe of `npm start`). */
function isJournal(stream: string | undefined): boolean {
  if (!stream) return false;
  try {
    const st = fs.fstatSync(1);
    return stream === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

/**
 * QM 0.4's mail fallbacks: the MailSender and MailSecretKey environment variables stand in
 * for the QMserv.cfg keys of the same names when those are absent. QM_GMAIL_SMTP_URL sends
 * those "Gmail" mails through another server (a relay, or a test server).
 */
export function loadMailEnv(source: NodeJS.ProcessEnv = process.env): MailEnv {
  const gmailUrl = source.QM_GMAIL_SMTP_URL || undefined;
  if (gmailUrl && !/^smtps?:\/\/[^/]+\/?$/.test(gmailUrl)) throw new Error("QM_GMAIL_SMTP_URL must look like smtp://host:port or smtps://host:port");
  return { MailSender: source.MailSender || undefined, MailSecretKey: source.MailSecretKey || undefined, gmailUrl };
}
