/**
 * The one place that writes Job and JobEvent rows, for the worker and the web app alike.
 * State changes come planned by lib/core/job-lifecycle.ts and are applied with a guard
 * (`WHERE id = ? AND state = <expected>`), row and event in one transaction: a racing
 * kill, requeue or delete can never resurrect or finish a job twice; the loser is told.
 * Every write also bumps the jobs version in its transaction (jobs-version.ts), which is
 * how the web server learns, with one cheap read, that its open pages need updating.
 */
import { type Dependency, keepsWaitsMet, waitMetNote } from "../../core/dependencies";
import type { JobPatch, JobState, TransitionPlan } from "../../core/job-lifecycle";
import { isSampleDue } from "../../core/progress-curve";
import type { Sql, SqlValue } from "./sql";
import { createJobReads, type JobReads } from "./job-reads";
import { bumpJobsVersion } from "./jobs-version";
import { createQueueReads, type QueueReads } from "./queue-reads";

/** A new row: what its info file or submission says, plus where its folder is. */
export interface NewJob extends JobPatch {
  name: string;
  owner?: string | null;
  info?: string | null;
  script: string;
  nbProc?: number;
  priority?: number;
  params?: string;
  folder: string;
  source: "upload" | "api" | "folder" | "import";
  userId?: number | null;
  nbGpu?: number;
  memMb?: number | null;
  walltimeSeconds?: number | null;
  arrayId?: number | null;
  arrayIndex?: number | null;
  imported?: boolean;
  /** Jobs it waits for (after_ok / after_any), recorded with the row. */
  dependsOn?: Dependency[];
}

/** A row to insert with the transition that creates it (createJobs). */
export interface NewJobRow {
  job: NewJob;
  plan: TransitionPlan;
}

/** A new array: its elements are NewJob rows created with it. */
export interface NewArray {
  name: string;
  spec: string;
  maxRunning: number | null;
}

/** What a guarded write expects the row to hold; the write is refused otherwise. */
export interface Guard {
  state: JobState;
  folder?: string;
  /** Only while retention has not claimed the folder (purgedAt is null). */
  unpurged?: boolean;
}

export interface JobStore extends JobReads, QueueReads {
  /** Insert a row planned by submit, reject, orphan or import, with its event (and dependencies); returns its id. */
  createJob(job: NewJob, plan: TransitionPlan): Promise<number>;
  /** Insert several rows (folders dropped together), each as createJob would, in one transaction: all of them or none. */
  createJobs(jobs: NewJobRow[]): Promise<number[]>;
  /** Insert an array and all its elements in one transaction: all of them or none. */
  createArray(array: NewArray, elements: NewJob[], plan: TransitionPlan): Promise<{ arrayId: number; ids: number[] }>;
  /** Apply a planned transition if the row still matches `guard`; false when it did not. */
  transition(id: number, plan: TransitionPlan, guard?: Guard): Promise<boolean>;
  /** Columns that change within a state (folder renamed, progress, run details). */
  update(id: number, guard: Guard, patch: Omit<JobPatch, "state">): Promise<boolean>;
  /** Several updates in one transaction; how many rows still matched their guard. */
  updateMany(updates: { id: number; guard: Guard; patch: Omit<JobPatch, "state"> }[]): Promise<number>;
  /** A waiting job's new priority, with its event; false when the row no longer matches `guard`. */
  setPriority(id: number, guard: Guard, priority: number, detail: string): Promise<boolean>;
  /** Record a kill request on an active job (once); false when it is not active any more. */
  requestKill(id: number, by: string): Promise<boolean>;
  /**
   * An active job's new percent: its progress column, and a ProgressSample (time, percent)
   * when one is due (progress-curve.ts). False when the row no longer matches `guard`.
   */
  recordProgress(id: number, guard: Guard, percent: number, at?: Date): Promise<boolean>;
  /** An event that changes no column: mail-sent, mail-failed, requeue-failed... */
  addEvent(id: number, kind: string, detail?: string | null): Promise<void>;
  /** Remove a queued row whose folder never arrived (a submission that failed half-way). */
  discard(id: number, guard: Guard): Promise<boolean>;
  readonly sql: Sql;
}

