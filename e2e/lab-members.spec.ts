/**
 * A lab's members in Chromium, against `npm start`'s programs: the administrator makes an
 * account; its user logs in, uploads a job and kills it; is refused (no button, 403) on
 * someone else's job, which the administrator can kill; then a token-driven `qm` session
 * submits, follows the log and waits for the exit code.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type Browser, type Page, expect, test } from "@playwright/test";
import { extractZip } from "../lib/server/zip/extract-zip";
import { zipLimitsFor } from "../lib/server/zip/zip-limits";
import { env, leftTheLoginPage, loginAsAdmin, uniqueName } from "./job-helpers";
import { screenshot, userJobZip, withConfig } from "./submit-helpers";

const QM = path.resolve(import.meta.dirname, "../bin/qm.cjs");

/** Run the qm command as a user would, with only QM_URL and QM_TOKEN (or what qm login kept in `home`) to find the server. */
function qm(args: string[], token: string, opts: { home?: string; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = { PATH: process.env.PATH ?? "", HOME: opts.home ?? env.dir, QM_URL: env.baseURL, QM_TOKEN: token, NODE_ENV: "production" } as const;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [QM, ...args], { env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(opts.input ?? "");
  });
}

async function logIn(browser: Browser, username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/login");
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await leftTheLoginPage(page);
  await expect(page.getByTestId("session-status")).toContainText(username);
  return page;
}

