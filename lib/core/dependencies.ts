/**
 * Job dependencies (`after_ok`, `after_any`): when a waiting job may start, and when it
 * never will. A job may only wait for jobs submitted before it (checked at submit), so
 * waits can never go round in a circle. The rule in one place: the worker's queue read
 * (lib/server/store/job-reads.ts) builds its SQL from these state lists, and the start
 * estimate applies the same functions.
 *
 * - `after_ok`: met when the parent is `done`; broken when it ended any other way or was
 *   deleted before it ended done (the child is then cancelled, with the reason).
 * - `after_any`: met when the parent has ended in any way (or was deleted).
 *
 * A parent that ended done met its after_ok waits for good: deleting it afterwards (its
 * results cleaned up, an array's done elements deleted) must not cancel the jobs still
 * waiting for its siblings, as Slurm forgets a dependency once it is satisfied. So the
 * delete of a job in an AFTER_OK_MET state drops its after_ok edges, in the delete's own
 * transaction (lib/server/store/job-store.ts): what is left pointing at a deleted job
 * never ended done.
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

/** Deleting a job in this state leaves its after_ok waits met: they are dropped (above). */
export const keepsWaitsMet = (state: JobState): boolean => AFTER_OK_MET.includes(state);

/** The history line of a job whose wait was met by a parent deleted since. */
export const waitMetNote = (parentId: number, deleted: string | null): string =>
  `job ${parentId}, which this job waited for (after_ok), ended done, then was deleted${deleted ? ` (${deleted})` : ""}: that wait stays met`;

/** What is known of a parent that broke an after_ok wait: enough to say what can be done. */
export interface BrokenParent {
  id: number;
  state: JobState;
  /** The array it is an element of (after_ok = array:7 waits for each element). */
  arrayId?: number | null;
  /**
   * Why it can never run again itself, so that requeuing it is refused too: it was
   * cancelled for a deleted job further up ("job 11 waited for job 1, which was deleted"),
   * or retention removed its folder.
   */
  lostFor?: string | null;
}

const parentName = (p: BrokenParent) => (p.arrayId ? `job ${p.id} (element of array ${p.arrayId})` : `job ${p.id}`);

function whatBecame(p: BrokenParent): string {
  if (p.state === "deleted") return "was deleted";
  return p.lostFor ? `ended ${p.state} and can never run again (${p.lostFor})` : `ended ${p.state}`;
}

const canRequeue = (p: BrokenParent) => p.state !== "deleted" && !p.lostFor;

/**
 * What the owner can do: requeue the parent, then the child; or, when the parent can never
 * run again (deleted, its folder removed by retention, or cancelled for such a job),
 * submit the child again without that wait. `array:7` leaves deleted elements out, so for
 * a deleted element it still works.
 */
function remedy(p: BrokenParent, then: string): string {
  if (canRequeue(p)) return `requeue job ${p.id}${then}`;
  const array = p.arrayId && p.state === "deleted" ? `, or with \`after_ok = array:${p.arrayId}\`, which now stands for the elements left` : "";
  return `submit it again without that wait${array}`;
}

/** The reason recorded on a child cancelled because of its parent (and shown before that). */
export function brokenReason(parent: BrokenParent): string {
  return `${parentName(parent)}, which this job waited for (after_ok), ${whatBecame(parent)}; it will never run (${remedy(parent, ", then this job, to try again")})`;
}

/** Why job `childId`, requeued, would be cancelled again at once (its requeue is refused). */
export function requeueRefusal(childId: number, parent: BrokenParent): string {
  const then = canRequeue(parent) ? `${remedy(parent, " first")}.` : `it can never run: ${remedy(parent, "")}.`;
  return `Job ${childId} waits (after_ok) for ${parentName(parent)}, which ${whatBecame(parent)}, so it would be cancelled again at once; ${then}`;
}
