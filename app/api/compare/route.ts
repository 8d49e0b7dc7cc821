import type { CompareAnswer, ComparedRun } from "@/lib/core/api-types";
import { AppError } from "@/lib/core/app-error";
import { MAX_COMPARED, compareQuerySchema, parseJobIds } from "@/lib/core/compare-runs";
import { FINISHED_STATES } from "@/lib/core/job-lifecycle";
import { listJobFiles } from "@/lib/server/jobs/job-file-list";
import { toJobDetail } from "@/lib/server/jobs/job-view";
import { requireViewer } from "@/lib/web/access";
import { getConfig, getDb } from "@/lib/web/context";
import { apiHandler, json, searchParamsOf } from "@/lib/web/http";
import { folderAccessFor, jobForViewer } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/** The finished elements of an array, in index order: the first MAX_COMPARED, and the others' ids. */
async function arrayElements(arrayId: number): Promise<{ ids: number[]; leftOut: number[] }> {
  const rows = await getDb().job.findMany({ where: { arrayId, state: { in: [...FINISHED_STATES] } }, orderBy: [{ arrayIndex: "asc" }, { id: "asc" }], select: { id: true } });
  if (!rows.length) throw new AppError("NOT_FOUND", `Array ${arrayId} has no finished job to compare.`);
  const ids = rows.map((r) => r.id);
  return { ids: ids.slice(0, MAX_COMPARED), leftOut: ids.slice(MAX_COMPARED) };
}

/**
 * Runs side by side (?ids=12,13,20-24, or ?array=5: the finished elements of an array,
 * the first 12 by index, the ids of the others in `leftOut`): each job as GET /api/jobs/:id
 * shows it to this viewer, with the list of its files. A job that cannot be shown is
 * reported in its place; the others are still compared.
 */
export const GET = apiHandler(async (request: Request) => {
  const viewer = await requireViewer(request);
  const query = compareQuerySchema.parse(searchParamsOf(request));
  const { ids, leftOut } = query.array !== undefined ? await arrayElements(query.array) : { ids: parseJobIds(query.ids ?? ""), leftOut: undefined };
  const runs: ComparedRun[] = [];
  for (const id of ids) {
    try {
      const { job, showDetails } = await jobForViewer(viewer, id);
      const run: ComparedRun = { id, job: toJobDetail({ ...job, events: [] }, showDetails, getConfig().config), files: null, filesComplete: false };
      try {
        const listed = await listJobFiles(await folderAccessFor(viewer, job));
        Object.assign(run, { files: listed.files, filesComplete: listed.complete });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        run.filesError = error.message;
      }
      runs.push(run);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      runs.push({ id, job: null, error: error.message, files: null, filesComplete: false });
    }
  }
  return json({ runs, ...(leftOut?.length ? { leftOut } : {}), serverTime: new Date().toISOString() } satisfies CompareAnswer);
});