test("accounts: a user acts on their own jobs only, the admin on all; qm with a token submits, follows and waits", async ({ page, browser, playwright }) => {
  test.setTimeout(150_000);
  const ann = uniqueName("ann");
  const bob = uniqueName("bob");
  const password = "a long enough password";

  // The administrator creates ann on the users page, bob through the API.
  await loginAsAdmin(page);
  await page.getByRole("link", { name: "Admin", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("User name").fill(ann);
  await form.getByLabel("E-mail").fill(`${ann}@lab.org`);
  await form.getByLabel("First password").fill(password);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId(`user-${ann}`)).toContainText(`${ann}`);
  await expect(page.getByTestId(`user-${ann}`).getByLabel(`Role of ${ann}`)).toHaveValue("user");
  const admin = await playwright.request.newContext({ baseURL: env.baseURL, httpCredentials: { username: "admin", password: env.adminPassword, send: "always" } });
  expect((await admin.post("/api/users", { data: { username: bob, email: `${bob}@lab.org`, role: "user", password } })).status()).toBe(201);
  const asBob = await playwright.request.newContext({ baseURL: env.baseURL, httpCredentials: { username: bob, password, send: "always" } });
  await page.reload();
  await screenshot(page, "admin-users");

  // Ann uploads a job in the browser; it is hers, with her e-mail; she kills it.
  const annPage = await logIn(browser, ann, password);
  const annsName = uniqueName("anns-long");
  await annPage.goto("/submit");
  await annPage.locator("#zip-file").setInputFiles({ name: `${annsName}.zip`, mimeType: "application/zip", buffer: await userJobZip(annsName, { script: 'echo "processing 1 / 100"; sleep 120', cfg: "[QMOptions]\nscript : sh run.sh\n" }) });
  await annPage.getByRole("button", { name: "Upload and queue" }).click();
  await expect(annPage).toHaveURL(/\/jobs\/\d+$/);
  await expect(annPage.getByTestId("job-state")).toHaveText("running", { timeout: 20_000 });
  const annsJob = (await (await annPage.request.get(annPage.url().replace("/jobs/", "/api/jobs/"))).json()).job;
  expect(annsJob.owner).toBe(`${ann}@lab.org`);
  await annPage.getByRole("button", { name: "kill" }).click();
  await annPage.getByRole("alertdialog").getByRole("button", { name: "Yes, kill" }).click();
  await expect(annPage.getByTestId("job-state")).toHaveText("killed", { timeout: 20_000 });

  // Bob's running job: no button for ann, and the API says 403.
  const bobsName = uniqueName("bobs-long");
  const upload = await asBob.post("/api/jobs", { multipart: { file: { name: `${bobsName}.zip`, mimeType: "application/zip", buffer: await userJobZip(bobsName, { script: "sleep 120" }) } } });
  expect(upload.status()).toBe(201);
  const bobsId = (await upload.json()).job.id as number;
  await annPage.goto(`/jobs/${bobsId}`);
  await expect(annPage.getByTestId("job-state")).toHaveText("running", { timeout: 20_000 });
  await expect(annPage.getByRole("button", { name: "kill" })).toHaveCount(0);
  const csrf = (await (await annPage.request.get("/api/auth/session")).json()).csrfToken;
  const refused = await annPage.request.post(`/api/jobs/${bobsId}/kill`, { headers: { "x-qm-csrf": csrf } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain("not yours");

  // The administrator can act on it.
  await page.goto(`/jobs/${bobsId}`);
  await page.getByRole("button", { name: "kill" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Yes, kill" }).click();
  await expect(page.getByTestId("job-state")).toHaveText("killed", { timeout: 20_000 });

  // Ann makes a token on her account page and drives qm with it.
  await annPage.getByRole("link", { name: ann }).click();
  await expect(annPage).toHaveURL(/\/account$/);
  await annPage.getByRole("form", { name: "New API token" }).getByLabel("Name").fill("e2e terminal");
  await annPage.getByRole("button", { name: "Create token" }).click();
  const token = (await annPage.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^qm_/);
  await screenshot(annPage, "account");

  const folder = path.join(env.dir, uniqueName("cli-job"));
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, "proc_config.cfg"), "[QMOptions]\ninfo : from the qm command\nscript : sh run.sh\n");
  fs.writeFileSync(path.join(folder, "run.sh"), 'for i in 1 2 3; do echo "processing $i / 3"; sleep 1; done\necho "all steps done"\nexit 3\n');
  const submitted = await qm(["submit", folder], token);
  expect(submitted).toMatchObject({ code: 0, stderr: "" });
  const id = Number(submitted.stdout.trim());
  expect(id).toBeGreaterThan(0);
  const followed = await qm(["log", "-f", String(id)], token);
  expect(followed.code).toBe(0);
  expect(followed.stdout).toContain("processing 3 / 3");
  expect(followed.stdout).toContain("all steps done");
  expect(followed.stdout).toMatch(/=== QueueManager job \d+ ended .*: exit code 3/);
  expect((await qm(["wait", String(id)], token)).code).toBe(3);
  // A command line as a job of its own (as sbatch --wrap), named, waited for.
  const wrapped = await qm(["submit", "--wrap", "echo wrapped $((6 * 7)) | tee answer.txt", "--name", "answer", "--wait"], token);
  expect(wrapped).toMatchObject({ code: 0 });
  const wrappedId = Number(wrapped.stdout.trim().split("\n")[0]);
  expect((await qm(["log", String(wrappedId)], token)).stdout).toContain("wrapped 42");
  expect(JSON.parse((await qm(["show", "--json", String(wrappedId)], token)).stdout).job).toMatchObject({ name: "answer", script: "sh wrap.sh", state: "done" });
  // Its results on this machine: one file byte for byte, the whole folder as a zip (then refused
  // over an existing file without --force); the queue's pause is the administrator's.
  expect(await qm(["cat", String(id), "run.sh"], token)).toMatchObject({ code: 0, stdout: fs.readFileSync(path.join(folder, "run.sh"), "utf8") });
  expect((await qm(["cat", String(id), "../../etc/passwd"], token)).code).toBe(1);
  const downloads = fs.mkdtempSync(path.join(env.dir, "downloads-"));
  const fetched = await qm(["download", "-o", downloads, String(id)], token);
  expect(fetched).toMatchObject({ code: 0, stdout: `${path.join(downloads, `${path.basename(folder)}.zip`)}\n` });
  const unpacked = path.join(downloads, "unpacked");
  await extractZip(fetched.stdout.trim(), unpacked, zipLimitsFor(100));
  expect(fs.readFileSync(path.join(unpacked, path.basename(folder), "process.log"), "utf8")).toContain("all steps done");
  const again = await qm(["download", "-o", downloads, String(id)], token);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/is there already; remove it, use --force/);
  expect(fs.readdirSync(downloads).sort()).toEqual([`${path.basename(folder)}.zip`, "unpacked"]);
  expect(await qm(["pause"], token)).toMatchObject({ code: 4, stderr: "qm pause: Only the administrator may pause the queue.\n" });
  // --after a job that already failed: the wait could never be met, so nothing is queued and qm says what to do (exit 1).
  const after = await qm(["submit", "--after", String(id), "--wait", folder], token);
  expect(after.code).toBe(1);
  expect(after.stdout).toBe("");
  expect(after.stderr).toContain(`after_ok (sent with the upload) names job ${id}, which already ended failed: after_ok waits for jobs that end done, so this job could never start; requeue job ${id} first`);
  // The later submissions of this folder need not take 3 s each (4 runs, two at a time).
  fs.writeFileSync(path.join(folder, "run.sh"), 'for i in 1 2 3; do echo "processing $i / 3"; sleep 0.1; done\necho "all steps done"\nexit 3\n');
  // Queue control from the command line: held until released; an array of three.
  // More processors than the server has: queued, and said at once (qm and the job page), not only in process.log once it runs.
  const held = await qm(["submit", "--hold", "-n", "9", folder], token);
  const heldId = Number(held.stdout.trim());
  const clamped = /nb_proc 9 is more than MaxNbProcessors \(\d+\) of this server; it will run on \d+ processors?/;
  expect(held.stderr.split("\n")).toEqual([expect.stringMatching(clamped), ""]);
  expect(held.stderr.startsWith(`qm submit: ${folder}: nb_proc 9`)).toBe(true);
  expect(JSON.parse((await qm(["show", "--json", String(heldId)], token)).stdout).job.state).toBe("held");
  await annPage.goto(`/jobs/${heldId}`);
  await expect(annPage.getByTestId("job-notes")).toHaveText(clamped);
  expect(await qm(["update", "-p", "12", String(heldId)], token)).toMatchObject({ code: 0, stdout: `job ${heldId}: priority 12\n` });
  expect(JSON.parse((await qm(["show", "--json", String(heldId)], token)).stdout).job.priority).toBe(12);
  // With Max_User_Priority = 0, ann may not put her jobs ahead: refused from qm and on the job's page, with what to do.
  await withConfig((text) => text.replace("[QMServer]\n", "[QMServer]\nMax_User_Priority = 0\n"), async () => {
    const above = /The priority 20 is above 0, the highest a job may have unless an administrator gives it \(Max_User_Priority\): ask for 0 or less/;
    const raised = await qm(["update", "-p", "20", String(heldId)], token);
    expect(raised.code).not.toBe(0);
    expect(raised.stderr).toMatch(above);
    const submittedAbove = await qm(["submit", "-p", "20", folder], token);
    expect(submittedAbove.code).not.toBe(0);
    expect(submittedAbove.stderr).toMatch(above);
    await annPage.goto(`/jobs/${heldId}`);
    await annPage.getByTestId("job-priority").getByRole("button", { name: "change" }).click();
    await annPage.getByLabel("New priority").fill("20");
    await annPage.getByRole("button", { name: "Save" }).click();
    await expect(annPage.getByRole("form", { name: "Change priority" }).getByRole("alert")).toHaveText(above);
    expect(await qm(["update", "-p", "0", String(heldId)], token)).toMatchObject({ code: 0, stdout: `job ${heldId}: priority 0\n` });
  });
  // GPUs: more than the e2e worker's two are refused at submit; one is written into the job and shown.
  const greedy = await qm(["submit", "-g", "3", folder], token);
  expect(greedy.code).not.toBe(0);
  expect(greedy.stderr).toContain("it asks for 3 GPUs (nb_gpu = 3) and this server has 2 GPUs for jobs (GPU_List = 0,1); ask for 2 or fewer");
  const gpuHeld = Number((await qm(["submit", "--hold", "-g", "1", folder], token)).stdout.trim());
  expect((await qm(["show", String(gpuHeld)], token)).stdout).toMatch(/^nb_gpu: +1$/m);
  // On the dashboard each row offers ann only what she may do: release on hers, nothing on bob's.
  const bobsHeld = await asBob.post("/api/jobs", { multipart: { hold: "yes", file: { name: "bobs-held.zip", mimeType: "application/zip", buffer: await userJobZip(uniqueName("bobs-held"), { script: "true" }) } } });
  expect(bobsHeld.status()).toBe(201);
  const bobsHeldId = (await bobsHeld.json()).job.id as number;
  await annPage.goto("/");
  await expect(annPage.getByTestId(`queued-job-${heldId}`).getByRole("button", { name: "release" })).toBeVisible();
  await expect(annPage.getByTestId(`queued-job-${bobsHeldId}`)).toBeVisible();
  await expect(annPage.getByTestId(`queued-job-${bobsHeldId}`).getByRole("button")).toHaveCount(0);
  expect((await admin.delete(`/api/jobs/${bobsHeldId}`)).status()).toBe(200);
  expect(await qm(["release", String(heldId)], token)).toMatchObject({ code: 0, stdout: `job ${heldId}: released\n` });
  expect((await qm(["wait", String(heldId)], token)).code).toBe(3);
  const array = await qm(["submit", "--array", "1-3", folder], token);
  expect(array.code).toBe(0);
  const elements = array.stdout.trim().split("\n").map(Number);
  expect(elements).toHaveLength(3);
  expect((await qm(["wait", ...elements.map(String)], token)).code).toBe(3);
  // The whole array deleted in one call: qm show of an element names its array.
  const arrayId = (JSON.parse((await qm(["show", "--json", String(elements[0])], token)).stdout) as { job: { arrayId: number } }).job.arrayId;
  expect((await qm(["show", String(elements[0])], token)).stdout).toMatch(new RegExp(`^array: +${arrayId}, element 1 `, "m"));
  expect(await qm(["delete", "--array", String(arrayId)], token)).toMatchObject({ code: 0, stdout: `array ${arrayId}: deleted 3 element(s)\n` });
  expect((await qm(["show", String(elements[0])], token)).code).toBe(1);

  const noSuchJob = await qm(["wait", "99999999"], token);
  expect(noSuchJob.code).toBe(1);
  expect(noSuchJob.stderr).toContain("There is no job 99999999");
  const mine = JSON.parse((await qm(["ls", "--finished", "--mine", "--json"], token)).stdout) as { id: number; owner: string }[];
  expect(mine.find((j) => j.id === id)).toMatchObject({ owner: `${ann}@lab.org` });
  // Several folders in one call (sent together): the ids of those queued, in order, and what was wrong with the other.
  const batch = ["one", "broken", "two"].map((n) => {
    const dir = path.join(env.dir, uniqueName(`cli-${n}`));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "proc_config.cfg"), n === "broken" ? "[QMOptions]\nnb_proc : 1\n" : "[QMOptions]\nscript : true\n");
    return dir;
  });
  const several = await qm(["submit", "-n", "1", ...batch], token);
  expect(several.code).toBe(1);
  const severalIds = several.stdout.trim().split("\n").map(Number);
  expect(severalIds).toHaveLength(2);
  expect(several.stderr).toContain(`${batch[1]}: proc_config.cfg has no \`script\` entry`);
  expect((await qm(["wait", ...severalIds.map(String)], token)).code).toBe(0);

  const notHers = await qm(["requeue", String(bobsId)], token);
  expect(notHers.code).toBe(4);
  expect(notHers.stderr).toContain("not yours");
  expect(await qm(["delete", String(bobsId)], token)).toMatchObject({ code: 4 });
  expect(await qm(["delete", String(severalIds[0])], token)).toMatchObject({ code: 0, stdout: `job ${severalIds[0]}: deleted\n` });
  expect(JSON.parse((await qm(["ls", "--all", "--mine", "--json"], token)).stdout).map((j: { id: number }) => j.id)).not.toContain(severalIds[0]);

  // qm login with the answers on standard input keeps a token of its own for later commands.
  const home = path.join(env.dir, uniqueName("home"));
  fs.mkdirSync(home);
  expect(await qm(["login", env.baseURL], "", { home, input: `${ann}\n${password}\n` })).toMatchObject({ code: 0 });
  expect(await qm(["whoami"], "", { home })).toMatchObject({ code: 0, stdout: expect.stringContaining(`${ann} (user)`) });
  expect(await qm(["login", env.baseURL], "", { home, input: `${ann}\n` })).toMatchObject({ code: 1, stderr: expect.stringContaining("standard input ended") });
  expect(await qm(["logout"], "", { home })).toMatchObject({ code: 0 });

  // Revoked on the account page, the token opens nothing any more.
  await annPage.goto("/account");
  await annPage.getByTestId("api-tokens").getByRole("button", { name: "Revoke" }).click();
  // It asks first: the scripts using the token would stop at once.
  const confirm = annPage.getByRole("alertdialog", { name: /^Revoke token / });
  await expect(confirm).toContainText("stop working at once");
  await confirm.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(annPage.getByTestId("api-tokens").getByRole("button", { name: "Revoke" })).toHaveCount(0);
  expect((await qm(["show", String(id)], token)).code).toBe(4);

  // Ann changes her password on her account page and logs in with the new one.
  const change = annPage.getByRole("form", { name: "Change password" });
  await change.getByLabel("Current password").fill(password);
  await change.getByLabel("New password").fill("ann's new long password");
  await change.getByRole("button", { name: "Change password" }).click();
  await expect(change.getByRole("status")).toContainText("Password changed");
  await logIn(browser, ann, "ann's new long password");

  // The administrator disables bob on the users page: his password opens nothing any more.
  await page.goto("/admin/users");
  await page.getByTestId(`user-${bob}`).getByRole("button", { name: "Disable" }).click();
  await expect(page.getByTestId(`user-${bob}`)).toContainText("disabled");
  expect((await asBob.get("/api/jobs?mine=1")).status()).toBe(401);
  await admin.dispose();
  await asBob.dispose();
});

