/**
 * Which elements of an array a requeue would put back and which it would refuse, and why:
 * read once here for the action itself (applyToArray) and for the array's page beforehand
 * (GET /api/arrays/:id `refused`), so that the page does not offer a requeue the server
 * would refuse for every element. Each element's refusal is requeueObstacle, the check
 * requeueJob throws, so one job's page and its array's page cannot disagree.
 */
import type { ArrayRefusals, Permissions } from "../../core/api-types";
import { isFinishedState } from "../../core/job-lifecycle";
import type { QmLayout } from "../qm-folders";
import type { JobStore } from "../store/job-store";
import type { ArrayElement } from "../store/queue-reads";
import { requeueObstacle } from "./requeue-job";

/** The elements a requeue of the array fits (those that ended; other than done unless `everything`), split. */
export interface ArrayRequeuePlan {
  requeuable: number[];
  refused: { id: number; reason: string }[];
}

/** An element as read with the array (its row, just read: requeueJob reads it again and checks everything once more). */
type Element = Pick<ArrayElement, "id" | "folder" | "purgedAt"> & { state: string };

export async function planArrayRequeue(store: JobStore, layout: QmLayout, elements: Element[], everything = false): Promise<ArrayRequeuePlan> {
  const plan: ArrayRequeuePlan = { requeuable: [], refused: [] };
  for (const element of elements) {
    if (!isFinishedState(element.state) || (element.state === "done" && !everything)) continue;
    const obstacle = await requeueObstacle(store, layout, element);
    if (obstacle) plan.refused.push({ id: element.id, reason: obstacle.message });
    else plan.requeuable.push(element.id);
  }
  return plan;
}

/**
 * What the array's page should say of "Requeue unfinished" before anyone presses it: the
 * elements it would refuse (all of them: the button is disabled), with the first reason.
 * Nothing when the viewer may not requeue, or when every element it fits would go back.
 */
export async function arrayRefusals(store: JobStore, layout: QmLayout, elements: Element[], can: Permissions): Promise<ArrayRefusals> {
  if (!can.requeue) return {};
  const { requeuable, refused } = await planArrayRequeue(store, layout, elements);
  if (!refused.length) return {};
  return { requeue: { refused: refused.map((r) => r.id), of: requeuable.length + refused.length, reason: refused[0].reason } };
}
