/**
 * What an array action did not do, in the words the array page and `qm ... --array` both use
 * (docs/queue-control.md, Arrays). Running and pending in Slurm are told apart: with
 * `executor = slurm` an element handed to Slurm is `pending` until Slurm starts it; a hold
 * cannot take it back, but calling it running sent people looking for runs not started.
 */
import type { ArrayActionAnswer } from "./api-types";

type Left = Pick<ArrayActionAnswer, "running" | "pending" | "already">;

/** "3 running and 2 handed to Slurm (pending there)", or "" with neither. */
export function activeWords(running: number, pending: number, runningWord = "running"): string {
  return [running ? `${running} ${runningWord}` : "", pending ? `${pending} handed to Slurm (pending there)` : ""].filter(Boolean).join(" and ");
}

/**
 * The active elements a hold or a delete left as they are: "3 already running and 2 handed to
 * Slurm (pending there), not held"; "2 running left as they are (kill them first)". `killFirst`
 * says how to kill them where the words are read (the page's button, qm's command).
 */
export function leftActiveWords(action: "hold" | "delete", answer: Left, killFirst: string): string {
  const active = activeWords(answer.running?.length ?? 0, answer.pending?.length ?? 0, action === "hold" ? "already running" : "running");
  if (!active) return "";
  return action === "hold" ? `${active}, not held` : `${active} left as they are (${killFirst})`;
}

/** The elements in the state asked for already (not an error, as for one job): "2 already held", "5 not held". */
export function alreadyWords(action: "hold" | "release", answer: Left): string {
  const n = answer.already?.length ?? 0;
  if (!n) return "";
  return action === "hold" ? `${n} already held` : `${n} not held`;
}