test("with Licence_to_kill = False, a job's owner is told on its page why there is no Kill button", async ({ browser, playwright }) => {
  const name = uniqueName("nokill");
  const password = "a long enough password";
  const admin = await playwright.request.newContext({ baseURL: env.baseURL, httpCredentials: { username: "admin", password: env.adminPassword, send: "always" } });
  expect((await admin.post("/api/users", { data: { username: name, email: `${name}@lab.org`, role: "user", password } })).status()).toBe(201);
  await withConfig((text) => text.replace(/^Licence_to_kill\s*[=:].*$/m, "Licence_to_kill = False"), async () => {
    const owner = await playwright.request.newContext({ baseURL: env.baseURL, httpCredentials: { username: name, password, send: "always" } });
    const upload = await owner.post("/api/jobs", { multipart: { file: { name: `${name}.zip`, mimeType: "application/zip", buffer: await userJobZip(name, { script: "sleep 60" }) } } });
    expect(upload.status()).toBe(201);
    const id = (await upload.json()).job.id as number;
    const page = await logIn(browser, name, password);
    await page.goto(`/jobs/${id}`);
    await expect(page.getByTestId("job-state")).toHaveText("running", { timeout: 20_000 });
    await expect(page.getByText("Killing jobs is switched off (Licence_to_kill = False in QMserv.cfg); ask the administrator.")).toBeVisible();
    await expect(page.getByRole("button", { name: "kill", exact: true })).toHaveCount(0);
    expect((await admin.post(`/api/jobs/${id}/kill`)).status()).toBe(202);
  });
});

