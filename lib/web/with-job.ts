/**
 * The wrapper of the /api/jobs/[id]/... handlers that show a job or its folder (dub's
 * `withWorkspace`): the one place that decides who may see a job and what of it.
 *
 *   export const GET = withJob(async ({ job, root, query }) => ..., { folder: true, query: jobPathSchema });
 *
 * In order: the viewer (Require_Login, CSRF), the job id from the URL, the query
 * string, the job (NOT_FOUND once deleted), then, with `folder: true`, the job folder's
 * real path inside QM_FOLDER and what this viewer may read there. Anything thrown becomes the standard error response.
 * Handlers that show several jobs (compare) take the same steps per job with
 * jobForViewer and folderAccessFor.
 */
import { AppError } from "../core/app-error";
import { getJobOrThrow } from "../server/jobs/get-job-or-throw";
import { type JobFolderAccess, isFolderMoving, jobFolderAccess } from "../server/jobs/job-folder";

/** Looks again at a job whose folder is not where its row says, 50 ms apart. */
const MOVE_RETRIES = 6;
import { requireViewer } from "./access";
import type { Viewer } from "./auth";
import { getDb, getLayout } from "./context";
import { apiHandler, searchParamsOf } from "./http";
import { type JobRouteContext, canReadPrivateFiles, canSeeDetails, hiddenFilesFor, jobIdFrom } from "./job-access";

/** A job row with its history, as getJobOrThrow returns it. */
export type JobRecord = Awaited<ReturnType<typeof getJobOrThrow>>;

/** What every job handler receives. */
export interface JobHandlerArgs<Query> {
  request: Request;
  viewer: Viewer;
  job: JobRecord;
  /** The query string as `options.query` parsed it (undefined without a schema). */
  query: Query;
  /** Owner, info, script and the info keys may be shown (admin, owner, or Display_details). */
  showDetails: boolean;
  /** Names at the top of the job folder this viewer may not read (the info file when details are hidden). */
  hiddenFiles: string[];
}

/** Options of withJob. */
export interface WithJobOptions<Query, Folder extends boolean> {
  /** Schema of the query string, checked before the job is looked up (400 with details). */
  query?: { parse(value: unknown): Query };
  /**
   * The handler reads the job folder: `root` is its real path, checked to lie inside
   * QM_FOLDER, and `folder` says what this viewer may read there (job-folder.ts).
   */
  folder?: Folder;
}

type HandlerArgs<Query, Folder extends boolean> = JobHandlerArgs<Query> & (Folder extends true ? { root: string; folder: JobFolderAccess } : unknown);

/** What `viewer` may read in the folder of `job` (job-folder.ts). */
export async function folderAccessFor(viewer: Viewer, job: JobRecord): Promise<JobFolderAccess> {
  // Removed (or archived) by the retention pass: say so, not "no such file".
  if (job.purgedAt) throw new AppError("NOT_FOUND", `This job's folder was removed by the retention pass on ${job.purgedAt.toISOString().slice(0, 10)} (Keep_Days, Keep_Max_GB); its record is kept as history.`);
  return jobFolderAccess(getLayout(), job, { hidden: hiddenFilesFor(viewer, job), hideCommand: !canSeeDetails(viewer, job), privateServed: canReadPrivateFiles(viewer, job) });
}

/** A job as one viewer may see it (`folder: true`: with its folder's access), for handlers that look at several jobs. */
export async function jobForViewer<Folder extends boolean = false>(viewer: Viewer, id: number, options: { folder?: Folder } = {}) {
  let job = await getJobOrThrow(getDb(), id);
  let access: JobFolderAccess | null = null;
  // A job starting or ending moves its folder and updates its row a moment apart: the row
  // is read again for a little while before the folder is said to be missing.
  for (let attempt = 0; options.folder && !access; attempt++) {
    try {
      access = await folderAccessFor(viewer, job);
    } catch (error) {
      if (!isFolderMoving(error) || attempt >= MOVE_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await getJobOrThrow(getDb(), id);
    }
  }
  const folder = access ? { root: access.root, folder: access } : {};
  return { job, showDetails: canSeeDetails(viewer, job), hiddenFiles: hiddenFilesFor(viewer, job), ...folder } as Omit<HandlerArgs<undefined, Folder>, "request" | "viewer" | "query">;
}

export function withJob<Query = undefined, Folder extends boolean = false>(
  handler: (args: HandlerArgs<Query, Folder>) => Promise<Response> | Response,
  options: WithJobOptions<Query, Folder> = {},
): (request: Request, context: JobRouteContext) => Promise<Response> {
  return apiHandler(async (request: Request, context: JobRouteContext) => {
    const viewer = await requireViewer(request);
    const id = await jobIdFrom(context);
    const query = options.query ? options.query.parse(searchParamsOf(request)) : (undefined as Query);
    const seen = await jobForViewer<Folder>(viewer, id, { folder: options.folder });
    return handler({ request, viewer, query, ...seen } as HandlerArgs<Query, Folder>);
  });
}
