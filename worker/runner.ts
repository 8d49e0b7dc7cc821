/**
 * The worker loop, built from passed-in parts: createRunner(deps) -> { start, stop, wake }.
 * Event-driven: a change in QM_qJobs, a touch of .qm/wake (or, on PostgreSQL, the web app's
 * NOTIFY, through wake()), a job's end or a config change runs dispatch at once; a slow
 * rescan (default 60 s, 5 s on PostgreSQL) is the safety net. Idle, nothing polls.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { QmConfig } from "../lib/core/qm-config";
import { loadEnv } from "../lib/server/env";
import { type LogInput, toLog } from "../lib/server/logger";
import { qmLayout, relFolder, repairQmFolders } from "../lib/server/qm-folders";
import type { JobStore } from "../lib/server/store/job-store";
import { type RunningJob, type WorkerContext, message, stopRun } from "./context";
import { createDispatcher } from "./dispatcher";
import { enforceWalltime } from "./walltime";
import type { Executor } from "./executor";
import { finishJob } from "./finish";
import { type GpuSetup, NO_GPUS } from "./gpus/detect-gpus";
import { createGpuSampler } from "./gpus/gpu-sampler";
import { createHeartbeat } from "./heartbeat";
import { createIntake } from "./intake";
import { checkKillRequests, createMonitor } from "./monitor";
import { createQuietGc } from "../lib/server/quiet-gc";
import { flushMails } from "./notifier";
import { reapMissingQueued, recover } from "./recovery";
import { RETENTION_CHECK_MS, createRetention } from "./retention";
import { createRunRecords } from "./run-records";
import { followRunChanges } from "./run-changes";
import { watchFolder } from "./watch";
import { failureStreak } from "./failure-streak";
import { readWebAddress, webUrlOf } from "../lib/server/web-address";

export interface RunnerDeps {
  /** Every read and write of job rows (lib/server/store); closed by the caller. */
  store: JobStore;
  /** Where jobs run; closed by the runner's stop(). */
  executor: Executor;
  /** Whether jobs run as their own identity; said at start and in the heartbeat. */
  isolation?: "uid" | "none";
  /** CPUs jobs may be pinned to (default: none, no pinning). */
  cpus?: number[];
  /** GPUs jobs may be given, and nvidia-smi to sample them (default: none); the sampler's period. */
  gpus?: GpuSetup;
  gpuSampleMs?: number;
  /** How runs are confined, in words (start line, heartbeat). */
  limits?: string;
  /** The current configuration (re-read by the caller when QMserv.cfg changes). */
  config: () => QmConfig;
  /** QMserv.cfg's path, for the places around it (default: QM_CONFIG's, as the service reads it). */
  configPath?: string;
  /** Debug lines are written while QMserv.cfg's Debug is True. */
  log: LogInput;
  heartbeatMs?: number;
  /** Period of the safety rescan of QM_qJobs and of the queue. */
  rescanMs?: number;
  /** Base of the links in mails (QM_PUBLIC_URL); default where the web server said it listens, else http://Host:The_Port. */
  publicUrl?: string;
  /** The previous worker died without releasing QM_FOLDER (see worker/lock.ts). */
  afterCrash?: boolean;
}

export interface Runner {
  start(): Promise<void>;
  /**
   * Stop dispatching and watching. Running jobs run on, for the next worker to adopt
   * (Shutdown_Jobs = keep), or are stopped (SIGTERM, SIGKILL after Kill_Grace; `now`:
   * SIGKILL at once) and requeued (Shutdown_Jobs = requeue, or `now`). Safe to call twice;
   * a second call with `now` escalates a stop in progress.
   */
  stop(opts?: { now?: boolean }): Promise<void>;
  /** Look again now (queue, kill requests): after a config change, for instance. */
  wake(): void;
}

