import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { buildZip } from "../lib/server/zip/zip-fixtures";
import { env, loginAsAdmin, uniqueName } from "./job-helpers";

test("a single .sh with #QM nb_proc=2 uploaded on /submit (no zip) runs with NB_PROC=2", async ({ page }) => {
  test.setTimeout(60_000);
  const name = uniqueName("directives");
  await page.goto("/submit");
  const script = "#!/bin/sh\n# fit the spectra\n#QM nb_proc=2\n#QM info=one script, no zip\necho \"NB_PROC=$NB_PROC\"\nprintf '\\033[1;32mfit converged\\033[0m\\n'\n";
  await page.locator("#zip-file").setInputFiles({ name: `${name}.sh`, mimeType: "text/x-shellscript", buffer: Buffer.from(script) });
  await expect(page.getByTestId("chosen-file")).toHaveText(`${name}.sh`);
  await page.getByRole("button", { name: "Upload and queue" }).click();

  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("job-state")).toContainText("done", { timeout: 30_000 });
  await expect(page.getByTestId("info-info")).toContainText("one script, no zip");
  await expect(page.getByTestId("log-tail")).toContainText("NB_PROC=2");
  // Colours a program wrote for a terminal are left out, not shown as boxes and letters.
  await expect(page.getByTestId("log-tail")).toContainText("fit converged\n");
  expect(await page.getByTestId("log-tail").textContent()).not.toMatch(/\x1b|\[1;32m/);
  await expect(page.getByTestId("log-tail")).toContainText(`no info file: the job is ${name}.sh with its #QM directives`);
  // On the page, said as information, not among the warnings: a script with #QM lines is a way to submit.
  await expect(page.getByTestId("job-reading")).toHaveText(`no info file: the job is ${name}.sh with its #QM directives`);
  await expect(page.getByTestId("job-notes")).toHaveCount(0);
  const id = Number(page.url().split("/").pop());
  const job = (await (await page.request.get(`/api/jobs/${id}`)).json()).job;
  expect(job).toMatchObject({ state: "done", nbProc: 2, source: "upload", script: `./${name}.sh` });
  // Requested against used (issue 10): two processors held, pinned, and the run's CPU efficiency.
  expect(job.resources.granted).toBe(2);
  await expect(page.getByTestId("usage-cpus")).toContainText("2");
  await expect(page.getByTestId("usage-efficiency")).toContainText(/\d+(\.\d)?%/);
  await expect(page.getByTestId("log-tail")).toContainText(/=== CPUs: \d/);
});

test("a #QM walltime of 2 s ends the job as timeout, shown on its page with the reason", async ({ page }) => {
  test.setTimeout(60_000);
  const name = uniqueName("walltime");
  await page.goto("/submit");
  const script = "#!/bin/sh\n#QM walltime=0:02\necho started\nsleep 60\n";
  await page.locator("#zip-file").setInputFiles({ name: `${name}.sh`, mimeType: "text/x-shellscript", buffer: Buffer.from(script) });
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByTestId("job-state")).toContainText("timeout", { timeout: 30_000 });
  await expect(page.getByTestId("job-error")).toContainText("reached its walltime (0:02)");
  await expect(page.getByTestId("usage-walltime")).toContainText("of 0:02");
});

test("a zip holding infos.xml is accepted under the default job_file (proc_config.cfg)", async ({ page }) => {
  test.setTimeout(60_000);
  const name = uniqueName("xmljob");
  const zip = buildZip([
    { name: `${name}/` },
    { name: `${name}/infos.xml`, data: '<PARAMETER>\n  <script value="sh run.sh"/>\n  <info value="an XML job"/>\n</PARAMETER>\n' },
    { name: `${name}/run.sh`, data: "echo xml ran > result.txt\n" },
  ]);
  await page.goto("/submit");
  await page.locator("#zip-file").setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: zip });
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByTestId("job-state")).toContainText("done", { timeout: 30_000 });
  await expect(page.getByTestId("info-info")).toContainText("an XML job");
  const id = Number(page.url().split("/").pop());
  const job = (await (await page.request.get(`/api/jobs/${id}`)).json()).job;
  expect(fs.readFileSync(path.join(env.qmFolder, job.folder, "result.txt"), "utf8")).toBe("xml ran\n");
});

test("changing The_Port on the admin page says a restart is needed, and the server stays where it is", async ({ page }) => {
  const original = fs.readFileSync(env.configPath, "utf8");
  const port = new URL(env.baseURL).port;
  await loginAsAdmin(page);
  await page.goto("/admin/config");
  await expect(page.getByTestId("restart-WEB_QMserver.The_Port")).toBeVisible();
  await expect(page.getByTestId("restart-QMServer.QM_FOLDER")).toBeVisible();
  await expect(page.getByTestId("restart-pending")).toHaveCount(0);
  try {
    await page.getByLabel("The_Port", { exact: true }).fill("8767");
    await page.getByRole("button", { name: "Save 1 change" }).click();
    await expect(page.getByTestId("config-notice")).toContainText("Saved The_Port to QMserv.cfg. The_Port takes effect only when the web server is restarted");
    await expect(page.getByTestId("restart-pending")).toContainText(`The_Port: in force ${port}, saved 8767`);
    expect(fs.readFileSync(env.configPath, "utf8")).toContain("The_Port = 8767");
    // Still answering on the port it started with; a reload still shows what waits.
    await page.reload();
    await expect(page.getByTestId("restart-pending")).toContainText("Restart needed");
  } finally {
    await page.getByLabel("The_Port", { exact: true }).fill(port);
    await page.getByRole("button", { name: "Save 1 change" }).click();
    await expect(page.getByTestId("config-notice")).toContainText("Saved The_Port");
  }
  await expect(page.getByTestId("restart-pending")).toHaveCount(0);
  expect(fs.readFileSync(env.configPath, "utf8")).toBe(original);
});
