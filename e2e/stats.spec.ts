import { expect, test } from "@playwright/test";
import type { JobDetail } from "../lib/core/api-types";
import { formatDuration } from "../lib/core/format";
import { uniqueName } from "./job-helpers";
import { screenshot, submitByApi, userJobZip } from "./submit-helpers";

test("the statistics page shows each owner's jobs, failures and times, and a chart of jobs per day", async ({ page, request }) => {
  test.setTimeout(90_000);
  // An owner of this test alone, with one job that succeeds after a second and one that fails.
  const name = uniqueName("stats");
  const owner = `${name}@lab.org`;
  const ids: number[] = [];
  for (const [suffix, script] of [["ok", "sleep 1; echo counted"], ["bad", "echo giving up; exit 3"]]) {
    const answer = await submitByApi(request, await userJobZip(`${name}-${suffix}`, { script, owner }), `${name}-${suffix}.zip`);
    expect(answer.status()).toBe(201);
    ids.push((await answer.json()).job.id);
  }
  const detail = async (id: number): Promise<JobDetail> => (await (await request.get(`/api/jobs/${id}`)).json()).job;
  for (const id of ids) await expect.poll(async () => (await detail(id)).finishedAt, { timeout: 30_000 }).not.toBeNull();
  const jobs = await Promise.all(ids.map(detail));
  expect(jobs.map((j) => j.state)).toEqual(["done", "failed"]);

  // What the page must add up, from the jobs' own records.
  const wallMs = jobs.reduce((sum, j) => sum + (Date.parse(j.finishedAt!) - Date.parse(j.startedAt!)), 0);
  const cpuSeconds = jobs.reduce((sum, j) => sum + (j.cpuSeconds ?? 0), 0);
  expect(wallMs).toBeGreaterThanOrEqual(1000);
  const stats = await (await request.get("/api/stats?days=7")).json();
  const mine = stats.owners.find((o: { owner: string }) => o.owner === owner);
  expect(mine).toMatchObject({ jobs: 2, done: 1, failures: 1 });
  expect(mine.wallSeconds).toBeCloseTo(wallMs / 1000, 2);
  expect(mine.meanWallSeconds).toBeCloseTo(wallMs / 2000, 2);
  expect(mine.cpuSeconds).toBeCloseTo(cpuSeconds, 2);
  expect(stats.days).toHaveLength(7);
  expect(stats.days.at(-1).done).toBeGreaterThanOrEqual(1);
  expect(stats.days.at(-1).failed).toBeGreaterThanOrEqual(1);

  await page.goto("/stats");
  await expect(page.getByRole("heading", { name: "Statistics" })).toBeVisible();
  const row = page.getByTestId("owner-stats").getByRole("row").filter({ hasText: owner });
  // Owner, jobs, failures, CPU time, wall time, mean wall time, CPU-hours, CPU efficiency,
  // GPU-hours, timeouts, out of memory; the first load after a fresh build can be slow on a busy 2-core machine.
  const durations = [mine.cpuSeconds, mine.wallSeconds, mine.meanWallSeconds].map((s: number) => formatDuration(s * 1000));
  const efficiency = mine.cpuEfficiency === null ? "—" : `${mine.cpuEfficiency}%`;
  await expect(row.getByRole("cell")).toHaveText([owner, "2", "1", ...durations, (mine.cpuSeconds / 3600).toFixed(3), efficiency, "0.000", "0", "0"], { timeout: 30_000 });
  await expect(page.getByTestId("stats-totals")).toContainText("All owners");
  const chart = page.getByTestId("jobs-per-day-chart");
  await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  // The red bars count every failure state, cancelled and timed-out jobs too: the legend
  // said "failed, killed, lost", and a day of cancelled array elements did not add up.
  await expect(chart.locator(".recharts-legend-item-text")).toHaveText(["done", "failures"]);
  await screenshot(page, "stats");
});

test("on a phone the owners' table says it scrolls sideways, scrolls from the keyboard, and keeps the owners in view", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/stats");
  const box = page.getByRole("region", { name: "Jobs per owner" });
  await expect(box).toHaveAccessibleDescription(/Scroll the table sideways/);
  await expect(page.getByText("Scroll the table sideways")).toBeVisible();
  await box.focus();
  await expect(box).toBeFocused();
  for (let i = 0; i < 6; i += 1) await page.keyboard.press("ArrowRight");
  await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(100);
  await expect(page.getByTestId("stats-totals").getByRole("cell", { name: "All owners" })).toBeInViewport({ ratio: 1 });
});