/** Columns a patch or a new row may set: the whitelist that keeps generated SQL safe. */
const COLUMNS = new Set([
  "name", "owner", "info", "script", "nbProc", "priority", "params", "notes", "state", "folder", "source", "userId", "nbGpu", "memMb",
  "walltimeSeconds", "arrayId", "arrayIndex", "imported", "purgedAt", "submittedAt", "startedAt", "finishedAt", "exitCode",
  "signal", "cpuSeconds", "peakMemoryKb", "progress", "pid", "runToken", "runInfo", "gpuMemPeakMb", "gpuUtilMean",
  "killRequestedAt", "error", "updatedAt",
]);

function columnsOf(patch: object): [string[], SqlValue[]] {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  for (const [key] of entries) if (!COLUMNS.has(key)) throw new Error(`job store: unknown column ${key}`);
  return [entries.map(([k]) => k), entries.map(([, v]) => v as SqlValue)];
}

const INSERT_EVENT = `INSERT INTO "JobEvent" ("jobId", "at", "kind", "detail") VALUES (?, ?, ?, ?)`;
const INSERT_SAMPLE = `INSERT INTO "ProgressSample" ("jobId", "at", "percent") VALUES (?, ?, ?)`;
/** Jobs whose sample times are remembered; the oldest are forgotten past this. */
const SAMPLED_JOBS = 1000;
const INSERT_DEPENDENCY = `INSERT INTO "JobDependency" ("jobId", "parentId", "kind") VALUES (?, ?, ?)`;

