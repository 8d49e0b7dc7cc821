/**
 * What a waiting job will get that differs from what it asked for, in words for its owner:
 * nb_proc above MaxNbProcessors runs on MaxNbProcessors (the local executor; Slurm gives
 * what is asked), mem and walltime above the configured maxima get the maxima. Said when
 * the job is submitted and on its page while it waits, not only in process.log once it
 * runs. Pure: the worker's own choice at start is made by grantedProcessors and runLimits.
 */
import { type LimitSettings, runLimits } from "./run-limits";
import { grantedProcessors } from "./schedule";

export interface GrantRules {
  executor: "local" | "slurm";
  maxNbProcessors: number;
  limits: LimitSettings;
}

/** The processors a waiting job will get: nb_proc, capped by MaxNbProcessors on the local executor (Slurm gives what is asked). */
export function processorsToGrant(nbProc: number, rules: Pick<GrantRules, "executor" | "maxNbProcessors">): number {
  return rules.executor === "local" ? grantedProcessors(nbProc, rules.maxNbProcessors) : nbProc;
}

export function grantNotes(asked: { nbProc: number; memMb: number | null; walltimeSeconds: number | null }, rules: GrantRules): string[] {
  const notes: string[] = [];
  const granted = processorsToGrant(asked.nbProc, rules);
  if (granted < asked.nbProc) {
    notes.push(`nb_proc ${asked.nbProc} is more than MaxNbProcessors (${rules.maxNbProcessors}) of this server; it will run on ${granted} processor${granted === 1 ? "" : "s"}`);
  }
  // Only the caps: a default applied to a job that asked nothing is no surprise to say.
  const capped = runLimits(asked, { ...rules.limits, defaultMemMb: null, defaultWalltimeSeconds: null });
  return [...notes, ...capped.notes];
}
