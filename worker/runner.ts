/**
 * The worker loop, built from passed-in dependencies: createRunner(deps) -> { start, stop, wake }.
 * Event-driven: a change in QM_qJobs, a touch of .qm/wake, a job's end or a config change
 * runs dispatch at once; a slow rescan (default 60 s) is the safety net. Idle, nothing polls.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { QmConfig } from "../lib/core/qm-config";
import { decideStarts, type HeadWait } from "../lib/core/schedule";
import type { Db } from "../lib/server/db";
import { qmLayout } from "../lib/server/qm-folders";
import { type RunningJob, type WorkerContext, message } from "./context";
import { startSpawner, type Spawner } from "./executor";
import { finishJob } from "./finish";
import { createIntake } from "./intake";
import type { JobStore } from "./job-store";
import { launchJob } from "./launch";
import { checkKillRequests, createMonitor, killJob } from "./monitor";
import { flushMails } from "./notifier";
import { reapMissingQueued, recover } from "./recovery";
import { watchFolder } from "./watch";

export interface RunnerDeps {
  db: Db;
  /** Direct SQL for the per-job path (openJobStore); closed by the caller. */
  store: JobStore;
  /** The current configuration (re-read by the caller when QMserv.cfg changes). */
  config: () => QmConfig;
  log: (message: string) => void;
  heartbeatMs?: number;
  /** Period of the safety rescan of QM_qJobs and of the queue. */
  rescanMs?: number;
  /** Base of the links in mails (QM_PUBLIC_URL); default http://Host:The_Port. */
  publicUrl?: string;
  /** Environment for jobs; default: the worker's own without QM_* and DATABASE_URL. */
  jobEnv?: NodeJS.ProcessEnv;
  /** How job processes are started (default: the spawner helper); replaced in unit tests. */
  startSpawner?: typeof startSpawner;
}

export interface Runner {
  start(): Promise<void>;
  /** Stop dispatching, stop running jobs and requeue them, wait for all that; safe to call twice. */
  stop(): Promise<void>;
  /** Look again now (queue, kill requests): after a config change, for instance. */
  wake(): void;
}

/** Queued jobs considered per dispatch: the head and candidates for backfill. */
const QUEUE_WINDOW = 50;

