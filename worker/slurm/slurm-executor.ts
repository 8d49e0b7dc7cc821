/**
 * The Slurm executor: each run is one Slurm batch job, `qm-<job id>-<run token>`, in its
 * folder in QM_Jobs (which the nodes must share), with output appended to process.log
 * and a wrapper that writes the run's exit record into QM_FOLDER/.qm/runs. Slurm queues and
 * places the jobs (`schedulesItself`): a run is pending until squeue says it runs. One
 * poller follows every run (slurm-poller.ts); a submission Slurm could not take (controller
 * down, submit limit) waits and is retried, after checking by name that the failed attempt
 * did not create the job after all, so a job is never submitted twice.
 */
import fs from "node:fs";
import path from "node:path";
import { LOG_FILE, logHeader } from "../../lib/core/job-log";
import type { QmConfig } from "../../lib/core/qm-config";
import { slurmRunInfoOf } from "../../lib/core/slurm-run-info";
import { appendLogLines } from "../../lib/server/job-folder-writes";
import { type LogInput, toLog } from "../../lib/server/logger";
import type { QmLayout } from "../../lib/server/qm-folders";
import type { Executor, LaunchSpec } from "../executor";
import { jobVariables } from "../job-env";
import { createAccounting } from "./accounting";
import { readRunFiles } from "./run-files";
import { sbatchArgs, slurmJobName, wrapperScript } from "./sbatch-command";
import { checkSharedFolder } from "./shared-folder-check";
import { createSlurmCancels } from "./slurm-cancels";
import { createSlurmRunner, slurmEnv } from "./slurm-cli";
import { createPoller } from "./slurm-poller";
import { NEVER_HANDED, type SlurmRun, createSlurmRun } from "./slurm-run";
import { judgeEnd, phaseOf } from "./slurm-states";
import { createSubmitter } from "./slurm-submit";
import { sweepSlurmJobs } from "./sweep";

export interface SlurmExecutorOptions {
  /** Base environment of every job (sbatch exports it); SLURM_* / SBATCH_* of the worker are dropped. */
  jobEnv: NodeJS.ProcessEnv;
  layout: QmLayout;
  config: () => QmConfig;
  log: LogInput;
  /** How long a file written on a node may take to show here (NFS): an ended run's exit record, the probe's answer; default 60 s. */
  recordGraceMs?: number;
}

