/**
 * Assemble a worker from its settings: the QM_FOLDER lock, QMserv.cfg watched, the job
 * store, the executor and the runner. main.ts and the tests build workers the same way.
 * On PostgreSQL the worker also holds its own database session (pg-session.ts): the
 * folder's lock across hosts and the web app's wake-ups.
 */
import fs from "node:fs";
import path from "node:path";
import type { QmConfig } from "../lib/core/qm-config";
import { namingConfigFile, parseConfigText } from "../lib/server/config-file";
import { assertDatabaseFolder, claimDatabaseFolder } from "../lib/server/database-folder";
import { cannotOpenDatabase, databaseDialect } from "../lib/server/database-url";
import { isDatabaseUnreachable } from "../lib/server/database-errors";
import { type LogInput, toLog } from "../lib/server/logger";
import { type QmLayout, ensureQmFolders, qmLayout } from "../lib/server/qm-folders";
import { createJobStore } from "../lib/server/store/job-store";
import { openSql } from "../lib/server/store/sql";
import { watchConfigFile } from "./config-watch";
import { formatCpuList } from "../lib/core/cpu-sets";
import { type GpuSetup, SLURM_GPUS, detectGpus, findNvidiaSmi } from "./gpus/detect-gpus";
import { createIdentityPool } from "./local/identity";
import { allowedCpus } from "../lib/server/allowed-cpus";
import { detectLimits } from "./local/limits/detect-limits";
import { folderId } from "./folder-id";
import { createLocalExecutor } from "./local/local-executor";
import { type SlurmExecutorOptions, createSlurmExecutor } from "./slurm/slurm-executor";
import type { Executor } from "./executor";
import { acquireWorkerLock, type WorkerLock } from "./lock";
import type { PgSession } from "./pg-session";
import { protectServiceFiles, unreachableForJobs } from "../lib/server/protect-files";
import { trustedUids } from "../lib/server/real-path";
import { type SearchPath, jobEnvironment, safeSearchPath } from "../lib/server/search-path";
import { createRunner, type Runner } from "./runner";

export interface WorkerOptions {
  configPath: string;
  databaseUrl: string;
  /** Base of the links in mails; default where the web server listens (lib/server/web-address.ts). */
  publicUrl?: string;
  /** A Log (main.ts: levels and job ids), or a plain function that collects messages (tests). */
  log: LogInput;
  heartbeatMs?: number;
  rescanMs?: number;
  /** Environment for jobs; default: the worker's own without QM_*, DATABASE_URL and npm's, with its PATH left to folders only root and the service may change (lib/server/search-path.ts). */
  jobEnv?: NodeJS.ProcessEnv;
  /** The worker stopped itself (another worker took the QM_FOLDER's database lock). */
  onFatal?: (error: Error) => void;
  /** nvidia-smi to detect (GPU_List = auto) and sample GPUs with; default: the one on the PATH, if any. */
  nvidiaSmi?: string | null;
  /** Period of the GPU sampler (default worker/gpus/gpu-sampler.ts GPU_SAMPLE_MS). */
  gpuSampleMs?: number;
  /** executor = slurm: how long a file written on a node may take to show here (NFS; default 60 s). */
  recordGraceMs?: number;
}

/**
 * On PostgreSQL the web app may be on another host, where touching `.qm/wake` is not
 * seen here: its NOTIFY wakes the worker, and a lost one is caught by a rescan this often.
 */
const POSTGRES_RESCAN_MS = 5_000;

export interface Worker extends Runner {
  /** The configuration in force now. */
  config(): QmConfig;
}

/** The executor and what it means for jobs: isolation, the CPUs runs are pinned to, the GPUs the worker hands out, how limits are held. */
interface Where {
  executor: Executor;
  isolation: "uid" | "none";
  cpus: number[];
  gpus: GpuSetup;
  limits: string;
}

/** What the worker sets up from a value of QMserv.cfg (Job_Uids, Run_As, Limits, GPU_List): a refusal names the file. */
function fromConfig<T>(configPath: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw namingConfigFile(configPath, error);
  }
}

function localExecutor(initial: QmConfig, configPath: string, layout: QmLayout, jobEnv: NodeJS.ProcessEnv, searchPath: SearchPath, log: (m: string) => void, graceMs: () => number, nvidiaSmi: string | null): Where {
  const qmOwner = fs.statSync(layout.root);
  const identities = fromConfig(configPath, () => createIdentityPool(initial, log));
  const instance = folderId(layout.internal).slice(0, 12);
  const limits = fromConfig(configPath, () => detectLimits(initial.limits.mode, instance));
  const cpus = initial.limits.cpuList ?? allowedCpus();
  if (initial.maxNbProcessors > cpus.length) log(`MaxNbProcessors (${initial.maxNbProcessors}) is more than the ${cpus.length} CPU(s) jobs may use (${formatCpuList(cpus)}): running jobs share CPUs`);
  const blocked = identities.isolation === "uid" ? unreachableForJobs(layout.running) : [];
  // A warning: sh run.sh still runs, but a job opening its files by full path (python3 process.py) fails with "Permission denied".
  if (blocked.length) toLog(log, () => false).warn(`jobs run as unprivileged uids but cannot reach QM_Jobs: ${blocked.join(", ")} lack the search permission for others (chmod o+x)`);
  // Root's own tools (pyenv or conda in /root): a job finds them on its PATH and is refused ("python: Permission denied").
  if (identities.isolation === "uid" && searchPath.closedToJobs.length) {
    log(`jobs run as unprivileged uids, which cannot search these folders of the PATH: ${searchPath.closedToJobs.join(", ")}; programs there answer "Permission denied" to jobs (install what jobs need where everyone may read it, /usr/local or /opt)`);
  }
  const gpus = fromConfig(configPath, () => detectGpus(initial.gpuList, nvidiaSmi, log));
  const executor = createLocalExecutor({
    jobEnv, log, runningDir: layout.running, runsDir: layout.runs, identities, graceMs, serviceOwner: { uid: qmOwner.uid, gid: qmOwner.gid }, limits, gpus: gpus.gpus,
  });
  return { executor, isolation: identities.isolation, cpus, gpus, limits: limits.description };
}

