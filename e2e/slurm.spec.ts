/**
 * A QueueManager with executor = slurm, in Chromium: a job uploaded through the form is
 * handed to a real (single-node) Slurm, shown pending or running with its Slurm job id and
 * node, and finishes done; the dashboard shows the cluster.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { uniqueName } from "./job-helpers";
import { type SlurmInstance, startSlurmInstance } from "./slurm-instance";
import { screenshot, userJobZip } from "./submit-helpers";

let qm: SlurmInstance;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  qm = await startSlurmInstance();
});
test.afterAll(async () => {
  test.setTimeout(60_000);
  await qm?.stop();
});

test("a job uploaded on a Slurm-backed QueueManager runs in Slurm and finishes done, watched in the browser", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${qm.baseURL}/`);
  await expect(page.getByTestId("partition-debug")).toContainText("1 node");
  await expect(page.getByTestId("partition-debug-cpus")).toContainText("/ 8");

  const name = uniqueName("on-slurm");
  await page.goto(`${qm.baseURL}/submit`);
  await page.locator("#zip-file").setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: await userJobZip(name) });
  await page.getByLabel("nb_proc").fill("2");
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  const id = Number(page.url().split("/").pop());

  // Handed to Slurm: its Slurm job id shows; then it runs on the node, with progress.
  await expect(page.getByTestId("slurm-slurm-job")).toContainText(/\d+/, { timeout: 20_000 });
  await expect(page.getByTestId("job-state")).toContainText("running", { timeout: 20_000 });
  await expect(page.getByTestId("slurm-node")).not.toBeEmpty();
  await expect(page.getByTestId("slurm-slurm-state")).toContainText("RUNNING");
  await screenshot(page, "slurm-job-running");
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-value", /^(33\.3|66\.7|100)$/, { timeout: 20_000 });
  await expect(page.getByTestId("job-state")).toContainText("done", { timeout: 40_000 });
  await expect(page.getByTestId("slurm-slurm-state")).toContainText("COMPLETED");
  await page.goto(`${qm.baseURL}/`);
  await expect(page.getByTestId("cluster")).toBeVisible();
  await screenshot(page, "slurm-dashboard");

  const job = (await (await page.request.get(`${qm.baseURL}/api/jobs/${id}`)).json()).job;
  expect(job).toMatchObject({ name, state: "done", exitCode: 0, slurm: { slurmState: "COMPLETED", slurmJobId: expect.stringMatching(/^\d+$/) } });
  const folder = path.join(qm.qmFolder, job.folder);
  expect(fs.readFileSync(path.join(folder, "result.txt"), "utf8")).toBe("ok\n");
  expect(fs.readFileSync(path.join(folder, "process.log"), "utf8")).toMatch(new RegExp(`=== Slurm job ${job.slurm.slurmJobId} started .* on ${job.slurm.node}\\n(processing \\d / 3\\n){3}`));
  expect(job.events.map((e: { kind: string }) => e.kind)).toEqual(["queued", "pending", "running", "done"]);
});
