/** Retention with Keep_Max_GB: one walk of a large QM_dJobs, and the admin page's dry run that reuses it. */
import { atMost, type Report } from "../lib/report";
import { retentionWalk } from "./retention";

export async function retentionSection(report: Report, size: { retentionFolders: number; rounds: number }): Promise<void> {
  console.log(`retention with Keep_Max_GB (${size.retentionFolders} finished jobs' folders of 10 files)`);
  const w = await retentionWalk(size.retentionFolders, 10, size.rounds);
  report.add({ name: `retention walk of QM_dJobs, ${w.files} entries`, value: w.walkMs, unit: "ms", note: "the daily pass measures afresh" });
  report.add({ name: "retention dry run, walk reused", value: w.reusedMs, unit: "ms", target: "<= 5 ms", note: "the admin page asks every 5 s" }, atMost(5));
}
