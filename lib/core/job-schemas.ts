import { z } from "zod";
import { LISTED_STATES } from "./job-lifecycle";
import { MAX_RECORD_ID } from "./record-id";

/** A whole number from a query string, refused in words that say what it takes (zod's own: "expected number, received NaN"). */
function wholeNumber(what: string, example: number, min: number, max?: number) {
  const error = `${what} takes a whole number ${max === undefined ? `of ${min} or more` : `from ${min} to ${max}`}, such as ${example}`;
  const number = z.coerce.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? number : number.max(max, { error });
}

/** GET /api/jobs query. `view` picks the list (queued: queued and held); `state`, `owner` and `q` filter it. */
export const listJobsSchema = z.object({
  view: z.enum(["queued", "running", "finished", "all"]).default("all"),
  state: z.enum(LISTED_STATES).optional(),
  owner: z.string().trim().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  /** `1`: only the viewer's own jobs (needs a login). */
  mine: z.enum(["0", "1"]).optional(),
  page: wholeNumber("page", 2, 1, 1_000_000).default(1),
  pageSize: wholeNumber("pageSize", 50, 1, 500).default(25),
});
export type ListJobsInput = z.infer<typeof listJobsSchema>;

/**
 * The id of a job, an array, a user or a token from the URL: digits, 1 to MAX_RECORD_ID. A
 * larger one made PostgreSQL's query fail (a 500) where SQLite found no row.
 */
export function recordIdSchema(what: string) {
  const error = `the ${what} id must be a whole number from 1 to ${MAX_RECORD_ID}, such as 12`;
  return z
    .string({ error })
    .regex(/^\d{1,10}$/, { error })
    .transform(Number)
    .pipe(z.number().int().min(1, { error }).max(MAX_RECORD_ID, { error }));
}

/** An array id from the URL. */
export const arrayIdSchema = recordIdSchema("array");

/** A job id from the URL. */
export const jobIdSchema = recordIdSchema("job");

/** ?path= of the files API: a path relative to the job folder ("" is its root). */
export const jobPathSchema = z.object({
  path: z.string().max(4096).default(""),
  download: z.enum(["0", "1"]).optional(),
});

/** ?offset= of the log API: a byte offset; absent means "the last part of the log". */
export const logQuerySchema = z.object({
  offset: wholeNumber("offset (a byte position in the log)", 4096, 0).optional(),
});

/** ?path=&offset= of the text view of any file; `tail=1` without offset: its last part. */
export const fileTextSchema = z.object({
  path: z.string().max(4096),
  offset: wholeNumber("offset (a byte position in the file)", 4096, 0).optional(),
  tail: z.enum(["0", "1"]).optional(),
});

/** ?path=&size= of a picture made smaller: `thumb` for strips, `preview` for the viewer. */
export const thumbnailSchema = z.object({
  path: z.string().max(4096),
  size: z.enum(["thumb", "preview"]).default("thumb"),
});

/** ?since= of the progress samples: only those after this time (ISO), to follow a running job. */
export const progressQuerySchema = z.object({
  since: z.iso.datetime({ offset: true }).optional(),
});