test("a user name already taken is refused on its field, saying what to do, and announced", async ({ page }) => {
  await loginAsAdmin(page);
  await page.goto("/admin/users");
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("User name").fill("admin");
  await form.getByLabel("First password").fill("a long enough password");
  await form.getByRole("button", { name: "Create user" }).click();
  const field = form.getByRole("textbox", { name: "User name" });
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription("there is already a user named admin; choose another name");
  await expect(form.getByRole("alert")).toHaveText("there is already a user named admin; choose another name");
});

test("on a phone the users page keeps each account's e-mail, role and actions on screen, and they work", async ({ page, request }) => {
  const name = uniqueName("phone");
  const basic = `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}`;
  const created = await request.post("/api/users", { data: { username: name, password: "a long enough password" }, headers: { authorization: basic, "x-qm-csrf": "e2e" } });
  expect(created.ok()).toBe(true);
  await loginAsAdmin(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/admin/users");
  const row = page.getByTestId(`user-${name}`);
  for (const control of [row.getByLabel(`E-mail of ${name}`), row.getByLabel(`Role of ${name}`), row.getByRole("button", { name: "Disable" }), row.getByRole("button", { name: "Reset password" })]) {
    // Scrolled to vertically only: a control off to the side (in a table wider than the phone) stays there.
    await control.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 200));
    await expect(control).toBeInViewport({ ratio: 1 });
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await row.getByLabel(`Role of ${name}`).selectOption("admin");
  await expect(row).toContainText("Role changed.");
  await row.getByLabel(`Role of ${name}`).selectOption("user");
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByRole("button", { name: "Enable" })).toBeInViewport({ ratio: 1 });
  await screenshot(page, "admin-users-phone");
});

