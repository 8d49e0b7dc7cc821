import fs from "node:fs";
import path from "node:path";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { confirmJobAction, dropJob, env, jobIdOnDashboard, loginAsAdmin, uniqueName } from "./job-helpers";
import { screenshot, userJobZip } from "./submit-helpers";

/**
 * A job that runs until the test puts a file `go` into its folder (jobs may run as their
 * own uid and see nothing of the test's folders but their own).
 */
const UNTIL_GO = "while [ ! -f go ]; do sleep 0.1; done";
async function letGo(request: APIRequestContext, name: string): Promise<void> {
  const { jobs } = (await (await request.get(`/api/jobs?q=${encodeURIComponent(name)}`)).json()) as { jobs: { name: string; folder?: string; id: number }[] };
  for (const job of jobs.filter((j) => j.name === name)) {
    const { folder } = (await (await request.get(`/api/jobs/${job.id}`)).json()).job as { folder: string };
    fs.writeFileSync(path.join(env.qmFolder, folder, "go"), "");
  }
}

test("an array submitted from /submit shows as one grouped row that fills up, and each element has its own results", async ({ page }) => {
  test.setTimeout(90_000);
  const name = uniqueName("sweep");
  await page.goto("/submit");
  // Each element stops half-way until the test lets it go, so that the part-way state is
  // there to be seen however slow the machine (a sleep made it a race, lost once under load).
  const script = `echo "processing 1 / 2"; ${UNTIL_GO}; echo "processing 2 / 2"; echo "index $QM_ARRAY_INDEX" > result.txt`;
  await page.locator("#zip-file").setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: await userJobZip(name, { script }) });
  await page.locator('input[name="array"]').fill("1-4%2");
  await page.getByRole("button", { name: "Upload and queue" }).click();

  // The array's own page: one combined bar and the elements counted per state.
  await expect(page).toHaveURL(/\/arrays\/\d+$/);
  const arrayId = Number(page.url().split("/").pop());
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("array-elements").locator("tbody tr")).toHaveCount(4);

  // The dashboard groups it into one row that fills up as elements end.
  await page.goto("/");
  const row = page.getByTestId(`array-${arrayId}`);
  await expect(row).toContainText(name);
  await expect(row).toContainText("1-4%2");
  // Part-way: two elements run (%2), each at 50%, two wait: 25% of the array.
  const progress = page.getByTestId(`array-progress-${arrayId}`);
  await expect(progress).toHaveAttribute("data-value", "25", { timeout: 30_000 });
  await expect(page.getByTestId(`array-counts-${arrayId}-done`)).toHaveCount(0);
  // Let each running element go, as the waiting ones start, until all four are done.
  const folderOf = async (id: number) => path.join(env.qmFolder, (await (await page.request.get(`/api/jobs/${id}`)).json()).job.folder as string);
  await expect(async () => {
    const { jobs } = (await (await page.request.get(`/api/arrays/${arrayId}`)).json()) as { jobs: { id: number; state: string }[] };
    for (const job of jobs.filter((j) => j.state === "running")) fs.writeFileSync(path.join(await folderOf(job.id), "go"), "");
    await expect(page.getByTestId(`array-counts-${arrayId}-done`)).toContainText("4", { timeout: 500 });
  }).toPass({ timeout: 60_000, intervals: [200] });
  await expect(progress).toHaveAttribute("data-value", "100");
  await screenshot(page, "array-dashboard");

  const answer = (await (await page.request.get(`/api/arrays/${arrayId}`)).json()) as { jobs: { id: number; arrayIndex: number }[] };
  for (const job of answer.jobs) {
    const folder = await folderOf(job.id);
    expect(fs.readFileSync(path.join(folder, "result.txt"), "utf8")).toBe(`index ${job.arrayIndex}\n`);
    expect(fs.existsSync(path.join(folder, "process.log"))).toBe(true);
  }

  // Deleted whole from its page by the administrator (a visitor is offered no such button),
  // after a question: every element and its folder go.
  const folders = await Promise.all(answer.jobs.map((job) => folderOf(job.id)));
  await page.goto(`/arrays/${arrayId}`);
  await expect(page.getByTestId("array-elements").locator("tbody tr")).toHaveCount(4);
  await expect(page.getByRole("button", { name: "Delete all" })).toHaveCount(0);
  await loginAsAdmin(page);
  await page.goto(`/arrays/${arrayId}`);
  await page.getByRole("button", { name: "Delete all" }).click();
  await page.getByRole("button", { name: "Yes, delete all" }).click();
  await expect(page.getByText("Delete all: 4 element(s).")).toBeVisible();
  expect((await page.request.get(`/api/arrays/${arrayId}`)).status()).toBe(404);
  for (const folder of folders) expect(fs.existsSync(folder)).toBe(false);
});

