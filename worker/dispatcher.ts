/**
 * Dispatch: whenever something changes, decide which queued jobs start now (the pure rule
 * in lib/core/schedule.ts, processors and GPUs) and launch them; a job that can never run
 * here (more GPUs than GPU_List) is cancelled, saying why. A job whose run cannot have its
 * uid yet (worker/launch.ts) stays queued, and a pass runs again once one is back; that wait
 * is said in the heartbeat (startWait) until a start succeeds or a pass no longer meets it,
 * so that the web app's "why is my job waiting" says it too. Runs one pass at a time; a
 * request during a pass runs another pass after it.
 */
import { freeGpuCount } from "../lib/core/gpu-sets";
import { MAX_IN_FLIGHT, decideStarts, handOverStarts, type HeadWait } from "../lib/core/schedule";
import { type RunningJob, type WorkerContext, message } from "./context";
import { cancelImpossible } from "./cancel-waiting";
import { settleAllDependencies, settleDependents } from "./dependencies";
import { createDiskGuard } from "./disk-guard";
import { launchJob } from "./launch";
import { arrayLoadsFor, readQueuePolicy } from "./queue-policy";

/** Queued jobs considered per pass: the head and candidates for backfill. */
const QUEUE_WINDOW = 50;
/** Queued jobs read first; the whole window only when they do not settle the pass (a third of a pass's cost with 1,000 queued). */
const FIRST_LOOK = 8;

export interface Dispatcher {
  /** Run a pass now (or right after the current one). */
  dispatch(): Promise<void>;
  /** A folder appeared in QM_qJobs (null: anything may have): look at its row again. */
  folderAppeared(relFolder: string | null): void;
  /** Jobs that wait for others were queued: the next pass looks for waits that can never be met. */
  waitsChanged(): void;
  /** No new starts from now on; resolves when a pass in progress has ended (its launches tracked). */
  stop(): Promise<void>;
  /** Why the job it would start now stays queued (no uid of Job_Uids free for the moment), in the log's words; undefined: nothing holds a start. */
  startWait(): string | undefined;
  /** The head of the queue that waits while later jobs run, as the last pass left it (the heartbeat says it). */
  headWait(): HeadWait | undefined;
}

