/** The paged, filtered job lists of the dashboard and GET /api/jobs. */
import type { JobPage, Permissions } from "../../core/api-types";
import { AppError } from "../../core/app-error";
import type { ListJobsInput } from "../../core/job-schemas";
import { ACTIVE_STATES, FINISHED_STATES, WAITING_STATES } from "../../core/job-lifecycle";
import { type Db, dialectOf } from "../db";
import type { Dialect } from "../database-url";
import { Prisma } from "../generated/prisma/client";
import { type StateCounts, countIn } from "../store/state-counts";
import { type ProcessorRules, WITH_ACCOUNT, toJobSummary } from "./job-view";
import { ownerUseSql } from "../queue/fair-share-usage";
import { queuedAhead } from "./queue-position";

/**
 * The account whose jobs `mine=1` lists: its own, and the account-less ones with its
 * e-mail, ignoring case and spaces around it (lib/core/job-permissions.ts, isOwner).
 */
export interface JobsOwner {
  id: number;
  email: string | null;
}

/** The states a list shows: its view's, or the one asked for if the view has it (none otherwise). */
function statesOf(input: ListJobsInput): string[] {
  const states: string[] =
    input.view === "queued" ? [...WAITING_STATES] : input.view === "running" ? [...ACTIVE_STATES] : input.view === "finished" ? [...FINISHED_STATES] : [...WAITING_STATES, ...ACTIVE_STATES, ...FINISHED_STATES];
  return !input.state ? states : states.includes(input.state) ? [input.state] : [];
}

/** LIKE's pattern for a substring, its wildcards and escape character escaped (ESCAPE '\'). */
const likeArg = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** More than this many letters outside ASCII in a search: only its lower- and upper-case spellings are tried. */
const MAX_FOLDED_LETTERS = 4;

/**
 * The spellings of `text` that differ in the case of its letters outside ASCII ("étude":
 * étude, Étude). SQLite's LIKE folds the case of ASCII letters only, and so does
 * PostgreSQL's ILIKE in a database created with the C locale; trying each spelling finds
 * "Étude" for "étude" on both, the ASCII letters being folded by the database itself.
 */
export function caseSpellings(text: string): string[] {
  const chars = [...text];
  const folding = chars.flatMap((c, i) => (c > "\u007f" && c.toLowerCase() !== c.toUpperCase() ? [i] : []));
  if (folding.length > MAX_FOLDED_LETTERS) return [...new Set([text, text.toLowerCase(), text.toUpperCase()])];
  const spellings = new Set<string>();
  for (let mask = 0; mask < 1 << folding.length; mask++) {
    const spelling = [...chars];
    folding.forEach((i, bit) => (spelling[i] = mask & (1 << bit) ? chars[i].toUpperCase() : chars[i].toLowerCase()));
    spellings.add(spelling.join(""));
  }
  return [...spellings];
}

/** The SQL of one database: PostgreSQL quotes its identifiers and its LIKE is case-sensitive, hence ILIKE. */
function sqlOf(dialect: Dialect) {
  const pg = dialect === "postgresql";
  const col = (name: string) => Prisma.raw(pg ? `"${name}"` : name);
  // Substring match, case-insensitive on both, accented letters included (caseSpellings). A
  // `%` or `_` typed in a filter is itself: Prisma's `contains` left them wildcards on SQLite.
  const like = (name: string, text: string) => Prisma.sql`${col(name)} ${Prisma.raw(pg ? "ILIKE" : "LIKE")} ${likeArg(text)} ESCAPE '\\'`;
  const contains = (name: string, text: string) => {
    const spellings = caseSpellings(text);
    return spellings.length === 1 ? like(name, text) : Prisma.sql`(${Prisma.join(spellings.map((t) => like(name, t)), " OR ")})`;
  };
  return { pg, col, contains };
}
type JobsSql = ReturnType<typeof sqlOf>;

/**
 * What a list keeps of its states' jobs, as SQL conditions: the one rule of both its rows
 * and its total. None: filtered by state only, so its total is the sum of their counts.
 */
function filtersOf(input: ListJobsInput, showDetails: boolean, { col, contains }: JobsSql, mine?: JobsOwner): Prisma.Sql[] {
  const filters: Prisma.Sql[] = [];
  // One's own jobs' details are one's own to see (canSeeDetails): mine=1 may filter by them.
  const allowDetailFilters = showDetails || !!mine;
  // "owner": the job's e-mail or its account, as the lists show it. Refused, not ignored,
  // where owners are hidden: a script's `qm ls -o ann | ... kill` would act on every job.
  if (input.owner && !allowDetailFilters) {
    throw new AppError(
      "FORBIDDEN",
      "Owner details are hidden on this QueueManager (Display_details = False): the owner filter is for the administrator. List your own jobs with mine=1 (qm ls --mine).",
      { owner: "hidden on this QueueManager (Display_details = False); use mine=1 for your own jobs" },
    );
  }
  if (input.owner) {
    const accounts = Prisma.sql`SELECT ${col("id")} FROM ${col("User")} WHERE ${contains("username", input.owner)}`;
    filters.push(Prisma.sql`(${contains("owner", input.owner)} OR ${col("userId")} IN (${accounts}))`);
  }
  if (input.q) {
    const q = input.q;
    filters.push(allowDetailFilters ? Prisma.sql`(${contains("name", q)} OR ${contains("info", q)} OR ${contains("owner", q)})` : contains("name", q));
  }
  if (mine) filters.push(mine.email?.trim() ? Prisma.sql`(${col("userId")} = ${mine.id} OR (${col("userId")} IS NULL AND LOWER(TRIM(${col("owner")})) = ${mine.email.trim().toLowerCase()}))` : Prisma.sql`${col("userId")} = ${mine.id}`);
  return filters;
}

