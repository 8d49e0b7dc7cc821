/**
 * The reads of queue control, shared by the worker (dispatch, dependencies) and the web
 * app (estimates, why-is-it-waiting): array loads, fair-share use, dependents, and the
 * queue-wide settings (paused). Same SQL layer as the job store.
 */
import type { DependencyKind } from "../../core/dependencies";
import type { UsageRow } from "../../core/fair-share";
import type { JobState } from "../../core/job-lifecycle";
import type { ArrayLoad } from "../../core/schedule";
import { bumpJobsVersion } from "./jobs-version";
import { ACTIVE, DEPENDENCY_BROKEN, WAITING, ownerKeySql } from "./queue-sql";
import { type Sql, toDate } from "./sql";

/** An element of an array as its actions need it. */
export interface ArrayElement {
  id: number;
  name: string;
  state: JobState;
  folder: string;
  purgedAt: Date | null;
}

/** A waiting job's edge to a parent, with the parent's state now. */
export interface DependencyEdge {
  jobId: number;
  parentId: number;
  kind: DependencyKind;
  parentState: JobState;
}

/** Why the queue is paused: who paused it, and when. */
export interface PauseState {
  by: string;
  at: string;
}

const PAUSE_KEY = "queue.paused";
const list = (n: number) => Array(n).fill("?").join(", ");

export interface QueueReads {
  /** Arrays with a `%N` limit and elements active now: how many are. */
  arrayLoads(): Promise<Map<number, ArrayLoad>>;
  /** Fair share: jobs ended since `since` with a measured CPU time, and active jobs. */
  usageRows(since: Date, maxNbProcessors: number): Promise<UsageRow[]>;
  /** Edges from waiting jobs to these parents. */
  dependents(parentIds: number[]): Promise<DependencyEdge[]>;
  /** Every waiting job's edge that can never be met (its parent failed, was killed, deleted...). */
  brokenDependencies(): Promise<DependencyEdge[]>;
  /** This job's edges that can never be met, whatever the job's own state (a requeue's check). */
  brokenEdgesOf(jobId: number): Promise<DependencyEdge[]>;
  /** States of these jobs (deleted ones included); ids with no row are absent. */
  statesOf(ids: number[]): Promise<Map<number, JobState>>;
  /** The highest job id given so far (0 before the first job). */
  lastJobId(): Promise<number>;
  /** Ids of the elements of these arrays (after_ok = array:7). */
  arrayElements(arrayIds: number[]): Promise<Map<number, number[]>>;
  /** The elements of an array (deleted ones left out), in index order. */
  elementsOf(arrayId: number): Promise<ArrayElement[]>;
  /** The pause, or null while the queue runs. */
  readPause(): Promise<PauseState | null>;
  /** Pause (a state) or resume (null); survives restarts of both programs. */
  writePause(state: PauseState | null): Promise<void>;
}

