/**
 * The notes a job's page and its submission answer show: what QueueManager read instead of
 * what (the row's notes, the lines process.log's header gets at each run) and, while it
 * waits, what it will get that differs from what it asked (lib/core/grant-notes.ts).
 */
import { grantNotes } from "../../core/grant-notes";
import { isWaitingState } from "../../core/job-lifecycle";
import type { QmConfig } from "../../core/qm-config";
import type { Job } from "../generated/prisma/client";

export type NotedJob = Pick<Job, "notes" | "nbProc" | "memMb" | "walltimeSeconds" | "state">;

/** `readNotes`: false when the viewer may not see the job's details (they name its files). */
export function jobNotes(job: NotedJob, config: QmConfig, readNotes = true): string[] {
  let read: string[] = [];
  if (readNotes && job.notes) {
    try {
      const parsed: unknown = JSON.parse(job.notes);
      if (Array.isArray(parsed)) read = parsed.filter((n): n is string => typeof n === "string");
    } catch {
      // A row written by hand: its notes are not worth a failed page.
    }
  }
  const grants = isWaitingState(job.state) ? grantNotes(job, { executor: config.executor, maxNbProcessors: config.maxNbProcessors, limits: config.limits }) : [];
  return [...read, ...grants];
}

/** The fields jobNotes reads, picked from a new job's columns. */
export const notedOf = (columns: Omit<NotedJob, "state">, state: string): NotedJob => ({
  notes: columns.notes, nbProc: columns.nbProc, memMb: columns.memMb, walltimeSeconds: columns.walltimeSeconds, state,
});
