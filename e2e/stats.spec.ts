import { expect, test } from "@playwright/test";
import { uniqueName } from "./job-helpers";
import { screenshot, submitByApi, userJobZip } from "./submit-helpers";

test("the statistics page shows jobs per owner, totals and a chart of jobs per day", async ({ page, request }) => {
  test.setTimeout(60_000);
  const name = uniqueName("stats");
  const answer = await submitByApi(request, await userJobZip(name, { script: "echo counted", owner: "stats@lab.org" }), `${name}.zip`);
  expect(answer.status()).toBe(201);
  const { job } = await answer.json();
  await expect.poll(async () => (await (await request.get(`/api/jobs/${job.id}`)).json()).job.state, { timeout: 30_000 }).toBe("done");

  await page.goto("/stats");
  await expect(page.getByRole("heading", { name: "Statistics" })).toBeVisible();
  const row = page.getByTestId("owner-stats").getByRole("row").filter({ hasText: "stats@lab.org" });
  // The first load after a fresh build can be slow on a busy 2-core machine.
  await expect(row).toContainText("1", { timeout: 30_000 }); // one job, no failure
  await expect(page.getByTestId("stats-totals")).toContainText("All owners");
  const chart = page.getByTestId("jobs-per-day-chart");
  await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();

  const stats = await (await request.get("/api/stats?days=7")).json();
  expect(stats.days).toHaveLength(7);
  expect(stats.owners.find((o: { owner: string }) => o.owner === "stats@lab.org")).toMatchObject({ jobs: 1, done: 1, failures: 0 });
  await screenshot(page, "stats");
});