test("Hold all on an array's page holds its queued elements and says how many were already running, not held", async ({ page }) => {
  // It said "Hold all: 2 element(s)." while two more ran on: read as the whole array held.
  const name = uniqueName("holdall");
  await loginAsAdmin(page);
  await page.goto("/submit");
  await page.locator("#zip-file").setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: await userJobZip(name, { script: UNTIL_GO }) });
  await page.locator('input[name="array"]').fill("1-4");
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page).toHaveURL(/\/arrays\/\d+$/);
  const arrayId = Number(page.url().split("/").pop());
  // MaxNbProcessors = 2: two elements run, two wait.
  await expect(page.getByTestId("array-counts-running")).toContainText("2", { timeout: 30_000 });
  await page.getByRole("button", { name: "Hold all" }).click();
  await expect(page.getByText("Hold all: 2 element(s); 2 already running, not held.")).toBeVisible();
  await page.getByRole("button", { name: "Kill all" }).click();
  await page.getByRole("button", { name: "Yes, kill all" }).click();
  await expect(page.getByText(/^Kill all: 4 element\(s\)/)).toBeVisible();
});

test("on a phone, an array's page shows each element's name whole, not broken mid-word", async ({ page }) => {
  const name = `temperaturesweep${Date.now().toString(36)}`;
  await loginAsAdmin(page);
  await page.goto("/submit");
  await page.locator("#zip-file").setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: await userJobZip(name, { script: "echo done" }) });
  await page.locator('input[name="array"]').fill("1-3");
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page).toHaveURL(/\/arrays\/\d+$/);
  await page.setViewportSize({ width: 390, height: 844 });
  const links = page.getByTestId("array-elements").getByRole("link", { name: new RegExp(`^${name}_\\d$`) });
  await expect(links).toHaveCount(3);
  // An inline link broken over two lines has two boxes.
  const lines = await links.evaluateAll((all) => all.map((a) => a.getClientRects().length));
  expect(lines).toEqual([1, 1, 1]);
});

test("the admin holds a queued job from its page, it stays held while the queue moves on, then is released and runs", async ({ page }) => {
  test.setTimeout(90_000);
  await loginAsAdmin(page);
  const blocker = dropJob(uniqueName("blocker"), UNTIL_GO, { nb_proc: "2" });
  try {
    const waiting = dropJob(uniqueName("waiting"), "echo ran > ran.txt");
    const id = await jobIdOnDashboard(page, waiting);
    await expect(page.getByTestId(`estimate-${id}`)).toContainText("waiting for 1 processor");
    await screenshot(page, "queue-estimates");
    await page.goto(`/jobs/${id}`);
    await expect(page.getByTestId("job-state")).toHaveText("queued");
    await expect(page.getByTestId("job-wait-reason")).toContainText("waiting for 1 processor (0 free of 2)");

    await page.getByRole("button", { name: "hold", exact: true }).click();
    await expect(page.getByTestId("job-state")).toHaveText("held");
    await expect(page.getByTestId("job-wait-reason")).toHaveText("held: it keeps its place in the queue but starts only once released");
    await screenshot(page, "job-held");
    // Its priority changed from its page (higher runs first): the value and the history say so.
    await page.getByTestId("job-priority").getByRole("button", { name: "change" }).click();
    await page.getByLabel("New priority").fill("7");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("job-priority")).toHaveText(/^Priority7change$/);
    await expect(page.getByTestId("job-history")).toContainText("0 -> 7 by admin");
    await page.getByTestId("job-priority").getByRole("button", { name: "change" }).click();
    await screenshot(page, "job-priority-editor");
    await page.getByRole("button", { name: "Cancel" }).click();

    // The processors free up, and a later job runs past the held one.
    await letGo(page.request, blocker);
    const later = dropJob(uniqueName("later"), "true");
    await page.goto("/");
    const laterId = await jobIdOnDashboard(page, later);
    await expect.poll(async () => (await (await page.request.get(`/api/jobs/${laterId}`)).json()).job.state, { timeout: 30_000 }).toBe("done");
    await page.goto(`/jobs/${id}`);
    await expect(page.getByTestId("job-state")).toHaveText("held");

    await page.getByRole("button", { name: "release", exact: true }).click();
    await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 30_000 });
    await expect(page.getByTestId("job-history")).toContainText("released");
  } finally {
    await letGo(page.request, blocker); // never leave the blocker holding the shared e2e processors
  }
});