export function createRunner(deps: RunnerDeps): Runner {
  const layout = qmLayout(deps.config().qmFolder);
  const ctx: WorkerContext = {
    db: deps.db, store: deps.store, layout, config: deps.config, log: deps.log,
    debug: (m) => deps.config().debug && deps.log(m),
    host: os.hostname(),
    spawn: (o) => {
      if (!spawner) throw new Error("the worker is not started");
      return spawner.spawnJob(o);
    },
    publicUrl: () => deps.publicUrl ?? `http://${deps.config().web.host}:${deps.config().web.port}`,
    running: new Map(),
  };
  const monitor = createMonitor(ctx);
  const intake = createIntake({ ...ctx, onQueued: () => void dispatch() });
  const finishing = new Set<Promise<void>>();
  /** Queued rows whose folder was not in QM_qJobs at dispatch, by folder: skipped until that folder appears. */
  const missing = new Map<string, number>();
  const closers: (() => void)[] = [];
  let head: HeadWait | undefined;
  let started = false;
  let stopping = false;
  let dispatching = false;
  let again = false;
  let stopped: Promise<void> | undefined;
  const startedAt = new Date();
  let spawner: Spawner | undefined;
  const jobEnv = deps.jobEnv ?? (Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("QM_") && k !== "DATABASE_URL")) as NodeJS.ProcessEnv);

  const track = (job: RunningJob) => {
    ctx.running.set(job.id, job);
    monitor.ensure();
    if (stopping) {
      // Launched while stop() began: treat it like the others, stop it and requeue it.
      job.shutdown = true;
      killJob(ctx, job, "worker shutting down");
    }
    const done = job.exited
      .then((exit) => {
        ctx.running.delete(job.id);
        void dispatch();
        return finishJob(ctx, job, exit);
      })
      .catch((error) => deps.log(`job ${job.id}: cannot finish: ${message(error)}`))
      .finally(() => finishing.delete(done));
    finishing.add(done);
  };

  const dispatchOnce = async () => {
    const config = deps.config();
    const running = [...ctx.running.values()].map((j) => j.granted);
    const used = running.reduce((a, b) => a + b, 0);
    if (config.launchType === "blocking" ? running.length > 0 : used >= config.maxNbProcessors) return;
    const rows = deps.store.readQueue([...missing.values()], QUEUE_WINDOW);
    const decision = decideStarts({ queue: rows, running, maxNbProcessors: config.maxNbProcessors, launchType: config.launchType, now: Date.now(), head });
    head = decision.head;
    for (const start of decision.starts) {
      if (stopping) return;
      const row = rows.find((r) => r.id === start.id)!;
      const result = await launchJob(ctx, row, start.granted);
      if ("job" in result) {
        ctx.debug(`job ${row.id} started (${start.granted} processor(s))`);
        track(result.job);
        continue;
      }
      // Folder gone (deleted, or an upload not yet renamed in) or not movable: skip it
      // until something changes in QM_qJobs; the rescan records long-missing ones as lost.
      if ("failed" in result) deps.log(`job ${row.id}: ${result.failed}`);
      missing.set(row.folder, row.id);
      again = true;
    }
  };

  async function dispatch(): Promise<void> {
    if (!started || stopping) return;
    if (dispatching) {
      again = true;
      return;
    }
    dispatching = true;
    try {
      do {
        again = false;
        await dispatchOnce();
      } while (again && !stopping);
    } catch (error) {
      deps.log(`dispatch failed: ${message(error)}`);
    } finally {
      dispatching = false;
    }
  }

  const wake = () => {
    missing.clear();
    void checkKillRequests(ctx).catch((e) => deps.log(`kill check failed: ${message(e)}`));
    void dispatch();
  };

  // Through the job store's own connection: a few hundred microseconds, where a Prisma
  // call costs milliseconds of CPU every few seconds of an idle day.
  const heartbeat = async () => {
    const processorsInUse = [...ctx.running.values()].reduce((a, j) => a + j.granted, 0);
    const stats = JSON.stringify({ loadavg: os.loadavg(), cpus: os.cpus().length, maxNbProcessors: deps.config().maxNbProcessors, processorsInUse, running: ctx.running.size });
    deps.store.heartbeat({ pid: process.pid, host: ctx.host, startedAt, at: new Date(), stats });
  };

  const rescan = async () => {
    await intake.scanAll();
    await reapMissingQueued(ctx);
    wake();
  };

  const every = (ms: number, fn: () => Promise<void>, what: string) => {
    const timer = setInterval(() => void fn().catch((e) => deps.log(`${what} failed: ${message(e)}`)), ms);
    closers.push(() => clearInterval(timer));
  };

  return {
    async start() {
      spawner = (deps.startSpawner ?? startSpawner)(jobEnv, deps.log);
      await recover(ctx);
      await heartbeat();
      every(deps.heartbeatMs ?? 5_000, heartbeat, "heartbeat");
      every(deps.rescanMs ?? 60_000, rescan, "rescan");
      closers.push(
        watchFolder(layout.queued, (name) => {
          // A name that is not there was moved out (mostly by us, starting it): nothing new.
          if (name && !fs.existsSync(path.join(layout.queued, name))) return;
          if (name) missing.delete(`QM_qJobs/${name}`);
          else missing.clear();
          // Dispatch first: a folder with a row is usually started (and gone) before
          // the intake looks at it, which saves the intake its database lookup.
          void dispatch().then(() => {
            if (name) void intake.check([name]);
          });
        }, deps.log),
        watchFolder(layout.internal, (name) => name === "wake" && wake(), deps.log),
        () => intake.close(),
      );
      started = true;
      await intake.scanAll();
      deps.log(`worker started on ${layout.root} (MaxNbProcessors ${deps.config().maxNbProcessors}, ${deps.config().launchType})`);
      void dispatch();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        for (const close of closers) close();
        for (const job of ctx.running.values()) {
          job.shutdown = true;
          killJob(ctx, job, "worker shutting down");
        }
        while (finishing.size) await Promise.all(finishing);
        monitor.stop();
        spawner?.close();
        await flushMails();
        deps.log("worker stopped");
      })();
      return stopped;
    },
    wake,
  };
}