export function createJobStore(sql: Sql): JobStore {
  const event = async (tx: Sql, id: number, at: Date, kind: string, detail: string | null) => {
    await tx.run(INSERT_EVENT, [id, at, kind, detail]);
    await bumpJobsVersion(tx, at);
  };

  const insertJob = async (tx: Sql, { dependsOn = [], ...job }: NewJob, plan: TransitionPlan, at: Date) => {
    const row = { submittedAt: at, ...job, ...plan.patch, updatedAt: at };
    const [cols, values] = columnsOf(row);
    const inserted = await tx.get<{ id: number }>(
      `INSERT INTO "Job" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) RETURNING "id"`,
      values,
    );
    const id = Number(inserted!.id);
    for (const d of dependsOn) await tx.run(INSERT_DEPENDENCY, [id, d.parentId, d.kind]);
    await event(tx, id, at, plan.event.kind, plan.event.detail);
    return id;
  };

  const guardedUpdate = async (tx: Sql, id: number, guard: Guard | undefined, patch: object, at: Date) => {
    const [cols, values] = columnsOf({ ...patch, updatedAt: at });
    const where = ['"id" = ?', ...(guard ? ['"state" = ?'] : []), ...(guard?.folder !== undefined ? ['"folder" = ?'] : []), ...(guard?.unpurged ? ['"purgedAt" IS NULL'] : [])];
    const params = [...values, id, ...(guard ? [guard.state] : []), ...(guard?.folder !== undefined ? [guard.folder] : [])];
    const { changes } = await tx.run(`UPDATE "Job" SET ${cols.map((c) => `"${c}" = ?`).join(", ")} WHERE ${where.join(" AND ")}`, params);
    return changes === 1;
  };
  const updateMany: JobStore["updateMany"] = (updates) => {
    if (updates.some(({ patch }) => "state" in patch)) throw new Error("job store: a state change is a transition");
    const at = new Date();
    return sql.transaction(async (tx) => {
      let changed = 0;
      for (const { id, guard, patch } of updates) if (await guardedUpdate(tx, id, guard, patch, at)) changed++;
      if (changed) await bumpJobsVersion(tx, at);
      return changed;
    });
  };

  // A done job being deleted: the after_ok waits it met stay met (lib/core/dependencies.ts).
  const forgetMetWaits = async (tx: Sql, parentId: number, deleted: string | null, at: Date) => {
    const children = await tx.all<{ jobId: number }>(`SELECT "jobId" FROM "JobDependency" WHERE "parentId" = ? AND "kind" = 'after_ok'`, [parentId]);
    await tx.run(`DELETE FROM "JobDependency" WHERE "parentId" = ? AND "kind" = 'after_ok'`, [parentId]);
    for (const { jobId } of children) await event(tx, Number(jobId), at, "wait-met", waitMetNote(parentId, deleted));
  };

  // First and last sample time of each job this process recorded progress of.
  const sampled = new Map<number, { first: number; last: number }>();

  return {
    sql,
    ...createJobReads(sql),
    ...createQueueReads(sql),
    createJob(job, plan) {
      if (plan.from !== null) throw new Error(`job store: ${plan.action} does not create a row`);
      const at = new Date();
      return sql.transaction((tx) => insertJob(tx, job, plan, at));
    },
    createJobs(jobs) {
      if (jobs.some(({ plan }) => plan.from !== null)) throw new Error("job store: only a creating transition makes a row");
      const at = new Date();
      return sql.transaction(async (tx) => {
        const ids: number[] = [];
        for (const { job, plan } of jobs) ids.push(await insertJob(tx, job, plan, at));
        return ids;
      });
    },
    createArray(array, elements, plan) {
      if (plan.from !== null) throw new Error(`job store: ${plan.action} does not create a row`);
      const at = new Date();
      return sql.transaction(async (tx) => {
        const inserted = await tx.get<{ id: number }>(
          `INSERT INTO "JobArray" ("name", "spec", "maxRunning", "createdAt") VALUES (?, ?, ?, ?) RETURNING "id"`,
          [array.name, array.spec, array.maxRunning, at],
        );
        const arrayId = Number(inserted!.id);
        const ids: number[] = [];
        // One submission time for all: the elements keep their index order in the queue.
        for (const element of elements) ids.push(await insertJob(tx, { ...element, arrayId }, plan, at));
        return { arrayId, ids };
      });
    },
    transition(id, plan, guard) {
      if (plan.from === null) throw new Error(`job store: ${plan.action} creates a row; use createJob`);
      const at = new Date();
      return sql.transaction(async (tx) => {
        if (!(await guardedUpdate(tx, id, { ...guard, state: plan.from as JobState }, plan.patch, at))) return false;
        await event(tx, id, at, plan.event.kind, plan.event.detail);
        if (plan.to === "deleted" && keepsWaitsMet(plan.from as JobState)) await forgetMetWaits(tx, id, plan.event.detail, at);
        return true;
      });
    },
    async update(id, guard, patch) {
      return (await updateMany([{ id, guard, patch }])) === 1;
    },
    updateMany,
    setPriority(id, guard, priority, detail) {
      const at = new Date();
      return sql.transaction(async (tx) => {
        if (!(await guardedUpdate(tx, id, guard, { priority }, at))) return false;
        await event(tx, id, at, "priority", detail);
        return true;
      });
    },
    requestKill(id, by) {
      const at = new Date();
      return sql.transaction(async (tx) => {
        const { changes } = await tx.run(
          `UPDATE "Job" SET "killRequestedAt" = ?, "updatedAt" = ? WHERE "id" = ? AND "state" IN ('running', 'pending') AND "killRequestedAt" IS NULL`,
          [at, at, id],
        );
        if (changes !== 1) return false;
        await event(tx, id, at, "kill-requested", `by ${by}`);
        return true;
      });
    },
    recordProgress(id, guard, percent, at = new Date()) {
      const seen = sampled.get(id);
      const due = isSampleDue(seen?.first, seen?.last, at.getTime(), percent);
      return sql.transaction(async (tx) => {
        if (!(await guardedUpdate(tx, id, guard, { progress: percent }, at))) return false;
        await bumpJobsVersion(tx, at);
        if (due) {
          await tx.run(INSERT_SAMPLE, [id, at, percent]);
          sampled.delete(id);
          sampled.set(id, { first: seen?.first ?? at.getTime(), last: at.getTime() });
          if (sampled.size > SAMPLED_JOBS) sampled.delete(sampled.keys().next().value!);
        }
        return true;
      });
    },
    addEvent(id, kind, detail = null) {
      return sql.transaction((tx) => event(tx, id, new Date(), kind, detail));
    },
    discard(id, guard) {
      return sql.transaction(async (tx) => {
        const { changes } = await tx.run(`DELETE FROM "Job" WHERE "id" = ? AND "state" = ? AND "folder" = ?`, [id, guard.state, guard.folder ?? ""]);
        if (changes !== 1) return false;
        await tx.run(`DELETE FROM "JobEvent" WHERE "jobId" = ?`, [id]);
        await tx.run(`DELETE FROM "JobDependency" WHERE "jobId" = ?`, [id]);
        await bumpJobsVersion(tx, new Date());
        return true;
      });
    },
  };
}