test("a requeue the server would refuse is shown disabled with the reason, and offered again once its parent is requeued", async ({ page }) => {
  // The page offered "requeue" on a job cancelled for its failed after_ok parent, and the
  // server then refused it. The parent runs until the test puts `fail` (it fails) or `go`
  // (it succeeds) into its folder.
  test.setTimeout(90_000);
  await loginAsAdmin(page);
  const findJob = async (name: string) =>
    ((await (await page.request.get(`/api/jobs?view=all&q=${name}`)).json()) as { jobs: { id: number; name: string; state: string }[] }).jobs.find((j) => j.name === name);
  const put = async (name: string, file: string) => {
    const { folder } = (await (await page.request.get(`/api/jobs/${(await findJob(name))!.id}`)).json()).job as { folder: string };
    fs.writeFileSync(path.join(env.qmFolder, folder, file), "");
  };
  const parent = dropJob(uniqueName("parent"), "while [ ! -f go ] && [ ! -f fail ]; do sleep 0.1; done; [ -f go ]");
  await expect.poll(async () => (await findJob(parent))?.state, { timeout: 30_000 }).toBe("running");
  const parentId = (await findJob(parent))!.id;
  const child = dropJob(uniqueName("child"), "true", { after_ok: String(parentId) });
  await expect.poll(async () => (await findJob(child))?.state, { timeout: 30_000 }).toBe("queued");
  const childId = (await findJob(child))!.id;
  await put(parent, "fail");
  await expect.poll(async () => (await findJob(child))?.state, { timeout: 30_000 }).toBe("cancelled");

  await page.goto(`/jobs/${childId}`);
  const requeue = page.getByRole("button", { name: "requeue", exact: true });
  await expect(requeue).toBeDisabled();
  await expect(requeue).toHaveAccessibleDescription(`Cannot requeue now: Job ${childId} waits (after_ok) for job ${parentId}, which ended failed, so it would be cancelled again at once; requeue job ${parentId} first.`);
  await expect(page.getByRole("button", { name: "delete", exact: true })).toBeEnabled();

  await put(parent, "go");
  await page.goto(`/jobs/${parentId}`);
  await confirmJobAction(page, "requeue");
  await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 30_000 });
  await page.goto(`/jobs/${childId}`);
  await expect(requeue).toBeEnabled();
  await expect(page.getByText("Cannot requeue now")).toHaveCount(0);
  await confirmJobAction(page, "requeue");
  await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 30_000 });
});

