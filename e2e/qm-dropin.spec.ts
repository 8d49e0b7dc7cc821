/**
 * Drop-in for a Python QM installation, in Chromium: QM 0.4's finished folders imported
 * from the admin page (once), shown as imported jobs, and QM's old addresses redirecting.
 */
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { QM04_JOBS, writeQm04Tree } from "../lib/server/history/qm04-fixtures";
import { env, loginAsAdmin, uniqueName } from "./job-helpers";
import { screenshot } from "./submit-helpers";

test("the admin imports a QM 0.4 history; old QM addresses lead to the imported jobs", async ({ page }) => {
  const name = uniqueName("qm04");
  const owner = `${name}@lab.org`;
  const [fit, failed] = [QM04_JOBS[0], QM04_JOBS[1]];
  const jobs = [
    { ...fit, folder: `2021-02-16T10:23:45-${name}-fit`, info: fit.info!.replace("ann@lab.org", owner) },
    { ...failed, folder: `2021-02-17T08:00:10-${name}-bad`, info: failed.info!.replace("bob@lab.org", owner) },
  ];
  writeQm04Tree(env.qmFolder, jobs);

  await loginAsAdmin(page);
  await page.goto("/admin/history");
  await page.getByRole("button", { name: "Import now" }).click();
  await expect(page.getByTestId("import-report")).toContainText(/2\s+folders imported/);
  await page.getByRole("button", { name: "Import now" }).click();
  await expect(page.getByTestId("import-report")).toContainText(/0\s+folders imported/);
  await screenshot(page, "admin-history");

  // /QM_dJobs/<folder>: QM 0.4's page of a done job, now the imported job's page.
  await page.goto(`/QM_dJobs/${encodeURIComponent(jobs[0].folder)}`);
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByRole("heading", { name: `${name}-fit` })).toBeVisible();
  await expect(page.getByTestId("job-state")).toHaveText("done");
  await expect(page.locator("main")).toContainText("imported");
  const detail = (await (await page.request.get(page.url().replace("/jobs/", "/api/jobs/"))).json()).job;
  expect(detail).toMatchObject({ owner, imported: true, exitCode: 0 });
  expect(Date.parse(detail.finishedAt) - Date.parse(detail.startedAt)).toBe(300_000);

  const log = await page.request.get(`/view/QM_dJobs/${encodeURIComponent(jobs[1].folder)}/process.log`);
  expect(log.ok()).toBe(true);
  expect(await log.text()).toContain("Job finished at: 2021-02-17T08:00:10 with code 2");

  await page.goto("/QM");
  await expect(page).toHaveURL(/\/$/);
  await page.getByLabel("Filter by state").selectOption("failed");
  await page.getByLabel("Search").fill(name);
  const row = page.getByTestId("finished-jobs").getByRole("row").filter({ hasText: `${name}-bad` });
  await expect(row).toContainText("imported");
  await expect(row).toContainText("failed");
});

test("a QM 0.4 folder named in Latin-1 is reported while it may still be copied, then renamed and imported", async ({ page }) => {
  const name = uniqueName("latin");
  const folder = Buffer.concat([Buffer.from(`${env.qmFolder}/QM_dJobs/`), Buffer.from(`2021-02-18T09:00:00-${name}-donn\xe9es`, "latin1")]);
  fs.mkdirSync(folder);
  fs.writeFileSync(Buffer.concat([folder, Buffer.from("/proc_config.cfg")]), "[QMOptions]\nscript = sh run.sh\n");

  await loginAsAdmin(page);
  await page.goto("/admin/history");
  await page.getByRole("button", { name: "Import now" }).click();
  await expect(page.getByTestId("import-problem-count")).toHaveText("1 folder was not imported; fix what each says and import again.");
  await expect(page.getByTestId("import-report")).toContainText(`-${name}-donn\\xe9es: its name is not UTF-8 and it is still being written`);
  // Once it has held still for 10 s it is renamed and imported.
  await expect(async () => {
    await page.getByRole("button", { name: "Import now" }).click();
    await expect(page.getByTestId("import-renamed")).toContainText(`-> QM_dJobs/2021-02-18T09:00:00-${name}-données`, { timeout: 1_000 });
  }).toPass({ timeout: 30_000, intervals: [2_000] });
  await expect(page.getByTestId("import-report")).toContainText(/1\s+folder imported/);
  await expect(page.getByTestId("import-problem-count")).toHaveCount(0);
});