/** Who the jobs run as, in the start line's words. */
export function describeIsolation(isolation: "uid" | "none", executor: string): string {
  // Slurm runs them as the account that submits them, the worker's (docs/scale-out.md).
  if (executor === "slurm") return "jobs run on the Slurm nodes as the worker's account";
  return isolation === "uid" ? "each job runs as its own uid" : "jobs share the worker's privileges: it does not run as root (docs/security.md)";
}

export function createRunner(deps: RunnerDeps): Runner {
  const layout = qmLayout(deps.config().qmFolder);
  const log = toLog(deps.log, () => deps.config().debug);
  const ctx: WorkerContext = {
    store: deps.store, executor: deps.executor, isolation: deps.isolation ?? "none", cpus: deps.cpus ?? [], gpus: deps.gpus?.gpus ?? [], limits: deps.limits ?? "none",
    layout, config: deps.config, configPath: deps.configPath ?? loadEnv().configPath, log,
    debug: (m) => log.debug(m),
    host: os.hostname(),
    publicUrl: async () => deps.publicUrl ?? (await readWebAddress(deps.store.sql).catch(() => null)) ?? webUrlOf(deps.config().web),
    running: new Map(),
    runRecords: createRunRecords(deps.store, log),
    stopping: () => stopping,
  };
  const monitor = createMonitor(ctx);
  const gpuSampler = createGpuSampler(ctx, deps.gpus?.nvidiaSmi ?? null, deps.gpuSampleMs);
  const quietGc = createQuietGc();
  const finishing = new Set<Promise<void>>();
  const closers: (() => void)[] = [];
  let stopping = false;
  let stopsJobs = false;
  let stopped: Promise<void> | undefined;

  /** Stop a job because the worker stops; `now`: SIGKILL without waiting for Kill_Grace. */
  const shutDown = (job: RunningJob, now: boolean) => {
    job.shutdown = true;
    if (!now) return stopRun(ctx, job, "worker shutting down");
    job.killSignal = "SIGKILL";
    ctx.executor.terminate(job.run, 0);
  };

  const track = (job: RunningJob) => {
    quietGc.touch();
    ctx.running.set(job.id, job);
    monitor.ensure();
    gpuSampler.ensure();
    enforceWalltime(ctx, job);
    // Launched while stop() began: treat it like the others.
    if (stopping && stopsJobs) shutDown(job, false);
    const changes = followRunChanges(ctx, job); // pending -> running, runInfo (executors with a queue of their own)
    void job.run.exited.then((exit) => {
      clearTimeout(job.walltimeTimer);
      if (!ctx.running.has(job.id)) return; // let go at shutdown: the next worker finishes it
      quietGc.touch();
      ctx.running.delete(job.id);
      ctx.executor.prepare?.(); // the next start is likely now
      void dispatcher.dispatch();
      const done = changes
        .settled()
        .then(() => finishJob(ctx, job, exit))
        .catch((error) => log.error(`cannot finish: ${message(error)}`, { job: job.id }))
        .finally(() => finishing.delete(done));
      finishing.add(done);
    });
  };
  // A start that begins or stops waiting for a uid is told at once, not at the next beat (up to 5 s later).
  const dispatcher = createDispatcher(ctx, track, () => void heartbeat().catch((e) => log.warn(`heartbeat failed: ${message(e)}`)));
  const intake = createIntake({
    ...ctx,
    onQueued: () => {
      quietGc.touch();
      void dispatcher.dispatch();
    },
    waitsQueued: () => dispatcher.waitsChanged(),
  });
  const heartbeat = createHeartbeat(ctx, dispatcher);
  const retention = createRetention(ctx);
  const checkRetention = (daily: boolean) => void retention.check(daily).catch((e) => log.error(`retention pass failed: ${message(e)}`));

  /**
   * Look again at everything that may have changed. `warm`: a start is likely now (the web
   * app's wake after an upload or an action), so the executor gets ready for it; the
   * minute's rescan looks without that (the cgroup warm-up writes every 5 ms for a second:
   * 62-66 ms of CPU a minute for an idle queue).
   */
  const wake = (warm = true) => {
    if (warm) ctx.executor.prepare?.();
    dispatcher.folderAppeared(null);
    void checkKillRequests(ctx).catch((e) => log.warn(`kill check failed: ${message(e)}`));
    checkRetention(false); // the admin page may have asked for a pass now
    void dispatcher.dispatch();
  };

  const every = (ms: number, fn: () => Promise<void>, what: string) => {
    const failures = failureStreak(log, what, (why) => `${what} failed: ${why}`);
    const timer = setInterval(() => void fn().then(() => failures.succeeded(), (e) => failures.failed(e)), ms);
    closers.push(() => clearInterval(timer));
  };

  const onQueuedEntry = (name: string | null) => {
    // A name that is not there was moved out (mostly by us, starting it): nothing new.
    if (name && !fs.existsSync(path.join(layout.queued, name))) {
      // Or its name is not UTF-8: read with U+FFFD, it names nothing until renamed.
      if (name.includes("\uFFFD")) intake.undecodableSeen();
      return;
    }
    ctx.executor.prepare?.();
    dispatcher.folderAppeared(name ? relFolder("queued", name) : null);
    // The intake looks first: a folder with a waiting row (an upload, a requeue) wakes the
    // dispatcher from there, and a new drop once its row is made; one pass either way.
    if (name) void intake.check([name]);
    else void dispatcher.dispatch();
  };

  return {
    async start() {
      for (const note of repairQmFolders(layout)) log.warn(`QM_FOLDER repaired: ${note}`);
      for (const job of await recover(ctx, { afterCrash: deps.afterCrash === true })) track(job);
      await heartbeat();
      every(deps.heartbeatMs ?? 5_000, () => heartbeat(), "heartbeat");
      every(deps.rescanMs ?? 60_000, async () => {
        for (const note of repairQmFolders(layout)) log.warn(`QM_FOLDER repaired: ${note}`);
        await intake.scanAll();
        await reapMissingQueued(ctx);
        wake(false);
      }, "rescan");
      every(RETENTION_CHECK_MS, () => retention.check(true), "retention pass");
      closers.push(
        watchFolder(layout.queued, onQueuedEntry, deps.log),
        watchFolder(layout.internal, (name) => name === "wake" && wake(), deps.log),
        () => intake.close(),
        () => quietGc.stop(),
      );
      await intake.scanAll();
      deps.log(`worker started on ${layout.root} (MaxNbProcessors ${deps.config().maxNbProcessors}, ${deps.config().launchType}, executor ${ctx.executor.name}, ${describeIsolation(ctx.isolation, ctx.executor.name)}; limits: ${ctx.limits}; GPUs: ${deps.gpus?.described ?? NO_GPUS.described})`);
      void dispatcher.dispatch();
      checkRetention(true);
    },
    stop(opts = {}) {
      if (stopped && opts.now) {
        stopsJobs = true;
        for (const job of ctx.running.values()) shutDown(job, true);
      }
      stopped ??= (async () => {
        stopping = true;
        stopsJobs = opts.now === true || deps.config().shutdownJobs === "requeue";
        for (const close of closers) close();
        await dispatcher.stop();
        await retention.idle();
        if (stopsJobs) for (const job of ctx.running.values()) shutDown(job, opts.now === true);
        else if (ctx.running.size) deps.log(`${ctx.running.size} running job(s) go on running; the next worker adopts them (Shutdown_Jobs = keep)`);
        // Wait for the runs being stopped (all of them, unless kept), then for the ends being recorded.
        while (stopsJobs && ctx.running.size) await new Promise((r) => setTimeout(r, 50));
        if (!stopsJobs) ctx.running.clear();
        while (finishing.size) await Promise.all(finishing);
        await ctx.runRecords.flush(); // runs that go on: the next worker reads their pids
        monitor.stop();
        gpuSampler.stop();
        await ctx.executor.close();
        await flushMails();
        await heartbeat(true).catch((e) => log.warn(`cannot write the last heartbeat: ${message(e)}`));
        deps.log("worker stopped");
      })();
      return stopped;
    },
    wake,
  };
}
