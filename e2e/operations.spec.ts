/**
 * Running it for years, as the administrator meets it in the browser: the full-disk banner
 * and the refused upload (Min_Free_MB raised above the free space), and the retention page's
 * dry run, then the pass run from it, and what a purged job's page and the dashboard show of it.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { planTransition } from "../lib/core/job-lifecycle";
import { createJobStore } from "../lib/server/store/job-store";
import { openSql } from "../lib/server/store/sql";
import { env, loginAsAdmin, uniqueName } from "./job-helpers";
import { screenshot, userJobZip, withConfig } from "./submit-helpers";

const inServerSection = (line: string) => (text: string) => text.replace("[QMServer]\n", `[QMServer]\n${line}\n`);

test("a full disk: the banner says why, an upload is refused with it, and all is back once space returns", async ({ page }) => {
  await withConfig(inServerSection("Min_Free_MB = 99000000"), async () => {
    await page.goto("/");
    await expect(page.getByTestId("disk-banner")).toContainText("less than the 94 TB it must keep (Min_Free_MB)");
    await expect(page.getByTestId("disk-banner")).toContainText("running jobs go on");
    await page.goto("/submit");
    await expect(page.getByTestId("disk-banner")).toBeVisible();
    await page.locator("#zip-file").setInputFiles({ name: "full.zip", mimeType: "application/zip", buffer: await userJobZip(uniqueName("full")) });
    await page.getByRole("button", { name: "Upload and queue" }).click();
    await expect(page.getByTestId("submit-error")).toContainText("no upload is accepted now; ask the administrator to free some space");
    await screenshot(page, "disk-full");
  });
  await page.goto("/");
  await expect(page.getByTestId("summary")).toBeVisible();
  await expect(page.getByTestId("disk-banner")).toHaveCount(0);
});

test("a disk out of inodes (files) with bytes to spare: the banner names the inodes, and is gone once the need drops", async ({ page }) => {
  // Min_Free_Inodes at its maximum: more than any disk of these machines has free (ext4 here;
  // a filesystem without a fixed number of inodes, btrfs, would never be short).
  await withConfig(inServerSection("Min_Free_Inodes = 1000000000"), async () => {
    await page.goto("/");
    const banner = page.getByTestId("disk-banner");
    await expect(banner).toContainText("The server's disk is running out of files (inodes)");
    await expect(banner).toContainText("fewer than the 1,000,000,000 it must keep (Min_Free_Inodes)");
    await expect(banner).not.toContainText("almost full");
  });
  await page.goto("/");
  await expect(page.getByTestId("summary")).toBeVisible();
  await expect(page.getByTestId("disk-banner")).toHaveCount(0);
});

test("retention: the admin page lists what the pass removes, and runs it", async ({ page }) => {
  // Two jobs that ended 40 days ago, with their folders, as an old installation has them.
  const store = createJobStore(openSql(env.processEnv.DATABASE_URL));
  const old: { id: number; folder: string; name: string }[] = [];
  try {
    for (const name of [uniqueName("old-a"), uniqueName("old-b")]) {
      const folder = `QM_dJobs/2026-01-01T00-00-00Z-${name}`;
      fs.mkdirSync(path.join(env.qmFolder, folder));
      fs.writeFileSync(path.join(env.qmFolder, folder, "result.txt"), "x".repeat(20_000));
      const finishedAt = new Date(Date.now() - 40 * 86_400_000);
      old.push({ id: await store.createJob({ name, script: "true", folder, source: "import" }, planTransition("import", null, "done", { finishedAt })), folder, name });
    }
  } finally {
    await store.sql.close();
  }
  await loginAsAdmin(page);
  await withConfig(inServerSection("Keep_Days = 30"), async () => {
    await page.goto("/admin/retention");
    await expect(page.getByText("Folders of jobs that ended more than 30 days ago")).toBeVisible();
    const table = page.getByTestId("dry-run");
    for (const job of old) await expect(table.getByRole("link", { name: new RegExp(`^#${job.id} `) })).toBeVisible();
    await expect(table).toContainText("older than Keep_Days");
    await screenshot(page, "retention-dry-run");
    await page.getByRole("button", { name: "Run the pass now" }).click();
    await page.getByRole("button", { name: "Yes, run it" }).click();
    await expect(page.getByTestId("last-pass")).toContainText(/Last pass .*: \d+ removed/, { timeout: 20_000 });
    await expect(page.getByTestId("dry-run-summary")).toHaveText(/removes 0 folders/);
  });
  for (const job of old) expect(fs.existsSync(path.join(env.qmFolder, job.folder))).toBe(false);
  // The row stays, as history, and says what happened.
  await page.goto(`/jobs/${old[0].id}`);
  await expect(page.getByText(/its folder was deleted by the retention pass/)).toBeVisible();
  // Its page says plainly that the folder is gone, and offers nothing that would answer 404.
  await expect(page.getByTestId("folder-purged")).toContainText(/folder was removed by the retention pass on .*\d{4}/);
  await expect(page.getByTestId("download-zip")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "download" })).toHaveCount(0);
  await expect(page.getByText("Log not readable right now")).toHaveCount(0);
  // The dashboard asks no results of the purged jobs.
  const asked: string[] = [];
  page.on("request", (request) => {
    if (/\/api\/jobs\/\d+\/results/.test(request.url())) asked.push(request.url());
  });
  await page.goto("/");
  const finished = page.getByTestId("finished-jobs");
  await finished.getByLabel("Search").fill(old[0].name);
  await expect(finished.getByTestId(`finished-job-${old[0].id}`)).toBeVisible();
  await page.waitForTimeout(1000); // a results strip asks as soon as its row shows
  expect(asked.filter((url) => old.some((job) => url.includes(`/api/jobs/${job.id}/results`)))).toEqual([]);
});

test("retention with an Archive_Folder another account could point elsewhere: the pass moves nothing and the page says why", async ({ page }) => {
  test.skip(process.geteuid?.() !== 0, "the folder is given to another account by chown");
  const name = uniqueName("kept");
  const folder = `QM_dJobs/2026-01-02T00-00-00Z-${name}`;
  fs.mkdirSync(path.join(env.qmFolder, folder));
  fs.writeFileSync(path.join(env.qmFolder, folder, "result.txt"), "kept\n");
  const store = createJobStore(openSql(env.processEnv.DATABASE_URL));
  try {
    await store.createJob({ name, script: "true", folder, source: "import" }, planTransition("import", null, "done", { finishedAt: new Date(Date.now() - 40 * 86_400_000) }));
  } finally {
    await store.sql.close();
  }
  // A lab member's folder holding the archive: they could swap it for a link to /etc.
  const theirs = fs.mkdtempSync(path.join(path.dirname(env.qmFolder), "home-alice-"));
  fs.mkdirSync(path.join(theirs, "archive"));
  fs.chownSync(theirs, 61234, 61234);
  try {
    await loginAsAdmin(page);
    await withConfig(inServerSection(`Keep_Days = 30\nArchive_Folder = ${theirs}/archive`), async () => {
      await page.goto("/admin/retention");
      await expect(page.getByTestId("dry-run")).toContainText(name);
      // Said before anyone runs it, as the worker will judge it.
      await expect(page.getByTestId("archive-problem")).toContainText(`A pass now would move and remove nothing: Archive_Folder (${theirs}/archive) could be pointed elsewhere by another account: ${theirs} belongs to uid 61234`);
      await page.getByRole("button", { name: "Run the pass now" }).click();
      await page.getByRole("button", { name: "Yes, run it" }).click();
      await expect(page.getByTestId("last-pass")).toContainText(
        `moved and removed nothing: Archive_Folder (${theirs}/archive) could be pointed elsewhere by another account: ${theirs} belongs to uid 61234; make each folder on the way root's`,
        { timeout: 20_000 },
      );
      await screenshot(page, "retention-archive-refused");
    });
    expect(fs.readFileSync(path.join(env.qmFolder, folder, "result.txt"), "utf8")).toBe("kept\n");
    expect(fs.readdirSync(path.join(theirs, "archive"))).toEqual([]);
  } finally {
    fs.rmSync(theirs, { recursive: true, force: true });
  }
});
