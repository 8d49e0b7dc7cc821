import { lastImport, importHistoryNow } from "@/lib/server/history/history-runs";
import { requireAdmin } from "@/lib/web/access";
import { getConfig, getDb, getLayout, getStore } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** The last history import and how many imported jobs there are (administrator). */
export const GET = apiHandler(async (request) => {
  await requireAdmin(request);
  const db = getDb();
  const [last, importedJobs] = await Promise.all([lastImport(db), db.job.count({ where: { imported: true, state: { not: "deleted" } } })]);
  return json({ last, importedJobs });
});

/** Import the folders of QM_dJobs and QM_lost+found that no job names yet (administrator). */
export const POST = apiHandler(async (request) => {
  await requireAdmin(request);
  const db = getDb();
  const report = await importHistoryNow(db, { store: getStore(), layout: getLayout(), jobFile: getConfig().config.jobFile });
  return json({ report, importedJobs: await db.job.count({ where: { imported: true, state: { not: "deleted" } } }) });
});