/** Slurm places, confines and runs the jobs, as the worker's own user (docs/scale-out.md). */
function slurmExecutor(opts: SlurmExecutorOptions): Where {
  // GPUs too: Slurm gives each run its nb_gpu devices (--gres=gpu:N); GPU_List is not used.
  return { executor: createSlurmExecutor(opts), isolation: "none", cpus: [], gpus: SLURM_GPUS, limits: "set by Slurm (--cpus-per-task, --mem, --time, --gres=gpu:N)" };
}

export function createWorker(opts: WorkerOptions): Worker {
  const initial = fromConfig(opts.configPath, () => parseConfigText(opts.configPath, fs.readFileSync(opts.configPath, "utf8")).config);
  const layout = qmLayout(initial.qmFolder);
  const postgres = databaseDialect(opts.databaseUrl) === "postgresql";
  const store = createJobStore(openSql(opts.databaseUrl));
  let session: PgSession | undefined;
  let lock: WorkerLock | undefined;
  let runner: Runner | undefined;
  const config = watchConfigFile(opts.configPath, initial, opts.log, () => runner?.wake());

  /**
   * Everything that touches what the running worker of this QM_FOLDER shares (its folders,
   * its control groups, the job spawner): made only once this worker holds the locks, so
   * that a worker refused because another one runs makes, and so removes, nothing.
   */
  const build = (): Where => {
    ensureQmFolders(layout);
    // The worker's own commands (setpriv, ipcrm, sbatch, as root) and every job search only folders nobody else may change.
    const searchPath = safeSearchPath(process.env.PATH ?? "", trustedUids());
    for (const { entry, why } of searchPath.dropped) toLog(opts.log, () => false).warn(`PATH: left out ${entry || "(empty)"} for the worker's commands and the jobs: ${why}`);
    process.env.PATH = searchPath.path;
    const jobEnv = opts.jobEnv ?? jobEnvironment(process.env, searchPath.path);
    protectServiceFiles(layout, opts.configPath, opts.databaseUrl, opts.log);
    const where =
      initial.executor === "slurm"
        ? slurmExecutor({ jobEnv, layout, config: config.current, log: opts.log, recordGraceMs: opts.recordGraceMs })
        : localExecutor(initial, opts.configPath, layout, jobEnv, searchPath, opts.log, () => config.current().killGraceMs, opts.nvidiaSmi === undefined ? findNvidiaSmi() : opts.nvidiaSmi);
    runner = createRunner({
      store, executor: where.executor, config: config.current, configPath: opts.configPath, log: opts.log, publicUrl: opts.publicUrl, heartbeatMs: opts.heartbeatMs,
      rescanMs: opts.rescanMs ?? (postgres ? POSTGRES_RESCAN_MS : undefined), gpuSampleMs: opts.gpuSampleMs,
      isolation: where.isolation, cpus: where.cpus, gpus: where.gpus, limits: where.limits,
      afterCrash: lock?.previousCrashed,
    });
    return where;
  };

  let closed: Promise<void> | undefined;
  const stop = async (stopOpts?: { now?: boolean }) => {
    // No runner: the start was refused before anything was made; there is nothing to stop or remove.
    await runner?.stop(stopOpts);
    closed ??= (async () => {
      config.close();
      await session?.close();
      await store.sql.close();
      lock?.release();
    })();
    await closed;
  };
  return {
    async start() {
      try {
        // On PostgreSQL a QM_FOLDER that is not the database's is refused before anything is made in it.
        if (postgres) {
          await assertDatabaseFolder(store.sql, layout).catch((error: unknown) => {
            // Its first query: a database that does not answer is named, as the session's opening names it.
            throw isDatabaseUnreachable(error) ? new Error(cannotOpenDatabase(opts.databaseUrl, error)) : error;
          });
        }
        // A QM_FOLDER without .qm has never had a worker: no lock to respect, and the lock's folder is needed.
        if (!fs.existsSync(layout.internal)) ensureQmFolders(layout);
        // The database lock first: across hosts it is the one that knows who runs.
        if (postgres) {
          const { openPgSession } = await import("./pg-session"); // pg stays unloaded on SQLite
          session = await openPgSession({
            databaseUrl: opts.databaseUrl, internalDir: layout.internal, onWake: () => runner?.wake(), log: opts.log,
            debug: (m) => config.current().debug && opts.log(m),
            onLockLost(error) {
              opts.log(`stopping: ${error.message}`);
              void stop().then(() => opts.onFatal?.(error));
            },
          });
          await claimDatabaseFolder(store.sql, { id: folderId(layout.internal), path: layout.root, idFile: path.join(layout.internal, "folder-id") });
        }
        lock = acquireWorkerLock(layout.internal);
        const where = build();
        await where.executor.check?.();
        await runner!.start();
      } catch (error) {
        await stop({ now: true }).catch(() => undefined);
        throw error;
      }
    },
    stop,
    wake: () => runner?.wake(),
    config: config.current,
  };
}
