/**
 * Stopping runs in Slurm, as the local executor stops process groups: a job that runs gets
 * SIGTERM (`scancel --signal=TERM --full`: the batch shell and every process of the job),
 * and is cancelled outright after Kill_Grace if it has not ended (counted from when the
 * SIGTERM reached Slurm: a kill asked while the controller is down gives the job its whole
 * grace once it is back); a job still pending is cancelled at once. "Invalid job id" means the job is already gone: nothing left to do.
 * A cancel that could not reach Slurm stays wanted and is sent again after the next look.
 */
import os from "node:os";
import { type LogInput, toLog } from "../../lib/server/logger";
import { type SlurmRunner, isInvalidJobId, isTransient } from "./slurm-cli";
import type { SlurmRun } from "./slurm-run";

export interface SlurmCancels {
  /** Stop a run: SIGTERM then cancel after `graceMs` (`onKill` told), or cancel at once if it waits. */
  stop(run: SlurmRun, graceMs: number, onKill?: () => void): void;
  /** Cancel whatever job of ours has this name (a submission whose outcome is unknown). */
  byName(name: string): void;
  /** Send again the cancels that could not reach Slurm. */
  retry(runs: Iterable<SlurmRun>): void;
  close(): void;
}

export function createSlurmCancels(deps: { cli: SlurmRunner; log: LogInput; poke: () => void }): SlurmCancels {
  const log = toLog(deps.log, () => false);
  const timers = new Set<NodeJS.Timeout>();
  const sending = new Set<SlurmRun>();
  /** The grace of runs whose SIGTERM has not reached Slurm yet: it starts when it has. */
  const graces = new Map<SlurmRun, { graceMs: number; onKill?: () => void }>();

  const startGrace = (run: SlurmRun) => {
    const grace = graces.get(run);
    if (!grace) return;
    graces.delete(run);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (run.ended) return;
      grace.onKill?.();
      run.cancel = "hard";
      void send(run);
    }, grace.graceMs);
    timers.add(timer);
  };
  const user = os.userInfo().username;

  const byName = (name: string) => void deps.cli("scancel", [`--user=${user}`, `--name=${name}`]).catch(() => undefined);

  const send = async (run: SlurmRun): Promise<void> => {
    if (sending.has(run) || run.ended || !run.cancel) return;
    if (!run.slurmJobId) {
      run.cancel = undefined;
      graces.delete(run);
      return byName(run.name);
    }
    sending.add(run);
    const kind = run.cancel;
    try {
      await deps.cli("scancel", kind === "signal" ? ["--signal=TERM", "--full", run.slurmJobId] : [run.slurmJobId]);
      if (run.cancel === kind) run.cancel = undefined;
      if (kind === "signal") startGrace(run);
      else graces.delete(run);
    } catch (error) {
      if (isInvalidJobId(error)) {
        run.cancel = undefined;
        graces.delete(run);
      } else if (isTransient(error)) log.warn(`slurm: cannot reach Slurm to stop job ${run.slurmJobId} (${(error as Error).message}); trying again`);
      else if (kind === "signal") run.cancel = "hard"; // e.g. not running yet: no process to signal
      else {
        log.warn(`slurm: cannot cancel job ${run.slurmJobId}: ${(error as Error).message}`);
        run.cancel = undefined;
      }
    } finally {
      sending.delete(run);
    }
    if (run.cancel === "hard" && kind === "signal") return send(run);
    deps.poke();
  };

  return {
    stop(run, graceMs, onKill) {
      run.cancel = run.running ? "signal" : "hard";
      if (run.cancel === "signal") graces.set(run, { graceMs, onKill });
      void send(run);
    },
    byName,
    retry(runs) {
      for (const run of runs) if (run.cancel) void send(run);
    },
    close() {
      graces.clear();
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