function orderOf(view: ListJobsInput["view"]): [column: string, direction: "ASC" | "DESC"][] {
  // The queue's order is the worker's: higher priority first, then first come.
  if (view === "queued") return [["priority", "DESC"], ["submittedAt", "ASC"], ["id", "ASC"]];
  if (view === "running") return [["startedAt", "ASC"], ["id", "ASC"]];
  if (view === "finished") return [["finishedAt", "DESC"], ["id", "DESC"]];
  return [["id", "DESC"]];
}

export interface FindJobsOptions {
  /** False hides owner/info and refuses an owner filter (Display_details off, viewer not an admin), except with `mine`. */
  showDetails: boolean;
  /** `mine=1`: this account's jobs only. */
  mine?: JobsOwner;
  /** What the viewer may do with each job (the lists show only those buttons). */
  permissions?: (job: { userId: number | null; owner: string | null }) => Permissions;
  /** The process's counts per state: the total of a list filtered by state only comes from them. */
  counts?: StateCounts;
  /** Fair share on: each owner's use (lib/server/queue/fair-share-usage.ts), which orders the queue after priority. */
  usage?: ReadonlyMap<string, number>;
  /** QMserv.cfg, for the processors waiting jobs will get (resourcesOf). */
  rules?: ProcessorRules;
}

/** One page of jobs, and how many the list holds in all. */
export async function findJobs(db: Db, input: ListJobsInput, { showDetails, mine, permissions, counts, usage, rules }: FindJobsOptions): Promise<JobPage> {
  const states = statesOf(input);
  const sql = sqlOf(dialectOf(db));
  const filters = filtersOf(input, showDetails, sql, mine);
  const skip = (input.page - 1) * input.pageSize;
  const [rows, total] = await Promise.all([
    pageOf(db, sql, input, states, filters, skip, usage),
    !filters.length && counts ? counts.read().then((c) => countIn(c, states)) : countOf(db, sql, states, filters),
  ]);
  // Positions as the job page gives them (queuePosition): 1 = next to run, held jobs not
  // counted (they keep their place but do not run); only on the whole queue, where the
  // page's rows are consecutive.
  let next = input.view === "queued" && !filters.length ? (skip && rows.length ? (await queuedAhead(db, rows[0], usage)) + 1 : 1) : null;
  const jobs = rows.map((row) => {
    const job = toJobSummary(row, showDetails, rules);
    if (next !== null && row.state === "queued") job.position = next++;
    if (permissions) job.can = permissions(row);
    return job;
  });
  return { jobs, total, page: input.page, pageSize: input.pageSize };
}

/**
 * One page of the list, in its view's order. On the finished list SQLite would pick the
 * state index and sort every finished job; `+state` steers it to walk the finishedAt index
 * and stop after one page (0.5 ms instead of 16 ms for 10,000 jobs). PostgreSQL's planner
 * needs no hint. The page's ids come from SQL, the rows from Prisma.
 */
async function pageOf(db: Db, { pg, col }: JobsSql, input: ListJobsInput, states: string[], filters: Prisma.Sql[], skip: number, usage?: ReadonlyMap<string, number>) {
  if (!states.length) return [];
  const state = input.view === "finished" && !pg ? Prisma.raw("+state") : col("state");
  const where = [Prisma.sql`${state} IN (${Prisma.join(states)})`, ...filters];
  const columns = orderOf(input.view).map(([column, direction]) => Prisma.sql`${col(column)} ${Prisma.raw(direction)}`);
  // Fair share: after priority, the owner who used less goes first, as the worker runs them.
  if (input.view === "queued" && usage) columns.splice(1, 0, Prisma.raw(`${ownerUseSql('"Job"', usage)} ASC`));
  const order = Prisma.join(columns);
  const ids = await db.$queryRaw<{ id: number }[]>(
    Prisma.sql`SELECT ${col("id")} FROM ${col("Job")} WHERE ${Prisma.join(where, " AND ")} ORDER BY ${order} LIMIT ${input.pageSize} OFFSET ${skip}`,
  );
  const byId = new Map((await db.job.findMany({ where: { id: { in: ids.map((r) => Number(r.id)) } }, include: WITH_ACCOUNT })).map((j) => [j.id, j]));
  return ids.map((r) => byId.get(Number(r.id))).filter((j) => j !== undefined);
}

/** How many jobs the list holds: the same conditions as its pages. */
async function countOf(db: Db, { col }: JobsSql, states: string[], filters: Prisma.Sql[]): Promise<number> {
  if (!states.length) return 0;
  const where = [Prisma.sql`${col("state")} IN (${Prisma.join(states)})`, ...filters];
  // Both databases give COUNT(*) as a bigint.
  const [{ n }] = await db.$queryRaw<{ n: bigint | number }[]>(Prisma.sql`SELECT COUNT(*) AS n FROM ${col("Job")} WHERE ${Prisma.join(where, " AND ")}`);
  return Number(n);
}
