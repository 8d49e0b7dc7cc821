/**
 * Per-process access to the database and QMserv.cfg for route handlers and server
 * components. The config is re-read when the file changes, except the keys the web
 * server reads only at start (QM_FOLDER, Host, The_Port: lib/core/startup-keys.ts),
 * which keep the values of the first reading until the server restarts.
 */
import fs from "node:fs";
import path from "node:path";
import { type Db, createDb } from "../server/db";
import { type LoadedConfig, loadConfigFile } from "../server/config-file";
import { parseConfigAgain, readConfigAgain } from "../server/config-reload";
import { streamLogger } from "../server/logger";
import { loadEnv, type QmEnv } from "../server/env";
import { type QmConfig, configWarnings } from "../core/qm-config";
import { type PendingRestart, keepStartupValues, pendingRestarts, pendingRestartsOf } from "../core/startup-keys";
import { readWorkerSetup } from "../server/store/worker-status";
import { qmLayout, type QmLayout } from "../server/qm-folders";
import { type JobStore, createJobStore } from "../server/store/job-store";
import { openSql } from "../server/store/sql";
import { type StateCounts, createStateCounts } from "../server/store/state-counts";
import { type JobStatsCache, createJobStatsCache } from "../server/stats/job-stats-cache";

interface Context {
  env: QmEnv;
  db: Db;
  /** Every write of a job row goes through here (lib/server/store). */
  store: JobStore;
  /** Jobs per state, kept while the jobs version stays put (the header and the lists' totals). */
  counts: StateCounts;
  /** The statistics, kept the same way (the statistics page). */
  stats: JobStatsCache;
  /** The file as last read (`loaded`: with the start-up values kept; `inFile`: as written). */
  config?: { mtimeMs: number; loaded: LoadedConfig; inFile: QmConfig };
  /** The settings of the first reading: what this server was started with. */
  started?: QmConfig;
  /** The mtime of a file that did not read: said once, not at every request until it is fixed. */
  refusedMtimeMs?: number;
}

const globalKey = Symbol.for("qm.web.context");
type WithContext = typeof globalThis & { [globalKey]?: Context };

function context(): Context {
  const g = globalThis as WithContext;
  if (!g[globalKey]) {
    const env = loadEnv();
    const store = createJobStore(openSql(env.databaseUrl));
    const db = createDb(env.databaseUrl);
    g[globalKey] = { env, db, store, counts: createStateCounts(store.sql), stats: createJobStatsCache(db, store.sql) };
  }
  return g[globalKey]!;
}

export function getDb(): Db {
  return context().db;
}

export function getStore(): JobStore {
  return context().store;
}

export function getJobStatsCache(): JobStatsCache {
  return context().stats;
}

export function getStateCounts(): StateCounts {
  return context().counts;
}

export function getEnv(): QmEnv {
  return context().env;
}

/**
 * The current QMserv.cfg; an invalid edit on disk, or a file gone missing, keeps the last
 * good version. Only the first reading writes the default file when there is none (the
 * program's start, as `prepare()` does); a reading again never does (lib/server/config-reload.ts).
 */
export function getConfig(): LoadedConfig {
  const ctx = context();
  const mtimeMs = fs.existsSync(ctx.env.configPath) ? fs.statSync(ctx.env.configPath).mtimeMs : -1;
  if (!ctx.config || (ctx.config.mtimeMs !== mtimeMs && ctx.refusedMtimeMs !== mtimeMs)) {
    try {
      const loaded = ctx.config
        ? parseConfigAgain(ctx.env.configPath, readConfigAgain(ctx.env.configPath), ctx.config.inFile)
        : loadConfigFile(ctx.env.configPath, path.join(ctx.env.dataDir, "QM"));
      ctx.started ??= loaded.config;
      ctx.config = { mtimeMs, inFile: loaded.config, loaded: { ...loaded, config: keepStartupValues(loaded.config, ctx.started, "web") } };
      ctx.refusedMtimeMs = undefined;
      for (const warning of configWarnings(loaded.doc)) streamLogger({ journald: ctx.env.journald, debugEnabled: () => false }).warn(`QMserv.cfg: ${warning}`);
    } catch (error) {
      if (!ctx.config) throw error;
      // Several reads per request, a dashboard every Refresh_Rate: once per version of the file.
      ctx.refusedMtimeMs = mtimeMs;
      streamLogger({ journald: ctx.env.journald, debugEnabled: () => false }).warn(`QMserv.cfg is invalid or missing, keeping the previous settings until it is fixed: ${(error as Error).message}`);
    }
  }
  return ctx.config!.loaded;
}

/** The settings of the last QMserv.cfg this server accepted (as in the file: start-only keys included), which a file read again is judged against. */
export function getConfigInForce(): QmConfig {
  getConfig();
  return context().config!.inFile;
}

/**
 * Keys saved in QMserv.cfg that wait for a restart: of this server (its own values), or of
 * the worker (the values its heartbeat recorded; none before a worker has run).
 */
export async function getPendingRestarts(): Promise<PendingRestart[]> {
  const loaded = getConfig();
  const inFile = context().config!.inFile;
  const web = pendingRestarts(inFile, loaded.config, "web");
  const { startup } = await readWorkerSetup(context().store.sql);
  const worker = startup ? pendingRestartsOf(inFile, startup, "worker") : [];
  // QM_FOLDER waits for both: said once, with the web server's value.
  return [...web, ...worker.filter((w) => !web.some((p) => p.id === w.id))];
}

export function getLayout(): QmLayout {
  return qmLayout(getConfig().config.qmFolder);
}
