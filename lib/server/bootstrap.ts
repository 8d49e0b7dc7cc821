/**
 * What both programs do before they serve or run anything: read the environment and
 * QMserv.cfg (writing the default), create the QM_* folders, apply pending migrations
 * and create the administrator account when QM_ADMIN_PASSWORD is set.
 * Used by scripts and the worker (run with tsx), never by the Next server itself.
 */
import fs from "node:fs";
import path from "node:path";
import { applyMigrations } from "../../prisma/tools/schema-engine";
import { type LoadedConfig, loadConfigFile } from "./config-file";
import { type QmEnv, loadEnv } from "./env";
import { ensureQmFolders, qmLayout } from "./qm-folders";
import { createDb, enableWal } from "./db";
import { importHistoryAtFirstStart } from "./history/history-runs";
import type { ImportReport } from "./history/import-history";
import { hashPassword } from "./password";
import { findProjectRoot } from "./project-root";
import { createJobStore } from "./store/job-store";
import { openSql } from "./store/sql";

export interface Prepared {
  env: QmEnv;
  loaded: LoadedConfig;
  appliedMigrations: string[];
  /** The history import of the first start (folders already in QM_dJobs / QM_lost+found), if it ran. */
  historyImport: ImportReport | null;
}

/** The folder of QueueManager's package.json (this file may run from a bundle in dist/). */
export const projectRoot = findProjectRoot(import.meta.dirname);

export async function prepare(source: NodeJS.ProcessEnv = process.env): Promise<Prepared> {
  const env = loadEnv(source);
  const loaded = loadConfigFile(env.configPath, path.join(env.dataDir, "QM"));
  ensureQmFolders(qmLayout(loaded.config.qmFolder));
  // `npm start` migrates once before it starts the web server and the worker.
  const migrate = !env.skipMigrate;
  if (migrate) enableWal(env.databaseUrl);
  const appliedMigrations = migrate ? await applyMigrations(projectRoot, env.databaseUrl) : [];
  const historyImport = migrate ? await importAtFirstStart(env, loaded) : null;
  if (env.adminPassword && migrate) {
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
  return { env, loaded, appliedMigrations, historyImport };
}

async function importAtFirstStart(env: QmEnv, loaded: LoadedConfig): Promise<ImportReport | null> {
  const db = createDb(env.databaseUrl);
  const store = createJobStore(openSql(env.databaseUrl));
  try {
    return await importHistoryAtFirstStart(db, { store, layout: qmLayout(loaded.config.qmFolder), jobFile: loaded.config.jobFile });
  } finally {
    await store.sql.close();
    await db.$disconnect();
  }
}