test("an array's Requeue unfinished is disabled with the reason when every element would be refused, and says how many when some would", async ({ page }) => {
  // The array page offered "Requeue unfinished" on elements cancelled for their deleted
  // after_ok parent, which can never run, and the server then refused every one.
  test.setTimeout(120_000);
  await loginAsAdmin(page);
  const findJob = async (name: string) =>
    ((await (await page.request.get(`/api/jobs?view=all&q=${name}`)).json()) as { jobs: { id: number; name: string; state: string }[] }).jobs.find((j) => j.name === name);
  const arrayNamed = async (name: string) =>
    ((await (await page.request.get("/api/arrays?limit=200")).json()) as { arrays: { id: number; name: string; counts: Record<string, number> }[] }).arrays.find((a) => a.name === name);
  const elementsOf = async (arrayId: number) =>
    ((await (await page.request.get(`/api/arrays/${arrayId}`)).json()) as { jobs: { id: number; folder: string }[] }).jobs;
  const requeue = page.getByRole("button", { name: "Requeue unfinished" });

  // Every unfinished element refused: the parent failed, then was deleted.
  const parent = dropJob(uniqueName("parent"), "while [ ! -f fail ]; do sleep 0.1; done; exit 1");
  await expect.poll(async () => (await findJob(parent))?.state, { timeout: 30_000 }).toBe("running");
  const parentId = (await findJob(parent))!.id;
  const waiting = dropJob(uniqueName("waiting"), "true", { array: "1-2", after_ok: String(parentId) });
  await expect.poll(async () => (await arrayNamed(waiting))?.counts.queued, { timeout: 30_000 }).toBe(2);
  const waitingId = (await arrayNamed(waiting))!.id;
  const { folder } = (await (await page.request.get(`/api/jobs/${parentId}`)).json()).job as { folder: string };
  fs.writeFileSync(path.join(env.qmFolder, folder, "fail"), "");
  await expect.poll(async () => (await arrayNamed(waiting))?.counts.cancelled, { timeout: 30_000 }).toBe(2);
  await page.goto(`/jobs/${parentId}`);
  await confirmJobAction(page, "delete");
  await expect.poll(async () => (await page.request.get(`/api/jobs/${parentId}`)).status(), { timeout: 30_000 }).toBe(404);
  const [first] = await elementsOf(waitingId);

  await page.goto(`/arrays/${waitingId}`);
  await expect(requeue).toBeDisabled();
  await expect(requeue).toHaveAccessibleDescription(
    `Cannot requeue now: none of its 2 unfinished elements can be requeued. Job ${first.id} waits (after_ok) for job ${parentId}, which was deleted, so it would be cancelled again at once; it can never run: submit it again without that wait.`,
  );
  await expect(page.getByRole("button", { name: "Delete all" })).toBeEnabled();

  // Some refused: of two failed elements, one lost its folder; the other is requeued.
  const failing = dropJob(uniqueName("failing"), "exit 1", { array: "1-2" });
  await expect.poll(async () => (await arrayNamed(failing))?.counts.failed, { timeout: 30_000 }).toBe(2);
  const failingId = (await arrayNamed(failing))!.id;
  const [gone, kept] = await elementsOf(failingId);
  const goneFolder = ((await (await page.request.get(`/api/jobs/${gone.id}`)).json()).job as { folder: string }).folder;
  fs.rmSync(path.join(env.qmFolder, goneFolder), { recursive: true });
  await page.goto(`/arrays/${failingId}`);
  const note = `1 of 2 unfinished elements would not be requeued: Job ${gone.id}'s folder (${goneFolder}) is not there any more; it cannot be requeued.`;
  await expect(requeue).toHaveAccessibleDescription(note);
  await expect(page.getByText(note)).toBeVisible();
  await requeue.click();
  await page.getByRole("button", { name: "Yes, requeue unfinished" }).click();
  await expect(page.getByText(`Requeue unfinished: 1 element(s). 1 not requeued: Job ${gone.id}'s folder`)).toBeVisible();
  const eventsOf = async (id: number) => ((await (await page.request.get(`/api/jobs/${id}`)).json()).job as { events: { kind: string }[] }).events.map((e) => e.kind);
  expect(await eventsOf(kept.id)).toContain("requeued");
  expect(await eventsOf(gone.id)).not.toContain("requeued");
});

test("the pause banner shows on every page while the queue is paused; nothing starts until the admin resumes", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await loginAsAdmin(page);
  await page.goto("/");
  await page.getByRole("button", { name: "Pause the queue" }).click();
  const banner = page.getByTestId("paused-banner");
  await expect(banner).toContainText("The queue is paused");
  try {
    const name = dropJob(uniqueName("paused"), "true");
    const id = await jobIdOnDashboard(page, name);
    for (const url of ["/submit", "/stats", `/jobs/${id}`]) {
      await page.goto(url);
      await expect(page.getByTestId("paused-banner"), url).toContainText("by admin");
    }
    await expect(page.getByTestId("job-wait-reason")).toHaveText("the queue is paused: nothing starts until the administrator resumes it");
    await expect(page.getByTestId("job-state")).toHaveText("queued");
    await screenshot(page, "paused");

    const visitor = await browser.newPage();
    await visitor.goto("/");
    await expect(visitor.getByTestId("paused-banner")).toContainText("The queue is paused");
    await expect(visitor.getByRole("button", { name: "Resume the queue" })).toHaveCount(0);
    await visitor.close();

    await page.getByRole("button", { name: "Resume the queue" }).click();
    await expect(page.getByTestId("paused-banner")).toHaveCount(0);
    await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 30_000 });
  } finally {
    // Never leave the shared e2e queue paused for the other specs.
    await page.request.post("/api/queue/resume", { headers: { authorization: `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}` } });
  }
});