test("an administrator without an e-mail is sent to the Users page to add one, not told to ask the administrator", async ({ page }) => {
  await loginAsAdmin(page);
  await page.goto("/account");
  const intro = page.getByRole("main").getByText("You have no e-mail on record");
  await expect(intro).not.toContainText("ask the administrator");
  await intro.getByRole("link", { name: "Users page" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByLabel("E-mail of admin")).toBeVisible();
});

test("on the users page a change that worked is announced (a status), not only shown in green", async ({ page, request }) => {
  const name = uniqueName("status");
  const basic = `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}`;
  expect((await request.post("/api/users", { data: { username: name, password: "a long enough password" }, headers: { authorization: basic, "x-qm-csrf": "e2e" } })).ok()).toBe(true);
  await loginAsAdmin(page);
  await page.goto("/admin/users");
  const row = page.getByTestId(`user-${name}`);
  await row.getByLabel(`E-mail of ${name}`).fill(`${name}@lab.org`);
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByRole("status")).toHaveText("E-mail saved.");
  await row.getByLabel(`Role of ${name}`).selectOption("admin");
  await expect(row.getByRole("status")).toHaveText("Role changed.");
});

test("an e-mail refused on the users page is said under that e-mail, and goes once it is edited again", async ({ page, request }) => {
  const [first, second] = [uniqueName("mail1"), uniqueName("mail2")];
  const basic = `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}`;
  for (const data of [{ username: first, email: `${first}@lab.org` }, { username: second }]) {
    expect((await request.post("/api/users", { data: { ...data, password: "a long enough password" }, headers: { authorization: basic, "x-qm-csrf": "e2e" } })).ok()).toBe(true);
  }
  await loginAsAdmin(page);
  await page.goto("/admin/users");
  const row = page.getByTestId(`user-${second}`);
  const field = row.getByLabel(`E-mail of ${second}`);
  await field.fill(`${first.toUpperCase()}@lab.org`);
  await row.getByRole("button", { name: "Save" }).click();
  await expect(field).toHaveAccessibleDescription(new RegExp(`^Another account, ${first}, has the e-mail`));
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await field.fill(`${second}@lab.org`);
  await expect(row.getByRole("alert")).toHaveCount(0);
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByRole("status")).toHaveText("E-mail saved.");
});

