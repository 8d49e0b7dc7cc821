/**
 * What a job's queue keys add to its row when it enters the queue (lib/core/queue-options.ts):
 * the state it is submitted in (held or queued), its index in an array, and the jobs it
 * waits for (recorded with the row, in the same transaction). Uploads, array elements and
 * folder drops all take them from here.
 */
import type { WaitingState } from "../../core/job-lifecycle";
import type { NewJob } from "../store/job-store";
import type { ResolvedQueueOptions } from "./resolve-queue-options";

/** The state a new job enters: held when its info file says so. */
export const submitState = (options: Pick<ResolvedQueueOptions, "hold">): WaitingState => (options.hold ? "held" : "queued");

/** The row columns of the queue keys. */
export function queueColumns(options: Pick<ResolvedQueueOptions, "arrayIndex" | "dependsOn">): Pick<NewJob, "arrayIndex" | "dependsOn"> {
  return { arrayIndex: options.arrayIndex, dependsOn: options.dependsOn };
}
