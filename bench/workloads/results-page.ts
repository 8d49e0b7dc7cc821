/**
 * The job page of a finished job holding a 50 MB CSV and 2,000 pictures, in Chromium:
 * first paint, the page showing the job, the results strip's first thumbnail (made
 * cold, then from the cache), the CSV viewer's first rows, and the web server's memory
 * meanwhile. The job folder and its row are written directly (the job's run is not measured).
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { type Browser, type Page, chromium } from "@playwright/test";
import sharp from "sharp";
import type { QmInstance } from "../lib/qm-instance";
import { BUMP_JOBS_VERSION } from "../../lib/server/store/jobs-version";
import { sqliteDate } from "../../lib/server/store/sql";
import { rssMb, sampleRss } from "../lib/proc";

export interface ResultsPageFigures {
  firstPaintMs: number;
  jobShownMs: number;
  firstThumbnailColdMs: number;
  firstThumbnailCachedMs: number;
  csvFirstRowsMs: number;
  idleRssMb: number;
  peakRssMb: number;
  afterRssMb: number;
}

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export const chromiumPath = () => process.env.QM_CHROMIUM || "/usr/bin/chromium";

/** A finished job in QM_dJobs: table.csv of `csvMb` MB and `pictures` PNGs of 800 x 600 beside it. */
async function seedResultsJob(qm: QmInstance, csvMb: number, pictures: number): Promise<number> {
  const name = "results-bench";
  const folder = path.join(qm.done, name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "proc_config.cfg"), "[QMOptions]\nscript = python fit.py\n");
  fs.writeFileSync(path.join(folder, "process.log"), "processing 1 / 1\n");
  const csv = fs.openSync(path.join(folder, "table.csv"), "w");
  fs.writeSync(csv, "step,time,energy,pressure,label\n");
  for (let written = 0, i = 0; written < csvMb * 1024 * 1024; ) {
    const rows: string[] = [];
    for (let k = 0; k < 10_000; k++, i++) rows.push(`${i},${(i * 0.001).toFixed(3)},${(1000 / (i + 1)).toFixed(6)},${Math.sin(i / 500).toFixed(6)},run-${i % 17}`);
    const chunk = `${rows.join("\n")}\n`;
    fs.writeSync(csv, chunk);
    written += chunk.length;
  }
  fs.closeSync(csv);
  const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#0ea5e9" } }).png().toBuffer();
  for (let i = 0; i < pictures; i++) fs.writeFileSync(path.join(folder, `frame-${String(i).padStart(4, "0")}.png`), png);
  const db = new Database(path.join(qm.dir, "qm.db"));
  const now = Date.now();
  const insert = db.prepare(
    `INSERT INTO Job (name, script, nbProc, priority, params, state, folder, source, submittedAt, startedAt, finishedAt, exitCode, updatedAt)
     VALUES (?, 'python fit.py', 1, 0, '{"script":"python fit.py"}', 'done', ?, 'folder', ?, ?, ?, 0, ?)`,
  );
  // The jobs version moves with the row, as the job store does it: the web server's counts follow it.
  const { lastInsertRowid } = db.transaction(() => {
    const inserted = insert.run(name, `QM_dJobs/${name}`, now - 60_000, now - 50_000, now, now);
    db.prepare(BUMP_JOBS_VERSION).run(sqliteDate(new Date(now)));
    return inserted;
  })();
  db.close();
  return Number(lastInsertRowid);
}

/** Milliseconds from the page's navigation start until `selector` is there (`loaded`: a picture drawn), read in the page. */
async function shownAfterStart(page: Page, selector: string, wait: "there" | "loaded" = "there"): Promise<number> {
  await page.waitForFunction(
    ([sel, what]) => {
      const el = document.querySelector(sel);
      return el !== null && (what === "there" || ((el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0));
    },
    [selector, wait] as const,
    { timeout: 60_000, polling: 10 },
  );
  return page.evaluate(() => performance.now());
}

async function firstPaint(page: Page): Promise<number> {
  return page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN);
}

export async function resultsPage(qm: QmInstance, csvMb: number, pictures: number): Promise<ResultsPageFigures> {
  const id = await seedResultsJob(qm, csvMb, pictures);
  const pid = qm.web!.pid!;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${qm.baseUrl}/`); // the app's scripts in the browser's cache, as for someone using it
    const idleRssMb = rssMb(pid);
    const sampler = sampleRss(pid);
    const thumb = '[data-testid="results-panel"] img';

    await page.goto(`${qm.baseUrl}/jobs/${id}`);
    const jobShownMs = await shownAfterStart(page, '[data-testid="file-browser"] li');
    const firstThumbnailColdMs = await shownAfterStart(page, thumb, "loaded");
    const firstPaintMs = await firstPaint(page);
    await page.goto(`${qm.baseUrl}/jobs/${id}`);
    const firstThumbnailCachedMs = await shownAfterStart(page, thumb, "loaded");

    await page.goto(`${qm.baseUrl}/jobs/${id}?file=table.csv`);
    const csvFirstRowsMs = await shownAfterStart(page, '[data-testid="table-rows"] tr');
    await page.waitForSelector('[data-testid="table-plot"]', { timeout: 60_000 });
    const peakRssMb = sampler.stop();
    return { firstPaintMs, jobShownMs, firstThumbnailColdMs, firstThumbnailCachedMs, csvFirstRowsMs, idleRssMb, peakRssMb, afterRssMb: rssMb(pid) };
  } finally {
    await browser?.close();
  }
}
