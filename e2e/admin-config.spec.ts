import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { env, loginAsAdmin } from "./job-helpers";
import { screenshot } from "./submit-helpers";

/** MaxNbProcessors the worker reports in its heartbeat (WorkerStatus.stats). */
function workerMaxNbProcessors(): number | undefined {
  const db = new Database(path.join(env.dir, "qm.db"), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("SELECT stats FROM WorkerStatus WHERE id = 1").get() as { stats: string } | undefined;
    return row ? JSON.parse(row.stats).maxNbProcessors : undefined;
  } finally {
    db.close();
  }
}

test("the configuration page needs the administrator", async ({ page, request }) => {
  await page.goto("/admin/config");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fconfig|\/login\?next=\/admin\/config/);
  const answer = await request.get("/api/config");
  expect(answer.status()).toBe(401);
});

test("an administrator changes MaxNbProcessors: saved with comments kept, and it takes effect", async ({ page }) => {
  test.setTimeout(60_000);
  const original = fs.readFileSync(env.configPath, "utf8");
  await loginAsAdmin(page);
  await page.goto("/admin/config");
  const field = page.getByLabel("MaxNbProcessors", { exact: true });
  await expect(field).toHaveValue("2");
  await expect(page.getByTestId("field-WEB_QMserver.The_Port")).toContainText("max 65535");
  // The password is never sent to the browser.
  const form = await (await page.request.get("/api/config")).json();
  expect(form.fields.find((f: { key: string }) => f.key === "smtp_password")).toMatchObject({ value: "", set: false });

  await field.fill("0");
  await page.getByRole("button", { name: "Save 1 change" }).click();
  await expect(page.getByTestId("error-QMServer.MaxNbProcessors")).toHaveText("MaxNbProcessors must be at least 1");
  expect(fs.readFileSync(env.configPath, "utf8")).toBe(original);
  await screenshot(page, "admin-config-error");

  await field.fill("3");
  await page.getByRole("button", { name: "Save 1 change" }).click();
  await expect(page.getByTestId("config-notice")).toContainText("Saved MaxNbProcessors");
  const saved = fs.readFileSync(env.configPath, "utf8");
  expect(saved).toBe(original.replace("MaxNbProcessors = 2", "MaxNbProcessors = 3"));
  expect(saved).toContain("# %integer% %min:1%\nMaxNbProcessors = 3");
  await screenshot(page, "admin-config");

  try {
    // The web app and the worker both follow the file.
    await page.goto("/");
    await expect(page.getByTestId("processors")).toContainText("/ 3");
    expect((await (await page.request.get("/api/status")).json()).maxNbProcessors).toBe(3);
    await expect.poll(workerMaxNbProcessors, { timeout: 20_000 }).toBe(3);
  } finally {
    // Put it back through the form, which also checks a second save with the new version.
    await page.goto("/admin/config");
    await page.getByLabel("MaxNbProcessors", { exact: true }).fill("2");
    await page.getByRole("button", { name: "Save 1 change" }).click();
    await expect(page.getByTestId("config-notice")).toContainText("Saved MaxNbProcessors");
  }
  expect(fs.readFileSync(env.configPath, "utf8")).toBe(original);
});

test("a key written twice in QMserv.cfg is pointed out on the configuration page, and saving it there makes the file say one thing", async ({ page }) => {
  const original = fs.readFileSync(env.configPath, "utf8");
  const twice = original.replace("[QMServer]\n", "[QMServer]\nMax_User_Priority = 0\n").replace("\n[WEB_QMserver]", "Max_User_Priority = 5\n\n[WEB_QMserver]");
  expect(twice.match(/^Max_User_Priority/gm)).toHaveLength(2);
  fs.writeFileSync(env.configPath, twice);
  try {
    await loginAsAdmin(page);
    await page.goto("/admin/config");
    const warnings = page.getByTestId("config-warnings");
    await expect(warnings).toContainText(/Max_User_Priority is set 2 times in \[QMServer\] with different values \(line 2: "0", line \d+: "5"\); the last one counts: keep one/);
    const field = page.getByLabel("Max_User_Priority", { exact: true });
    await expect(field).toHaveValue("5");
    await field.fill("0");
    await page.getByRole("button", { name: "Save 1 change" }).click();
    await expect(page.getByTestId("config-notice")).toContainText("Saved Max_User_Priority");
    await expect(warnings).toHaveCount(0);
    expect(fs.readFileSync(env.configPath, "utf8").match(/^Max_User_Priority = .*$/gm)).toEqual(["Max_User_Priority = 0", "Max_User_Priority = 0"]);
  } finally {
    fs.writeFileSync(env.configPath, original);
  }
});

test("on a phone, a value refused before saving is named in the bar and its field is focused, screens away from the Save button", async ({ page }) => {
  const original = fs.readFileSync(env.configPath, "utf8");
  await loginAsAdmin(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/admin/config");
  const field = page.getByLabel("MaxNbProcessors", { exact: true });
  await field.fill("0");
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(field).not.toBeInViewport();
  await page.getByRole("button", { name: "Save 1 change" }).click();
  await expect(page.getByTestId("config-notice")).toHaveText("MaxNbProcessors needs fixing: see the message under it.");
  await expect(field).toBeFocused();
  await expect(field).toBeInViewport();
  await expect(page.getByTestId("error-QMServer.MaxNbProcessors")).toHaveText("MaxNbProcessors must be at least 1");
  expect(fs.readFileSync(env.configPath, "utf8")).toBe(original);
});

test("on a phone, a field reached with Tab is never left under the sticky Save bar", async ({ page }) => {
  await loginAsAdmin(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/admin/config");
  await page.getByLabel("QM_FOLDER", { exact: true }).focus();
  const bar = page.getByRole("button", { name: "No changes" }).locator("xpath=..");
  const barTop = (await bar.boundingBox())!.y;
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => ({ id: document.activeElement!.id, bottom: document.activeElement!.getBoundingClientRect().bottom }));
    expect(focused.bottom, `${focused.id} above the Save bar`).toBeLessThanOrEqual(barTop);
  }
});
