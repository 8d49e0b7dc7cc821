import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import type { JobDetail } from "../lib/core/api-types";
import { env, uniqueName } from "./job-helpers";
import { queuedFolders, screenshot } from "./submit-helpers";

/** A single script with #QM lines, as a user uploads it: it runs until a file `release` appears in its folder. */
const script = (owner: string) => `#!/bin/sh\n#QM e_mail=${owner}\necho "sees CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"\nwhile [ ! -f release ]; do sleep 0.2; done\n`;

test("a GPU job: nb_gpu in the form, its device on the dashboard and its page, GPU-hours in the statistics; too many GPUs refused", async ({ page }) => {
  test.setTimeout(90_000);
  const name = uniqueName("gpu");
  const owner = `${name}@lab.org`;
  await page.goto("/submit");
  await page.locator("#zip-file").setInputFiles({ name: `${name}.sh`, mimeType: "text/x-sh", buffer: Buffer.from(script(owner)) });
  await page.getByLabel("nb_gpu").fill("3");
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page.getByTestId("submit-error")).toContainText("it asks for 3 GPUs (nb_gpu = 3) and this server has 2 GPUs for jobs (GPU_List = 0,1); ask for 2 or fewer");
  expect(queuedFolders()).not.toContain(name);

  await page.getByLabel("nb_gpu").fill("1");
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  const id = Number(page.url().split("/").pop());
  await expect(page.getByTestId("job-nb-gpu")).toHaveText(/1/);
  await expect(page.getByTestId("usage-gpus")).toContainText("0", { timeout: 20_000 });

  await page.goto("/");
  await expect(page.getByTestId(`gpus-${id}`)).toHaveText("0");
  // The worker's heartbeat (every 5 s) says how many of its GPUs are held.
  await expect(page.getByTestId("gpus")).toContainText("1 / 2", { timeout: 15_000 });
  await expect(page.getByTestId("gpus")).toContainText("devices 0,1");
  await screenshot(page, "gpus-dashboard");

  const detail = async (): Promise<JobDetail> => (await (await page.request.get(`/api/jobs/${id}`)).json()).job;
  fs.writeFileSync(path.join(env.qmFolder, (await detail()).folder, "release"), "");
  await expect.poll(async () => (await detail()).state, { timeout: 30_000 }).toBe("done");
  const job = await detail();
  expect(job).toMatchObject({ nbGpu: 1, resources: { gpus: "0" } });
  expect(fs.readFileSync(path.join(env.qmFolder, job.folder, "process.log"), "utf8")).toContain("sees CUDA_VISIBLE_DEVICES=0\n");
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("usage-gpus")).toContainText(/0\s*0\.\d{3} GPU-hours/);

  const stats = await (await page.request.get("/api/stats?days=7")).json();
  const mine = stats.owners.find((o: { owner: string }) => o.owner === owner);
  const wall = (Date.parse(job.finishedAt!) - Date.parse(job.startedAt!)) / 1000;
  expect(mine.gpuSeconds).toBeCloseTo(wall, 2);
  await page.goto("/stats");
  const row = page.getByTestId("owner-stats").getByRole("row").filter({ hasText: owner });
  await expect(row.getByRole("cell").nth(8)).toHaveText((mine.gpuSeconds / 3600).toFixed(3), { timeout: 30_000 });
});
