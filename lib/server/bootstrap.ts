/**
 * What both programs do before they serve or run anything: read the environment and
 * QMserv.cfg (writing the default), create the QM_* folders, apply pending migrations
 * and create the administrator account when QM_ADMIN_PASSWORD is set.
 * Used by scripts and the worker, never by the Next server itself.
 *
 * The migration engine and Prisma are imported only when they are used: the worker
 * started by `npm start` (QM_SKIP_MIGRATE=1) never loads them, which keeps it about
 * 8 MB smaller for its whole life (the worker reads and writes jobs in plain SQL).
 */
import fs from "node:fs";
import path from "node:path";
import { type LoadedConfig, loadConfigFile, namingConfigFile } from "./config-file";
import { type QmEnv, loadEnv } from "./env";
import { formatLogLine } from "./logger";
import { protectServiceFiles } from "./protect-files";
import { type QmLayout, ensureQmFolders, qmLayout } from "./qm-folders";
import type { ImportReport } from "./history/import-history";
import { findProjectRoot } from "./project-root";

export interface Prepared {
  env: QmEnv;
  loaded: LoadedConfig;
  appliedMigrations: string[];
  /** The history import of the first start (folders already in QM_dJobs / QM_lost+found), if it ran. */
  historyImport: ImportReport | null;
}

/** The folder of QueueManager's package.json (this file may run from a bundle in dist/). */
export const projectRoot = findProjectRoot(import.meta.dirname);

/** prepare()'s own lines (a mode it changed), as the programs' log lines are: time and level, or the journal's priority. */
const startLog = (env: QmEnv) => (message: string) => console.log(formatLogLine({ level: "info", message, at: new Date() }, { journald: env.journald }));

/** Options of prepare(). */
export interface PrepareOptions {
  /**
   * The worker makes the QM_* folders itself once it holds the QM_FOLDER's lock
   * (worker/create-worker.ts): a worker refused because another one runs there changes nothing.
   */
  foldersMadeByWorker?: boolean;
}

export async function prepare(source: NodeJS.ProcessEnv = process.env, opts: PrepareOptions = {}): Promise<Prepared> {
  const env = loadEnv(source);
  let loaded: LoadedConfig;
  try {
    loaded = loadConfigFile(env.configPath, path.join(env.dataDir, "QM"));
  } catch (error) {
    throw namingConfigFile(env.configPath, error);
  }
  const layout = qmLayout(loaded.config.qmFolder);
  if (!opts.foldersMadeByWorker) ensureQmFolders(layout);
  // `npm start` migrates once before it starts the web server and the worker.
  if (env.skipMigrate) {
    protectServiceFiles(layout, env.configPath, env.databaseUrl, startLog(env));
    return { env, loaded, appliedMigrations: [], historyImport: null };
  }
  const { createDb, enableWal } = await import("./db");
  const { applyMigrations } = await import("../../prisma/tools/schema-engine");
  enableWal(env.databaseUrl);
  const appliedMigrations = await applyMigrations(projectRoot, env.databaseUrl);
  await assertSameFolder(env, layout);
  // The history import reads the queues: a QM_FOLDER that never had a worker (no .qm, so no
  // lock to respect) gets them now; the worker makes them elsewhere once it holds the lock.
  if (opts.foldersMadeByWorker && !fs.existsSync(layout.internal)) ensureQmFolders(layout);
  const historyImport = await importAtFirstStart(env, loaded);
  if (env.adminPassword) {
    const { hashPassword } = await import("./password");
    const db = createDb(env.databaseUrl);
    try {
      const passwordHash = await hashPassword(env.adminPassword);
      await db.user.upsert({
        where: { username: env.adminUser },
        create: { username: env.adminUser, passwordHash, role: "admin" },
        update: { passwordHash, role: "admin", disabled: false },
      });
    } finally {
      await db.$disconnect();
    }
  }
  // The database exists now: no account of the machine may read it (password hashes).
  protectServiceFiles(layout, env.configPath, env.databaseUrl, startLog(env));
  return { env, loaded, appliedMigrations, historyImport };
}

/**
 * On PostgreSQL, a host whose QM_FOLDER is not the database's folder (the shared folder not
 * named in its QMserv.cfg) stops here: its web server would take uploads where no worker looks.
 */
async function assertSameFolder(env: QmEnv, layout: QmLayout): Promise<void> {
  const [{ databaseDialect }, { assertDatabaseFolder }, { openSql }] = await Promise.all([import("./database-url"), import("./database-folder"), import("./store/sql")]);
  if (databaseDialect(env.databaseUrl) !== "postgresql") return;
  const sql = openSql(env.databaseUrl);
  try {
    await assertDatabaseFolder(sql, layout);
  } finally {
    await sql.close();
  }
}

async function importAtFirstStart(env: QmEnv, loaded: LoadedConfig): Promise<ImportReport | null> {
  const [{ createDb }, { importHistoryAtFirstStart }, { createJobStore }, { openSql }] = await Promise.all([
    import("./db"), import("./history/history-runs"), import("./store/job-store"), import("./store/sql"),
  ]);
  const db = createDb(env.databaseUrl);
  const store = createJobStore(openSql(env.databaseUrl));
  try {
    return await importHistoryAtFirstStart(db, { store, layout: qmLayout(loaded.config.qmFolder), jobFile: loaded.config.jobFile });
  } finally {
    await store.sql.close();
    await db.$disconnect();
  }
}
