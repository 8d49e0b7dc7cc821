/**
 * Pushed updates (GET /api/events): with Refresh_Rate at a minute, a change reaches the
 * dashboard at once only if it is pushed; the tabs of one browser share one stream; when
 * the stream drops, pages poll at Refresh_Rate until it is back.
 */
import fs from "node:fs";
import { type Page, type Request, expect, test } from "@playwright/test";
import { FIVE_STEPS, dropJob, env, uniqueName } from "./job-helpers";

const original = fs.readFileSync(env.configPath, "utf8");
const withRefreshRate = (seconds: number) => fs.writeFileSync(env.configPath, original.replace("Refresh_Rate = 1", `Refresh_Rate = ${seconds}`));
test.afterEach(() => fs.writeFileSync(env.configPath, original));

const isStream = (request: Request) => new URL(request.url()).pathname === "/api/events";

async function openDashboard(page: Page, live: "yes" | "no") {
  await page.goto("/");
  await expect(page.getByTestId("live-updates")).toHaveAttribute("data-live", live);
}

/** The dashboard's finished list shows the job `name` as done. */
const showsDone = (page: Page, name: string) =>
  expect(page.getByTestId("finished-jobs").getByRole("row").filter({ hasText: name })).toContainText("done", { timeout: 10_000 });

test("a job's changes reach the dashboard as they happen, without polling", async ({ page }) => {
  withRefreshRate(60);
  await openDashboard(page, "yes");
  await expect(page.getByTestId("live-updates")).toHaveText("● live");
  const polls: string[] = [];
  page.on("request", (r) => r.url().includes("/api/") && !isStream(r) && polls.push(r.url()));
  const name = dropJob(uniqueName("pushed"), "echo pushed");
  await showsDone(page, name);
  expect(polls.length).toBeGreaterThan(0); // the lists were fetched again because of the push
  // Idle queue: nothing is fetched at all (the status comes with the stream).
  await page.waitForTimeout(1_500); // a last refetch of the burst may be due
  polls.length = 0;
  await page.waitForTimeout(3_000);
  expect(polls).toEqual([]);
});

test("a running job's progress refetches the lists, never the finished rows' results", async ({ page }) => {
  withRefreshRate(60);
  const results = new Map<string, number>();
  let lists = 0;
  page.on("request", (r) => {
    const { pathname } = new URL(r.url());
    if (pathname.endsWith("/results")) results.set(pathname, (results.get(pathname) ?? 0) + 1);
    if (pathname === "/api/jobs") lists += 1;
  });
  await openDashboard(page, "yes");
  await showsDone(page, dropJob(uniqueName("before"), "echo finished first"));
  lists = 0;
  // Five progress lines, a second apart: five changes of a job row.
  await showsDone(page, dropJob(uniqueName("progressing"), FIVE_STEPS));
  expect(lists).toBeGreaterThanOrEqual(4); // the changes were pushed and the lists refetched
  await page.waitForTimeout(1_500); // a last refetch of the burst may be due
  expect(results.size).toBeGreaterThanOrEqual(2);
  // Each finished row's results were asked once, when it was first shown (25 rows and a
  // running job cost 175 requests in 20 s when every change asked them all again).
  expect([...results].filter(([, times]) => times > 1)).toEqual([]);
});

test("the tabs of one browser share one stream, and another tab takes it over when its holder closes", async ({ context }) => {
  withRefreshRate(60);
  const streams: Request[] = [];
  const open = new Set<Request>();
  context.on("request", (r) => isStream(r) && (streams.push(r), open.add(r)));
  context.on("requestfinished", (r) => open.delete(r));
  context.on("requestfailed", (r) => open.delete(r));
  const first = await context.newPage();
  await openDashboard(first, "yes");
  const second = await context.newPage();
  await openDashboard(second, "yes");
  const third = await context.newPage();
  await openDashboard(third, "yes");
  expect(streams).toHaveLength(1);
  expect(open.size).toBe(1);
  const name = dropJob(uniqueName("shared"), "echo shared");
  await Promise.all([showsDone(second, name), showsDone(third, name)]);
  await first.close();
  await expect.poll(() => streams.length).toBeGreaterThanOrEqual(2);
  // One stream again (a closed tab's request is never reported finished).
  await expect.poll(() => [...open].filter((r) => !r.frame().page().isClosed()).length).toBe(1);
  const next = dropJob(uniqueName("taken-over"), "echo taken over");
  await Promise.all([showsDone(second, next), showsDone(third, next)]);
});

test("when the stream drops, the page polls at Refresh_Rate", async ({ page }) => {
  // The stream opens, then ends, and the browser is told to retry only much later.
  await page.route("**/api/events", (route) => route.fulfill({ status: 200, headers: { "content-type": "text/event-stream" }, body: "retry: 600000\n\n" }));
  await page.goto("/");
  await expect(page.getByTestId("live-updates")).toHaveText("updated every 1 s");
  const name = dropJob(uniqueName("polled"), "echo polled");
  await showsDone(page, name);
});