export function createQueueReads(sql: Sql): QueueReads {
  const edges = async (text: string, params: number[] = []) =>
    (await sql.all<DependencyEdge>(text, params)).map((e) => ({ ...e, jobId: Number(e.jobId), parentId: Number(e.parentId) }));
  const EDGES = `SELECT d."jobId" AS "jobId", d."parentId" AS "parentId", d."kind" AS "kind", p."state" AS "parentState"
    FROM "JobDependency" d JOIN "Job" c ON c."id" = d."jobId" JOIN "Job" p ON p."id" = d."parentId" WHERE c."state" IN ${WAITING}`;
  return {
    async arrayLoads() {
      const rows = await sql.all<{ arrayId: number; maxRunning: number; running: number }>(
        `SELECT j."arrayId" AS "arrayId", a."maxRunning" AS "maxRunning", COUNT(*) AS "running" FROM "Job" j JOIN "JobArray" a ON a."id" = j."arrayId"
         WHERE j."state" IN ${ACTIVE} AND a."maxRunning" IS NOT NULL GROUP BY j."arrayId", a."maxRunning"`,
      );
      return new Map(rows.map((r) => [Number(r.arrayId), { maxRunning: Number(r.maxRunning), running: Number(r.running) }]));
    },
    async usageRows(since, maxNbProcessors) {
      const ended = await sql.all<{ ownerKey: string; cpuSeconds: number }>(
        `SELECT ${ownerKeySql("j")} AS "ownerKey", j."cpuSeconds" AS "cpuSeconds" FROM "Job" j WHERE j."finishedAt" >= ? AND j."cpuSeconds" IS NOT NULL`,
        [since],
      );
      const active = await sql.all<{ ownerKey: string; nbProc: number; startedAt: unknown }>(
        `SELECT ${ownerKeySql("j")} AS "ownerKey", j."nbProc" AS "nbProc", j."startedAt" AS "startedAt" FROM "Job" j WHERE j."state" IN ${ACTIVE}`,
      );
      return [
        ...ended.map((r) => ({ ownerKey: r.ownerKey, cpuSeconds: Number(r.cpuSeconds) })),
        ...active.map((r) => ({ ownerKey: r.ownerKey, cpuSeconds: null, granted: Math.min(Number(r.nbProc), maxNbProcessors), startedAtMs: toDate(r.startedAt)?.getTime() ?? null })),
      ];
    },
    dependents: (parentIds) => (parentIds.length ? edges(`${EDGES} AND d."parentId" IN (${list(parentIds.length)})`, parentIds) : Promise.resolve([])),
    brokenDependencies: () => edges(`${EDGES} AND ${DEPENDENCY_BROKEN}`),
    brokenEdgesOf: (jobId) =>
      edges(
        `SELECT d."jobId" AS "jobId", d."parentId" AS "parentId", d."kind" AS "kind", p."state" AS "parentState"
         FROM "JobDependency" d JOIN "Job" p ON p."id" = d."parentId" WHERE d."jobId" = ? AND ${DEPENDENCY_BROKEN} ORDER BY d."parentId"`,
        [jobId],
      ),
    async statesOf(ids) {
      if (!ids.length) return new Map();
      const rows = await sql.all<{ id: number; state: JobState }>(`SELECT "id", "state" FROM "Job" WHERE "id" IN (${list(ids.length)})`, ids);
      return new Map(rows.map((r) => [Number(r.id), r.state]));
    },
    async lastJobId() {
      return Number((await sql.get<{ last: number | null }>(`SELECT MAX("id") AS "last" FROM "Job"`))?.last ?? 0);
    },
    async arrayElements(arrayIds) {
      const map = new Map<number, number[]>(arrayIds.map((id) => [id, []]));
      if (!arrayIds.length) return map;
      const rows = await sql.all<{ id: number; arrayId: number }>(`SELECT "id", "arrayId" FROM "Job" WHERE "arrayId" IN (${list(arrayIds.length)}) AND "state" <> 'deleted' ORDER BY "id"`, arrayIds);
      for (const r of rows) map.get(Number(r.arrayId))!.push(Number(r.id));
      return map;
    },
    async elementsOf(arrayId) {
      const rows = await sql.all<{ id: number; name: string; state: JobState; folder: string; purgedAt: unknown }>(
        `SELECT "id", "name", "state", "folder", "purgedAt" FROM "Job" WHERE "arrayId" = ? AND "state" <> 'deleted' ORDER BY "arrayIndex", "id"`,
        [arrayId],
      );
      return rows.map((r) => ({ ...r, id: Number(r.id), purgedAt: toDate(r.purgedAt) }));
    },
    async readPause() {
      const row = await sql.get<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = ?`, [PAUSE_KEY]);
      return row ? (JSON.parse(row.value) as PauseState) : null;
    },
    writePause(state) {
      const at = new Date();
      // The jobs version moves with it, so that open pages show the pause at once.
      return sql.transaction(async (tx) => {
        if (!state) await tx.run(`DELETE FROM "Setting" WHERE "key" = ?`, [PAUSE_KEY]);
        else
          await tx.run(
            `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "updatedAt" = excluded."updatedAt"`,
            [PAUSE_KEY, JSON.stringify(state), at],
          );
        await bumpJobsVersion(tx, at);
      });
    },
  };
}
