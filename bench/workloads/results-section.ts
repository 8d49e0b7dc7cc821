/** The job page with a large CSV and many pictures, in Chromium, on a QueueManager of its own (docs/results.md). */
import fs from "node:fs";
import { createInstance } from "../lib/qm-instance";
import { atMost, type Report } from "../lib/report";
import { round } from "../lib/stats";
import { chromiumPath, resultsPage } from "./results-page";

export async function resultsSection(report: Report, size: { resultsCsvMb: number; resultsPictures: number }): Promise<void> {
  console.log(`job page with a ${size.resultsCsvMb} MB CSV and ${size.resultsPictures} pictures (Chromium)`);
  if (!fs.existsSync(chromiumPath())) {
    console.log(`no browser at ${chromiumPath()} (apt-get install chromium, or set QM_CHROMIUM): results page figures skipped`);
    return;
  }
  const qm = await createInstance({ maxNbProcessors: 2, port: 8456 });
  try {
    await qm.startWeb();
    const page = await resultsPage(qm, size.resultsCsvMb, size.resultsPictures);
    report.add({ name: "job page: first contentful paint", value: page.firstPaintMs, unit: "ms", target: "<= 1000 ms" }, atMost(1000));
    report.add({ name: "job page: job and file list shown", value: page.jobShownMs, unit: "ms", target: "<= 1500 ms" }, atMost(1500));
    report.add({ name: "job page: first thumbnail (made now)", value: page.firstThumbnailColdMs, unit: "ms" });
    report.add({ name: "job page: first thumbnail (cached)", value: page.firstThumbnailCachedMs, unit: "ms", target: "<= 1500 ms" }, atMost(1500));
    report.add({ name: `CSV viewer: first rows of ${size.resultsCsvMb} MB`, value: page.csvFirstRowsMs, unit: "ms", target: "<= 2000 ms" }, atMost(2000));
    report.add({ name: "web RSS growth on the results page", value: page.peakRssMb - page.idleRssMb, unit: "MB", target: "<= +100 MB", note: `idle ${round(page.idleRssMb)} MB, after ${round(page.afterRssMb)} MB` }, atMost(100));
  } finally {
    await qm.stop();
  }
}
