/**
 * What qm needs of each kind of answer from the JSON API, checked by the API client before
 * a command reads it: a server that answers any JSON (`{"weird":true}` to everything) is
 * not QueueManager, and its answer must never be taken for a done action ("kill requested")
 * nor crash a command (`reading 'priority'`). Only the fields qm relies on are checked,
 * so that a newer QueueManager with more fields passes.
 */
import type { ArrayActionAnswer, ArrayAnswer, HoldAnswer, JobAnswer, JobsAnswer, LogAnswer, PauseAnswer, StatusAnswer } from "../lib/core/api-types";
import type { CreatedToken, SessionUser } from "../lib/core/account-types";
import type { JobStats } from "../lib/core/job-stats";

/** An answer kind: what a body of it holds (`fits`), and what one that does not lacks, in words ("no job in it"). */
export interface AnswerShape<T> {
  lacks: string;
  fits(body: unknown): body is T;
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);
const shape = <T>(lacks: string, test: (body: Fields) => boolean): AnswerShape<T> => ({ lacks, fits: (body): body is T => isObject(body) && test(body) });
/** A job as lists and pages send it: what every command that reads one uses first. */
const isJob = (v: unknown) => isObject(v) && typeof v.id === "number" && typeof v.name === "string" && typeof v.state === "string";
const isIdList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "number");

/** POST /api/jobs: one job (with its array), or a job or an error per zip. */
export interface SubmitAnswer {
  job?: SubmittedEntry;
  array?: { id: number; jobIds: number[] };
  jobs?: (SubmittedEntry | { file: string; error: { message: string } })[];
}

/** One queued job; `notes` (absent from older servers): what it will get that differs from what it asked. */
interface SubmittedEntry {
  id: number;
  array?: { id: number; jobIds: number[] };
  notes?: string[];
}

/** An array action's answer; an older server sends no `refused`. */
export type ArrayActionReply = Omit<ArrayActionAnswer, "refused"> & { refused?: ArrayActionAnswer["refused"] };

export const ANSWER = {
  job: shape<JobAnswer>("no job in it", (b) => isJob(b.job) && isObject(b.can)),
  jobs: shape<JobsAnswer>("no job list in it", (b) => Array.isArray(b.jobs) && b.jobs.every(isJob) && typeof b.total === "number"),
  submitted: shape<SubmitAnswer>("no job id in it", (b) =>
    Array.isArray(b.jobs) ? b.jobs.every((e) => isObject(e) && (typeof e.id === "number" || isObject(e.error))) : isObject(b.job) && typeof b.job.id === "number",
  ),
  log: shape<LogAnswer>("no log in it", (b) => typeof b.text === "string" && typeof b.state === "string" && typeof b.exists === "boolean" && typeof b.nextOffset === "number"),
  /** POST /api/jobs/:id/kill, requeue, DELETE /api/jobs/:id: `{ ok: true }`. */
  done: shape<{ ok: true }>("no \"ok\" in it", (b) => b.ok === true),
  hold: shape<HoldAnswer>("no job state in it", (b) => b.ok === true && typeof b.state === "string"),
  priority: shape<{ priority: number; changed: boolean }>("no priority in it", (b) => typeof b.priority === "number" && typeof b.changed === "boolean"),
  array: shape<ArrayAnswer>("no array in it", (b) => isObject(b.array) && typeof b.array.total === "number" && isObject(b.array.counts)),
  arrayAction: shape<ArrayActionReply>("no elements acted on in it", (b) => isIdList(b.applied) && isIdList(b.skipped)),
  pause: shape<PauseAnswer>("no queue state in it", (b) => b.paused === null || (isObject(b.paused) && typeof b.paused.by === "string")),
  // qm submit reads only jobFile (absent from older servers, which sent the counts).
  status: shape<StatusAnswer>("no queue status in it", (b) => typeof b.jobFile === "string" || isObject(b.counts)),
  stats: shape<JobStats>("no statistics in it", (b) => isObject(b.totals) && Array.isArray(b.owners) && Array.isArray(b.days)),
  session: shape<{ user: SessionUser | null; via: string }>("no session in it", (b) => b.user === null || (isObject(b.user) && typeof b.user.username === "string")),
  createdToken: shape<{ token: CreatedToken }>("no token in it", (b) => isObject(b.token) && typeof b.token.token === "string"),
  revokedToken: shape<{ token: unknown }>("no token in it", (b) => isObject(b.token)),
} as const;
