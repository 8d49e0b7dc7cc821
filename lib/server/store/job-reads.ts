/** The job store's reads: what the worker looks up per job, in the same SQL layer as its writes. */
import { FINISHED_STATES, type JobState } from "../../core/job-lifecycle";
import { type Sql, type SqlValue, toDate } from "./sql";
import { DEPENDENCIES_MET, ownerKeySql } from "./queue-sql";

/** A Job row as the worker and the store's callers see it. */
export interface JobRow {
  id: number;
  name: string;
  owner: string | null;
  info: string | null;
  script: string;
  nbProc: number;
  nbGpu: number;
  memMb: number | null;
  walltimeSeconds: number | null;
  priority: number;
  params: string;
  notes: string | null;
  state: JobState;
  folder: string;
  source: string;
  userId: number | null;
  arrayId: number | null;
  arrayIndex: number | null;
  submittedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  exitCode: number | null;
  signal: string | null;
  cpuSeconds: number | null;
  peakMemoryKb: number | null;
  progress: number | null;
  pid: number | null;
  runToken: string | null;
  runInfo: string | null;
  killRequestedAt: Date | null;
  purgedAt: Date | null;
  error: string | null;
  updatedAt: Date;
}

/** A queued job as dispatch needs it. */
export type QueuedRow = Pick<
  JobRow,
  "id" | "name" | "owner" | "info" | "script" | "nbProc" | "nbGpu" | "memMb" | "walltimeSeconds" | "priority" | "submittedAt" | "folder" | "userId" | "arrayId" | "arrayIndex" | "notes"
> & {
  /** The `%N` limit of its array (null: none, or not in an array). */
  arrayMaxRunning: number | null;
  /** Whose job it is, for fair share (lib/core/fair-share.ts). */
  ownerKey: string;
  /** How it came, and the submitting account's user name and e-mail: who it runs as (lib/core/run-as.ts). */
  source: string;
  accountName: string | null;
  accountEmail: string | null;
};

/** A queued job as the scheduler weighs it (readQueue): what decideStarts, the array limits and the GPU check need. */
export type QueueEntry = Pick<QueuedRow, "id" | "nbProc" | "nbGpu" | "priority" | "submittedAt" | "folder" | "arrayId" | "arrayMaxRunning" | "ownerKey">;

/** How readQueue reads the queue. */
export interface QueueReadOptions {
  /** Arrays at their `%N` limit: their elements are left out. */
  excludeArrays?: number[];
  /** Fair share: up to `limit` jobs of each owner instead of `limit` jobs in all. */
  perOwner?: boolean;
}

const DATE_COLUMNS = ["submittedAt", "startedAt", "finishedAt", "killRequestedAt", "purgedAt", "updatedAt"] as const;

function toRow<T>(raw: Record<string, unknown>): T {
  const row: Record<string, unknown> = { ...raw };
  for (const c of DATE_COLUMNS) if (c in row) row[c] = toDate(row[c]);
  return row as T;
}

const QUEUED_NAMES = ["id", "name", "owner", "info", "script", "nbProc", "nbGpu", "memMb", "walltimeSeconds", "priority", "submittedAt", "folder", "userId", "arrayId", "arrayIndex", "notes", "source"];
const QUEUED_COLUMNS = QUEUED_NAMES.map((c) => `j."${c}"`)
  .concat([`a."maxRunning" AS "arrayMaxRunning"`, `${ownerKeySql("j")} AS "ownerKey"`, `u."username" AS "accountName"`, `u."email" AS "accountEmail"`])
  .join(", ");
/** What the queue's window reads of each job (QueueEntry): a pass reads up to 50 to start one or two. */
const ENTRY_NAMES = ["id", "nbProc", "nbGpu", "priority", "submittedAt", "folder", "arrayId"];
const ENTRY_COLUMNS = ENTRY_NAMES.map((c) => `j."${c}"`)
  .concat([`a."maxRunning" AS "arrayMaxRunning"`, `${ownerKeySql("j")} AS "ownerKey"`])
  .join(", ");
/** The same columns read back from a subquery. */
const ENTRY_ALIASES = [...ENTRY_NAMES, "arrayMaxRunning", "ownerKey"].map((c) => `q."${c}"`).join(", ");
/** The worker's order (compareQueued in lib/core/schedule.ts without fair share), on table alias `t`. */
const queueOrder = (t = "") => `${t}"priority" DESC, ${t}"submittedAt" ASC, ${t}"id" ASC`;
const list = (n: number) => Array(n).fill("?").join(", ");

export interface JobReads {
  getJob(id: number): Promise<JobRow | undefined>;
  /** Rows in these states, oldest first. */
  jobsIn(states: JobState[]): Promise<JobRow[]>;
  /**
   * The head of the queue in the worker's order (priority, then first come), skipping
   * `skip`: queued jobs whose dependencies are met (lib/core/dependencies.ts).
   */
  readQueue(skip: number[], limit: number, options?: QueueReadOptions): Promise<QueueEntry[]>;
  /** Job `id` as dispatch starts it, while it is queued. */
  queuedRow(id: number): Promise<QueuedRow | undefined>;
  /**
   * Which of these folders are not a new drop: those of a waiting (queued or held) row, and
   * those of a row deleted since `deletedSince` (its delete renames the folder away just after
   * claiming the row).
   */
  claimedFolders(folders: string[], deletedSince: Date): Promise<Map<string, "waiting" | "deleted">>;
  /** The waiting row whose folder is `folder`. */
  waitingByFolder(folder: string): Promise<JobRow | undefined>;
  /** The newest finished row whose folder is one of `folders` (a folder moved back by hand). */
  finishedByFolder(folders: string[]): Promise<JobRow | undefined>;
  /** Ids of active jobs with a kill request. */
  killRequests(): Promise<number[]>;
  /** Waiting rows not updated since `before` (what the rescan needs of them: 10,000 waiting rows stay small). */
  waitingSince(before: Date): Promise<Pick<JobRow, "id" | "state" | "folder">[]>;
  /** How many events of `kind` the job has had since `since`. */
  countEvents(id: number, kind: string, since: Date): Promise<number>;
}

