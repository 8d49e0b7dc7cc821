import { expect, test } from "@playwright/test";
import { dropJob, jobIdOnDashboard, uniqueName } from "./job-helpers";

test("the finished list filters by state, owner and text", async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto("/");
  const good = dropJob(uniqueName("filter-good"), "echo fine", { e_mail: "zoe@lab.org", info: "calibration run" });
  const bad = dropJob(uniqueName("filter-bad"), "exit 7", { e_mail: "max@lab.org", info: "broken spectrum of the second calibration series, to be redone" });
  const goodId = await jobIdOnDashboard(page, good);
  const badId = await jobIdOnDashboard(page, bad);
  const finished = page.getByTestId("finished-jobs");
  await expect(finished.getByTestId(`finished-job-${goodId}`)).toContainText("done", { timeout: 20_000 });
  await expect(finished.getByTestId(`finished-job-${badId}`)).toContainText("exit 7", { timeout: 20_000 });

  await finished.getByLabel("Filter by state").selectOption("failed");
  await expect(finished.getByTestId(`finished-job-${goodId}`)).toHaveCount(0);
  await expect(finished.getByTestId(`finished-job-${badId}`)).toBeVisible();

  await finished.getByLabel("Filter by state").selectOption("");
  await finished.getByLabel("Filter by owner").fill("zoe@");
  await expect(finished.getByTestId(`finished-job-${badId}`)).toHaveCount(0);
  await expect(finished.getByTestId(`finished-job-${goodId}`)).toBeVisible();

  await finished.getByLabel("Filter by owner").fill("");
  await finished.getByLabel("Search").fill("broken spec");
  await expect(finished.getByTestId(`finished-job-${goodId}`)).toHaveCount(0);
  await expect(finished.getByTestId(`finished-job-${badId}`)).toBeVisible();

  // On a phone the row still says how the job ended, without scrolling the table sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const row = finished.getByTestId(`finished-job-${badId}`);
  await row.getByRole("link", { name: bad }).scrollIntoViewIfNeeded();
  await expect(row.getByText("failed", { exact: true })).toBeInViewport({ ratio: 1 });
  await expect(row.getByText("exit 7", { exact: true }).filter({ visible: true })).toBeInViewport({ ratio: 1 });
});