/** `onWaitChanged`: startWait() changed (the runner writes the heartbeat at once). */
export function createDispatcher(ctx: WorkerContext, onStarted: (job: RunningJob) => void, onWaitChanged: () => void = () => {}): Dispatcher {
  /** Queued rows whose folder was not in QM_qJobs, by folder: skipped until that folder appears. */
  const missing = new Map<string, number>();
  let head: HeadWait | undefined;
  let stopped = false;
  let dispatching: Promise<void> | null = null;
  let again = false;
  const disk = createDiskGuard(ctx, () => void dispatch());
  /** A start waits for its uid: the pass to run when one is back is set (once). */
  let uidBack: Promise<void> | undefined;
  /** The wait the heartbeat says, and the one the pass in progress met (undefined: none). */
  let startWait: string | undefined;
  let passWait: string | undefined;
  const showWait = (text: string | undefined) => {
    if (text === startWait) return;
    startWait = text;
    if (!stopped) onWaitChanged();
  };
  const waitForUid = (id: number, wait: { wait: string; until: Promise<void> }) => {
    // Logged once while it lasts (each pass meets it again).
    if (wait.wait !== startWait) ctx.log.info(wait.wait, { job: id });
    passWait = wait.wait;
    showWait(wait.wait);
    if (uidBack === wait.until) return;
    uidBack = wait.until;
    void wait.until.then(() => {
      if (uidBack === wait.until) uidBack = undefined;
      void dispatch();
    });
  };
  /** Look for waiting jobs whose after_ok parent failed: at start, after each wake-up, and when dropped folders that wait were taken in. */
  let settle = true;

  const pass = async () => {
    if (settle) {
      settle = false;
      await settleAllDependencies(ctx);
    }
    const config = ctx.config();
    const running = [...ctx.running.values()].map((j) => j.granted);
    const used = running.reduce((a, b) => a + b, 0);
    // Slurm and the like place jobs themselves: hand them every queued job (bounded), not a share of MaxNbProcessors.
    const handOver = ctx.executor.schedulesItself === true;
    if (handOver ? running.length >= MAX_IN_FLIGHT : config.launchType === "blocking" ? running.length > 0 : used >= config.maxNbProcessors) return;
    if (disk.holds()) return; // QM_FOLDER's disk below Min_Free_MB: running jobs go on, none starts
    const policy = await readQueuePolicy(ctx);
    if (policy.paused) return; // Running jobs finish; nothing new starts until resumed.
    const gpus = { total: ctx.gpus.length, inUse: ctx.gpus.length - freeGpuCount(ctx.gpus, [...ctx.running.values()].map((j) => j.gpus)) };
    const decide = async (limit: number) => {
      const read = await ctx.store.readQueue([...missing.values()], limit, policy.read);
      // Slurm judges nb_gpu itself (--gres=gpu:N); GPU_List is this machine's.
      const { possible: rows, cancelled } = handOver ? { possible: read, cancelled: [] } : await cancelImpossible(ctx, read);
      if (cancelled.length) {
        again = true; // they leave room in the window
        await settleDependents(ctx, cancelled);
      }
      const decision = handOver
        ? { starts: handOverStarts(rows, running.length, { arrays: arrayLoadsFor(policy, rows) }), head: undefined, limited: false, settled: false }
        : decideStarts({
            queue: rows, running, maxNbProcessors: config.maxNbProcessors, launchType: config.launchType, now: Date.now(), head, arrays: arrayLoadsFor(policy, rows), usage: policy.usage, gpus,
          });
      return { rows, read, decision };
    };
    // The first few jobs mostly settle it (a freed processor, the next job): the whole
    // window is read only when they do not. Fair share weighs each owner's own window.
    const short = !handOver && !policy.read.perOwner;
    const first = await decide(short ? FIRST_LOOK : QUEUE_WINDOW);
    const { rows, decision } = short && !first.decision.settled && first.read.length >= FIRST_LOOK ? await decide(QUEUE_WINDOW) : first;
    head = decision.head;
    // Elements skipped at their array's limit may hide other jobs behind the window: look again.
    if (decision.limited && decision.starts.length && rows.length >= QUEUE_WINDOW) again = true;
    if (handOver && rows.length === QUEUE_WINDOW) again = true; // more behind this window
    for (const start of decision.starts) {
      if (stopped) return;
      // The window holds what scheduling weighs; the job's whole row is read as it starts.
      const row = await ctx.store.queuedRow(start.id);
      const result = row ? await launchJob(ctx, row, start.granted) : null;
      if (result && "job" in result) {
        ctx.log.debug(`started (${start.granted} processor(s)${result.job.gpus.length ? `, GPUs ${result.job.gpus.join(",")}` : ""})`, { job: start.id });
        onStarted(result.job);
        continue;
      }
      // Left queued as it was (no uid free for a moment): no pass before one is back.
      if (result && "wait" in result) {
        waitForUid(start.id, result);
        continue;
      }
      again = true;
      if (!row || !result || "taken" in result) continue; // deleted, held or changed meanwhile: the next pass sees it
      if ("failed" in result) ctx.log.warn(result.failed, { job: start.id });
      // Folder gone (deleted, or an upload not yet renamed in): skip it until something
      // changes in QM_qJobs; the rescan records long-missing ones as lost.
      else missing.set(row.folder, start.id);
    }
  };

  async function passes(): Promise<void> {
    try {
      do {
        again = false;
        passWait = undefined;
        await pass();
        showWait(passWait); // a pass that met no wait ends it (started, or no start needs a uid now)
      } while (again && !stopped);
    } catch (error) {
      ctx.log.error(`dispatch failed: ${message(error)}`);
    } finally {
      dispatching = null;
    }
  }

  async function dispatch(): Promise<void> {
    if (stopped) return;
    if (dispatching) {
      again = true;
      return;
    }
    dispatching = passes();
    await dispatching;
  }

  return {
    dispatch,
    folderAppeared(folder) {
      if (folder) missing.delete(folder);
      else {
        missing.clear();
        settle = true;
      }
    },
    waitsChanged() {
      settle = true;
    },
    async stop() {
      stopped = true;
      disk.stop();
      await dispatching;
    },
    startWait: () => startWait,
    headWait: () => head,
  };
}