export function createSlurmExecutor(opts: SlurmExecutorOptions): Executor {
  const runsDir = opts.layout.runs;
  fs.mkdirSync(runsDir, { recursive: true });
  const cli = createSlurmRunner(opts.jobEnv);
  const runs = new Map<string, SlurmRun>();
  const graceMs = opts.recordGraceMs ?? 60_000;
  const byStarted = (started: unknown) => [...runs.values()].find((r) => r.started === started);

  const { submit, submitWaiting } = createSubmitter(cli, runs);
  const cancels = createSlurmCancels({ cli, log: opts.log, poke: () => poller.poke() });
  const accounting = createAccounting(cli);
  const poller = createPoller({
    cli, runs, runsDir, graceMs, log: opts.log, accounting, pollMs: () => opts.config().slurm.pollMs,
    afterLook: async (snap) => {
      await submitWaiting(snap);
      cancels.retry(runs.values());
    },
  });

  return {
    name: "slurm",
    schedulesItself: true,
    async check() {
      if (process.getuid?.() === 0) toLog(opts.log, () => false).warn("slurm: the worker runs as root, so its Slurm jobs run as root on the nodes; run it as an unprivileged account the cluster knows (docs/scale-out.md)");
      await checkSharedFolder({ cli, layout: opts.layout, settings: opts.config().slurm, log: opts.log, answerGraceMs: graceMs });
    },
    clusterStats: () => poller.cluster(),
    async start(spec: LaunchSpec) {
      const settings = opts.config().slurm;
      const run = createSlurmRun({ jobId: spec.jobId, runToken: spec.runToken, dir: spec.dir, slurmJobId: null, partition: settings.partition || null });
      const header = logHeader({ ...spec, host: `Slurm, submitted from ${spec.host}`, notes: [...(spec.notes ?? []), `Slurm job name ${run.name}`] });
      // QM_RUN_TOKEN marks the processes of local runs (found in /proc after a restart); a Slurm
      // run is found by its job name, and on a node that is also this machine it must not pass for a local run.
      const { QM_RUN_TOKEN: _localOnly, ...variables } = jobVariables(spec);
      run.submission = { args: sbatchArgs(spec, settings), script: wrapperScript(spec, runsDir), env: slurmEnv(opts.jobEnv, variables), failedAt: 0, checked: true };
      runs.set(spec.runToken, run);
      try {
        appendLogLines(path.join(spec.dir, LOG_FILE), header);
        run.logOffset = fs.statSync(path.join(spec.dir, LOG_FILE)).size;
      } catch (error) {
        runs.delete(spec.runToken);
        run.finish({ exitCode: null, signal: null, cpuSeconds: null, error: `cannot write process.log: ${(error as Error).message}` });
        return run.handOver();
      }
      // Behind submissions still waiting, or while Slurm does not answer: in line, in order.
      const waiting = [...runs.values()].some((r) => r !== run && r.submission);
      if (waiting || poller.unreachable()) run.info = { ...run.info, reason: "waiting for the Slurm controller" };
      else if (await submit(run)) poller.poke();
      return run.handOver();
    },
    terminate(started, graceMs, onKill) {
      const run = byStarted(started);
      if (!run || run.ended) return;
      if (run.submission || run.unsubmitted) {
        // Not in Slurm as far as we know; a failed attempt may have created it after all.
        runs.delete(run.runToken);
        cancels.byName(run.name);
        run.finish({ exitCode: null, signal: null, cpuSeconds: null, cancelled: true, runInfo: { ...run.info, slurmState: "CANCELLED" } });
        return;
      }
      run.killRequested = true;
      cancels.stop(run, graceMs, onKill);
    },
    // Slurm's accounting (sstat) is not assumed: CPU time comes from the exit record.
    sample: () => new Map(),
    async find(record) {
      const snap = await poller.recentSnapshot();
      const known = slurmRunInfoOf(JSON.stringify(record.runInfo));
      const knownId = known?.slurmJobId ?? null;
      // No Slurm job id, and the row says sbatch had not taken it (or says nothing of Slurm yet).
      const unsubmitted = knownId === null && (known?.slurmState ?? "SUBMITTING") === "SUBMITTING";
      const name = slurmJobName(record.jobId, record.runToken);
      const entry = snap?.entries.find((e) => e.slurmJobId === knownId && e.name === name) ?? snap?.entries.find((e) => e.name === name);
      if (snap && !entry) {
        const files = readRunFiles(runsDir);
        // Never in Slurm (an sbatch that timed out and created it after all would be listed): it never ran.
        if (unsubmitted && !files.record(record.runToken)) return { state: "gone", notStarted: true, reason: NEVER_HANDED };
        const accounted = knownId ? (await accounting.states([knownId])).get(knownId) : undefined;
        const state = accounted && phaseOf(accounted) === "ended" ? accounted : null;
        const exit = judgeEnd({ slurmJobId: knownId, state, record: files.record(record.runToken), timeoutMark: files.timeoutMarked(record.runToken), waitedMs: graceMs, graceMs });
        if (exit && !exit.lost) return { state: "ended", exit };
        return { state: "gone", reason: exit?.error ?? `Slurm no longer lists ${knownId ? `job ${knownId}` : name} and the run left no exit record` };
      }
      // Listed (or Slurm does not answer now): adopted; the poller follows it from here.
      const run = createSlurmRun({ jobId: record.jobId, runToken: record.runToken, dir: record.dir, slurmJobId: entry?.slurmJobId ?? knownId, partition: opts.config().slurm.partition || null });
      run.running = entry !== undefined && phaseOf(entry.state) !== "waiting";
      run.unsubmitted = !entry && unsubmitted;
      runs.set(record.runToken, run);
      poller.poke();
      return { state: "running", run: run.started };
    },
    sweep: (known, _graceMs, log) => sweepSlurmJobs({ cli, snapshot: poller.recentSnapshot, runningDir: opts.layout.running, known: new Set([...known, ...runs.keys()]), log }),
    async close() {
      poller.close();
      cancels.close();
    },
  };
}
