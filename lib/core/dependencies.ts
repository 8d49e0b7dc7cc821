/**
 * Job dependencies (`after_ok`, `after_any`): when a waiting job may start, and when it
 * never will. A job may only wait for jobs submitted before it (checked at submit), so
 * waits can never go round in a circle. The rule in one place: the worker's queue read
 * (lib/server/store/job-reads.ts) builds its SQL from these state lists, and the start
 * estimate applies the same functions.
 *
 * - `after_ok`: met when the parent is `done`; broken when it ended any other way or was
 *   deleted (the child is then cancelled, with the reason).
 * - `after_any`: met when the parent has ended in any way (or was deleted).
 */
import { FINISHED_STATES, type JobState } from "./job-lifecycle";

export const DEPENDENCY_KINDS = ["after_ok", "after_any"] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

/** One edge: the job waits for `parentId`. */
export interface Dependency {
  parentId: number;
  kind: DependencyKind;
}

/** Parent states that let an `after_ok` child start. */
export const AFTER_OK_MET: readonly JobState[] = ["done"];
/** Parent states that let an `after_any` child start. */
export const AFTER_ANY_MET: readonly JobState[] = [...FINISHED_STATES, "deleted"];
/** Parent states after which an `after_ok` child can never start. */
export const AFTER_OK_BROKEN: readonly JobState[] = AFTER_ANY_MET.filter((s) => !AFTER_OK_MET.includes(s));

export type DependencyStatus = "met" | "waiting" | "broken";

export function dependencyStatus(kind: DependencyKind, parentState: JobState): DependencyStatus {
  if ((kind === "after_ok" ? AFTER_OK_MET : AFTER_ANY_MET).includes(parentState)) return "met";
  return kind === "after_ok" && AFTER_OK_BROKEN.includes(parentState) ? "broken" : "waiting";
}

/** Met when every edge is; broken when one is. */
export function dependenciesStatus(deps: { kind: DependencyKind; parentState: JobState }[]): DependencyStatus {
  const each = deps.map((d) => dependencyStatus(d.kind, d.parentState));
  if (each.includes("broken")) return "broken";
  return each.includes("waiting") ? "waiting" : "met";
}

/** The reason recorded on a child cancelled because of its parent. */
export function brokenReason(parentId: number, parentState: JobState): string {
  // A deleted job cannot be requeued: the child can only be submitted again without it.
  if (parentState === "deleted") return `job ${parentId}, which this job waited for (after_ok), was deleted; it will never run (submit it again without that dependency)`;
  return `job ${parentId}, which this job waited for (after_ok), ended ${parentState}; it will never run (requeue job ${parentId}, then this job, to try again)`;
}