test("a password reset opened on the users page can be cancelled, by its button or Escape, and the focus goes back", async ({ page, request }) => {
  const name = uniqueName("cancel");
  const basic = `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}`;
  expect((await request.post("/api/users", { data: { username: name, password: "a long enough password" }, headers: { authorization: basic, "x-qm-csrf": "e2e" } })).ok()).toBe(true);
  await loginAsAdmin(page);
  await page.goto("/admin/users");
  const row = page.getByTestId(`user-${name}`);
  const field = row.getByLabel(`New password for ${name}`);
  await row.getByRole("button", { name: "Reset password" }).click();
  await expect(field).toBeFocused();
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(field).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Reset password" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(field).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(field).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Reset password" })).toBeFocused();
});

test("an account deleted on the users page, after its question: the row goes; one with a job still waiting is refused, saying what to do", async ({ page, playwright }) => {
  const [gone, busy] = [uniqueName("gone"), uniqueName("busy")];
  const password = "a long enough password";
  const admin = await playwright.request.newContext({ baseURL: env.baseURL, httpCredentials: { username: "admin", password: env.adminPassword, send: "always" } });
  for (const username of [gone, busy]) expect((await admin.post("/api/users", { data: { username, email: `${username}@lab.org`, role: "user", password } })).status()).toBe(201);
  // busy's job is held: it stays waiting, so the account is still in use.
  const owner = await playwright.request.newContext({ baseURL: env.baseURL, httpCredentials: { username: busy, password, send: "always" } });
  const upload = await owner.post("/api/jobs", { multipart: { hold: "yes", file: { name: `${busy}.zip`, mimeType: "application/zip", buffer: await userJobZip(busy, { owner: `${busy}@lab.org` }) } } });
  expect(upload.status()).toBe(201);
  const jobId = (await upload.json()).job.id as number;
  await loginAsAdmin(page);
  await page.goto("/admin/users");

  const busyRow = page.getByTestId(`user-${busy}`);
  await busyRow.getByRole("button", { name: "Delete" }).click();
  const askBusy = page.getByRole("alertdialog", { name: `Delete account ${busy}` });
  await expect(askBusy).toContainText("its finished jobs stay in the history");
  await askBusy.getByRole("button", { name: "Yes, delete" }).click();
  await expect(busyRow.getByRole("alert")).toHaveText(`${busy} has 1 job queued or running: kill or delete it first, or disable the account instead.`);
  await expect(askBusy).toHaveCount(0);

  const goneRow = page.getByTestId(`user-${gone}`);
  await goneRow.getByRole("button", { name: "Delete" }).click();
  const askGone = page.getByRole("alertdialog", { name: `Delete account ${gone}` });
  await askGone.getByRole("button", { name: "Cancel" }).click();
  await expect(askGone).toHaveCount(0);
  await expect(goneRow).toBeVisible();
  await goneRow.getByRole("button", { name: "Delete" }).click();
  await askGone.getByRole("button", { name: "Yes, delete" }).click();
  await expect(goneRow).toHaveCount(0);
  await expect(page.getByTestId("users").getByRole("status")).toHaveText(`Account ${gone} deleted.`);
  await page.reload();
  await expect(page.getByTestId(`user-${busy}`)).toBeVisible();
  await expect(page.getByTestId(`user-${gone}`)).toHaveCount(0);

  expect((await admin.delete(`/api/jobs/${jobId}`)).status()).toBe(200);
  await admin.dispose();
  await owner.dispose();
});
