/**
 * After a restart: Slurm jobs of this QueueManager that no active row claims are cancelled.
 * "Of this QueueManager" is decided by both the name (qm-<job id>-<run token>) and the
 * working directory (inside this QM_FOLDER's QM_Jobs): another QueueManager submitting as
 * the same user (a test instance, another lab's queue) uses the same names, and its jobs
 * are left alone, as is every job not named by QueueManager.
 */
import path from "node:path";
import { type LogInput, toLog } from "../../lib/server/logger";
import type { SlurmRunner } from "./slurm-cli";
import type { Snapshot } from "./slurm-poller";
import { parseSlurmJobName } from "./sbatch-command";
import { phaseOf } from "./slurm-states";

export async function sweepSlurmJobs(deps: { cli: SlurmRunner; snapshot: () => Promise<Snapshot | null>; runningDir: string; known: Set<string>; log: LogInput }): Promise<void> {
  const log = toLog(deps.log, () => false);
  const snap = await deps.snapshot();
  if (!snap) {
    log.warn("recovery: Slurm does not answer: Slurm jobs that no row claims are not looked for this time");
    return;
  }
  const inside = (dir: string) => dir.startsWith(deps.runningDir + path.sep);
  for (const entry of snap.entries) {
    const named = parseSlurmJobName(entry.name);
    if (!named || deps.known.has(named.runToken) || phaseOf(entry.state) === "ended" || !inside(entry.workDir)) continue;
    deps.log(`recovery: cancelling Slurm job ${entry.slurmJobId} (${entry.name}, ${entry.state}): no job of this QueueManager claims it any more`);
    await deps.cli("scancel", [entry.slurmJobId]).catch((error: Error) => log.warn(`recovery: cannot cancel Slurm job ${entry.slurmJobId}: ${error.message}`));
  }
}
