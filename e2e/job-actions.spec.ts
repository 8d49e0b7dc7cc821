import { expect, test } from "@playwright/test";
import { confirmJobAction, dropJob, env, foldersNamed, jobIdOnDashboard, loginAsAdmin, uniqueName } from "./job-helpers";

test("the admin kills a running job: it ends killed in QM_lost+found, then requeues and deletes it", async ({ page }) => {
  test.setTimeout(90_000);
  await loginAsAdmin(page);
  const name = uniqueName("long-sleep");
  dropJob(name, 'echo "processing 1 / 100"; sleep 300');
  const id = await jobIdOnDashboard(page, name);
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-state")).toHaveText("running", { timeout: 20_000 });

  await page.getByRole("button", { name: "kill" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("Kill this running job?");
  await confirmJobAction(page, "kill");
  await expect(page.getByTestId("job-state")).toHaveText("killed", { timeout: 20_000 });
  await expect(page.getByTestId("job-history")).toContainText("kill-requested");
  expect(foldersNamed("QM_lost+found", name)).toHaveLength(1);

  // Requeue: the same job goes back to the queue and runs again.
  await confirmJobAction(page, "requeue");
  await expect(page.getByTestId("job-state")).toHaveText(/queued|running/, { timeout: 20_000 });
  await expect(page.getByTestId("job-history")).toContainText("requeued");
  expect(foldersNamed("QM_lost+found", name)).toHaveLength(0);

  // Kill it again, then delete it: its folder disappears and the page sends us home.
  await expect(page.getByTestId("job-state")).toHaveText("running", { timeout: 20_000 });
  await confirmJobAction(page, "kill");
  await expect(page.getByTestId("job-state")).toHaveText("killed", { timeout: 20_000 });
  await confirmJobAction(page, "delete");
  await expect(page).toHaveURL(/\/$/);
  expect(foldersNamed("QM_lost+found", name)).toHaveLength(0);
  expect(foldersNamed("QM_qJobs", name)).toHaveLength(0);
  await page.goto(`/jobs/${id}`);
  await expect(page.locator("main").getByRole("alert")).toContainText(`no job ${id}`);
});

test("visitors see no action buttons; a queued job can be deleted by the admin; scripts kill with HTTP Basic", async ({ page, browser, playwright }) => {
  test.setTimeout(60_000);
  await loginAsAdmin(page);
  // Fill both processors so the next job stays queued.
  const blockers = [uniqueName("block-a"), uniqueName("block-b")].map((n) => dropJob(n, "sleep 60", { nb_proc: "1" }));
  const waiting = dropJob(uniqueName("waiting"), "echo hi", { nb_proc: "2" });
  const id = await jobIdOnDashboard(page, waiting);
  await expect(page.getByTestId(`queued-job-${id}`)).toBeVisible({ timeout: 20_000 });

  const visitor = await browser.newPage();
  await visitor.goto(`/jobs/${id}`);
  await expect(visitor.getByTestId("job-state")).toHaveText("queued");
  await expect(visitor.getByRole("button", { name: "delete" })).toHaveCount(0);
  await visitor.close();

  await page.goto(`/jobs/${id}`);
  // From the keyboard: the question takes the focus (on Cancel), Escape closes it and gives
  // the focus back to the button; then Enter on "Yes, delete".
  const deleteButton = page.getByRole("button", { name: "delete" });
  await deleteButton.focus();
  await page.keyboard.press("Enter");
  const question = page.getByRole("alertdialog", { name: "Confirm delete" });
  await expect(question).toHaveAccessibleDescription(/^Delete this job and its whole folder\?/);
  await expect(question.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(question).toHaveCount(0);
  await expect(deleteButton).toBeFocused();
  await page.keyboard.press("Enter");
  await question.getByRole("button", { name: "Yes, delete" }).press("Enter");
  await expect(page).toHaveURL(/\/$/);
  expect(foldersNamed("QM_qJobs", waiting)).toHaveLength(0);

  // Kill the blockers as a script would: fresh API contexts, no cookie and no CSRF
  // header, only `Authorization: Basic` on every request (the server never challenges).
  const basicAs = (password: string) =>
    playwright.request.newContext({ baseURL: env.baseURL, httpCredentials: { username: "admin", password, send: "always" } });
  const script = await basicAs(env.adminPassword);
  const intruder = await basicAs("not the password");
  try {
    expect((await script.storageState()).cookies).toEqual([]);
    const blockerIds: number[] = [];
    for (const name of blockers) {
      const link = page.getByRole("link", { name, exact: true }).first();
      const blockerId = Number((await link.getAttribute("href"))!.split("/").pop());
      await expect(page.getByTestId(`running-job-${blockerId}`)).toBeVisible({ timeout: 20_000 });
      blockerIds.push(blockerId);
    }
    const refused = await intruder.post(`/api/jobs/${blockerIds[0]}/kill`);
    expect(refused.status()).toBe(401);
    expect(refused.headers()["www-authenticate"]).toBeUndefined();
    expect((await (await script.get(`/api/jobs/${blockerIds[0]}`)).json()).job).toMatchObject({ state: "running", killRequested: false });
    for (const blockerId of blockerIds) expect((await script.post(`/api/jobs/${blockerId}/kill`)).status()).toBe(202);
    for (const blockerId of blockerIds) {
      await expect.poll(async () => (await (await script.get(`/api/jobs/${blockerId}`)).json()).job.state, { timeout: 20_000 }).toBe("killed");
    }
    expect((await script.storageState()).cookies).toEqual([]);
  } finally {
    await script.dispose();
    await intruder.dispose();
  }
});