export function createJobReads(sql: Sql): JobReads {
  const rows = async (text: string, params: SqlValue[]) => (await sql.all<Record<string, unknown>>(text, params)).map((r) => toRow<JobRow>(r));
  return {
    async getJob(id) {
      const raw = await sql.get<Record<string, unknown>>(`SELECT * FROM "Job" WHERE "id" = ?`, [id]);
      return raw ? toRow<JobRow>(raw) : undefined;
    },
    jobsIn: (states) => rows(`SELECT * FROM "Job" WHERE "state" IN (${list(states.length)}) ORDER BY "id"`, states),
    async readQueue(skip, limit, options = {}) {
      const arrays = options.excludeArrays ?? [];
      const where = [
        `j."state" = 'queued'`,
        ...(skip.length ? [`j."id" NOT IN (${list(skip.length)})`] : []),
        ...(arrays.length ? [`(j."arrayId" IS NULL OR j."arrayId" NOT IN (${list(arrays.length)}))`] : []),
        `NOT EXISTS (SELECT 1 FROM "JobDependency" d JOIN "Job" p ON p."id" = d."parentId" WHERE d."jobId" = j."id" AND NOT ${DEPENDENCIES_MET})`,
      ].join(" AND ");
      const from = `FROM "Job" j LEFT JOIN "JobArray" a ON a."id" = j."arrayId" WHERE ${where}`;
      const text = options.perOwner
        ? `SELECT ${ENTRY_ALIASES} FROM (SELECT ${ENTRY_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY ${ownerKeySql("j")} ORDER BY ${queueOrder("j.")}) AS "rn" ${from}) q WHERE q."rn" <= ? ORDER BY ${queueOrder("q.")}`
        : `SELECT ${ENTRY_COLUMNS} ${from} ORDER BY ${queueOrder("j.")} LIMIT ?`;
      return (await sql.all<Record<string, unknown>>(text, [...skip, ...arrays, limit])).map((r) => toRow<QueueEntry>(r));
    },
    async queuedRow(id) {
      const raw = await sql.get<Record<string, unknown>>(
        `SELECT ${QUEUED_COLUMNS} FROM "Job" j LEFT JOIN "JobArray" a ON a."id" = j."arrayId" LEFT JOIN "User" u ON u."id" = j."userId" WHERE j."id" = ? AND j."state" = 'queued'`,
        [id],
      );
      return raw ? toRow<QueuedRow>(raw) : undefined;
    },
    async claimedFolders(folders, deletedSince) {
      const claims = new Map<string, "waiting" | "deleted">();
      // In slices: the rescan asks about every folder of QM_qJobs, and a statement takes a
      // bounded number of parameters.
      for (let i = 0; i < folders.length; i += 500) {
        const slice = folders.slice(i, i + 500);
        const found = await sql.all<{ folder: string; state: string }>(
          `SELECT "folder", "state" FROM "Job" WHERE "folder" IN (${list(slice.length)}) AND ("state" IN ('queued', 'held') OR ("state" = 'deleted' AND "updatedAt" > ?))`,
          [...slice, deletedSince],
        );
        for (const r of found) if (claims.get(r.folder) !== "waiting") claims.set(r.folder, r.state === "deleted" ? "deleted" : "waiting");
      }
      return claims;
    },
    async waitingByFolder(folder) {
      return (await rows(`SELECT * FROM "Job" WHERE "state" IN ('queued', 'held') AND "folder" = ? ORDER BY "id" DESC LIMIT 1`, [folder]))[0];
    },
    async finishedByFolder(folders) {
      const states = [...FINISHED_STATES];
      const found = await rows(
        `SELECT * FROM "Job" WHERE "folder" IN (${list(folders.length)}) AND "state" IN (${list(states.length)}) ORDER BY "id" DESC LIMIT 1`,
        [...folders, ...states],
      );
      return found[0];
    },
    async killRequests() {
      const found = await sql.all<{ id: number }>(`SELECT "id" FROM "Job" WHERE "state" IN ('running', 'pending') AND "killRequestedAt" IS NOT NULL`);
      return found.map((r) => Number(r.id));
    },
    async waitingSince(before) {
      const found = await sql.all<{ id: number; state: JobState; folder: string }>(
        `SELECT "id", "state", "folder" FROM "Job" WHERE "state" IN ('queued', 'held') AND "updatedAt" < ? ORDER BY "id"`,
        [before],
      );
      return found.map((r) => ({ ...r, id: Number(r.id) }));
    },
    async countEvents(id, kind, since) {
      const found = await sql.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "JobEvent" WHERE "jobId" = ? AND "kind" = ? AND "at" >= ?`, [id, kind, since]);
      return Number(found?.n ?? 0);
    },
  };
}
