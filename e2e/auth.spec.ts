import { expect, test } from "@playwright/test";
import { env, loginAsAdmin } from "./job-helpers";

test("the admin logs in and out; a wrong password says so", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong user name or password.");

  await loginAsAdmin(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("session-status")).toContainText("admin");
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "qm_session")!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  expect(env.adminPassword).toBeTruthy();
});

test("a link clicked as soon as the header shows the admin is where the browser goes, however slow the page's other fetches", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(env.adminPassword);
  // The queries a login fetches again answer 2 s late, all but the session's. The form used
  // to send the browser on only once they had all answered, so a link clicked on the new
  // header meanwhile was overridden by it (a CI run clicked Admin there and ended on the
  // dashboard).
  const slow = { asked: 0, answered: 0 };
  await page.route(/\/api\/(?!auth\/)/, async (route) => {
    slow.asked += 1;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await route.continue().catch(() => undefined);
    slow.answered += 1;
  });
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("link", { name: "Admin", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect.poll(() => slow.asked).toBeGreaterThan(0);
  await expect.poll(() => slow.answered === slow.asked, { timeout: 10_000 }).toBe(true);
  await page.waitForLoadState("networkidle");
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("form", { name: "New user" })).toBeVisible();
});

test("the API refuses admin actions without login and path traversal in the files API", async ({ request }) => {
  const kill = await request.post("/api/jobs/1/kill", { headers: { "x-qm-csrf": "anonymous" } });
  expect(kill.status()).toBe(401);
  expect((await kill.json()).error.code).toBe("UNAUTHORIZED");
  const basic = { authorization: `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}` };
  const missing = await request.get("/api/jobs/999999/files?path=../../", { headers: basic });
  expect([400, 404]).toContain(missing.status());
});

test("with Require_Login = yes every page that shows jobs sends visitors to the login, then back", async ({ page }) => {
  const fs = await import("node:fs");
  const original = fs.readFileSync(env.configPath, "utf8");
  try {
    fs.writeFileSync(env.configPath, original.replace("[WEB_QMserver]\n", "[WEB_QMserver]\nRequire_Login = yes\n"));
    await page.goto("/jobs/1");
    await expect(page).toHaveURL(/\/login\?next=%2Fjobs%2F1|\/login\?next=\/jobs\/1/);
    await page.goto("/submit");
    await expect(page).toHaveURL(/\/login\?next=%2Fsubmit$/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.goto("/stats");
    await expect(page).toHaveURL(/\/login\?next=%2Fstats$/);
    await expect(page.getByTestId("owner-stats")).toHaveCount(0);
    await page.getByLabel("User name").fill("admin");
    await page.getByLabel("Password").fill(env.adminPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/stats$/);
    await expect(page.getByTestId("owner-stats")).toBeVisible();
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await expect(page.getByTestId("worker-status")).toBeVisible();
  } finally {
    fs.writeFileSync(env.configPath, original);
  }
});

test("the login page says when a login is needed even to view the queue (Require_Login = yes), and not otherwise", async ({ page }) => {
  const fs = await import("node:fs");
  const original = fs.readFileSync(env.configPath, "utf8");
  const note = page.getByTestId("auth-note");
  await page.goto("/login");
  await expect(note).toContainText("Log in to submit jobs as yourself");
  await expect(note).not.toContainText("even to view");
  try {
    fs.writeFileSync(env.configPath, original.replace("[WEB_QMserver]\n", "[WEB_QMserver]\nRequire_Login = yes\n"));
    // Every text the note ever shows, from the page's first parse on: the ordinary note must not flash first.
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { qmNotes: string[] }).qmNotes = []);
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="auth-note"]')?.textContent ?? "";
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto("/");
    await expect(page).toHaveURL(/\/login\?next=/);
    await expect(note).toContainText("This server asks for a login even to view the queue");
    expect(await page.evaluate(() => (window as unknown as { qmNotes: string[] }).qmNotes)).toEqual([expect.stringContaining("This server asks for a login even to view the queue")]);
  } finally {
    fs.writeFileSync(env.configPath, original);
  }
});
