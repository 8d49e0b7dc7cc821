import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { buildZip } from "../lib/server/zip/zip-fixtures";
import { env, uniqueName } from "./job-helpers";
import { queuedFolders, screenshot, stagingLeftovers, submitByApi, userJobZip, withConfig } from "./submit-helpers";

test("a zipped job uploaded through the form lands on its page, runs and ends done", async ({ page }) => {
  test.setTimeout(90_000);
  const name = uniqueName("uploaded");
  await page.goto("/submit");
  await expect(page.getByRole("heading", { name: "Submit a job" })).toBeVisible();
  await page.locator("#zip-file").setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: await userJobZip(name) });
  await expect(page.getByTestId("chosen-file")).toHaveText(`${name}.zip`);
  await page.getByLabel("info").fill("uploaded by the e2e test");
  await page.getByLabel("nb_proc").fill("1");
  await page.getByRole("button", { name: "Upload and queue" }).click();

  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  const id = Number(page.url().split("/").pop());
  await expect(page.getByTestId("job-state")).toContainText("done", { timeout: 40_000 });
  await expect(page.getByTestId("info-info")).toContainText("uploaded by the e2e test");

  const job = (await (await page.request.get(`/api/jobs/${id}`)).json()).job;
  expect(job).toMatchObject({ name, state: "done", source: "upload" });
  const folder = path.join(env.qmFolder, job.folder);
  expect(fs.readFileSync(path.join(folder, "result.txt"), "utf8")).toBe("ok\n");
  // The form's value was written into the info file the worker read.
  expect(fs.readFileSync(path.join(folder, "proc_config.cfg"), "utf8")).toContain("info : uploaded by the e2e test");
});

test("bad uploads show what to fix in the form and leave nothing behind", async ({ page }) => {
  const before = queuedFolders();
  await page.goto("/submit");
  const cases = [
    { label: "no script", file: "noscript.zip", zip: await userJobZip("noscript", { cfg: "[QMOptions]\nnb_proc : 2\n" }), message: "proc_config.cfg has no `script` entry in [QMOptions]" },
    { label: "zip-slip", file: "slip.zip", zip: buildZip([{ name: "proc_config.cfg", data: "[QMOptions]\nscript = sh run.sh\n" }, { name: "../../evil.sh", data: "echo pwned" }]), message: 'The zip entry "../../evil.sh" contains ".." and would be written outside the job folder' },
    { label: "not a zip", file: "notes.zip", zip: Buffer.from("just some text, not a zip"), message: "The file is not a valid zip archive" },
    { label: "no info file", file: "bare.zip", zip: buildZip([{ name: "bare/" }, { name: "bare/run.sh", data: "echo" }]), message: 'The folder "bare" in the zip has no proc_config.cfg' },
  ];
  for (const c of cases) {
    await page.locator("#zip-file").setInputFiles({ name: c.file, mimeType: "application/zip", buffer: c.zip });
    await page.getByRole("button", { name: "Upload and queue" }).click();
    await expect(page.getByTestId("submit-error"), c.label).toContainText(c.message);
    await expect(page).toHaveURL(/\/submit$/);
    if (c.label === "zip-slip") await screenshot(page, "submit-error");
  }
  await page.getByLabel("nb_proc").fill("0");
  await page.locator("#zip-file").setInputFiles({ name: "fields.zip", mimeType: "application/zip", buffer: await userJobZip("fields") });
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page.locator("#nb_proc-help")).toHaveText("nb_proc must be between 1 and 4096");
  // A screen reader hears each field by its key alone, then its help or what to fix.
  const nbProc = page.getByRole("spinbutton", { name: "nb_proc", exact: true });
  await expect(nbProc).toHaveAttribute("aria-invalid", "true");
  await expect(nbProc).toHaveAccessibleDescription("nb_proc must be between 1 and 4096");
  await expect(page.getByRole("textbox", { name: "array", exact: true })).toHaveAccessibleDescription(/^One job per index/);
  await expect(page.getByRole("checkbox", { name: "hold", exact: true })).toHaveAccessibleDescription(/^Queue it held/);

  expect(queuedFolders()).toEqual(before);
  expect(stagingLeftovers()).toEqual([]);
  for (const q of ["noscript", "slip", "notes", "bare", "fields"]) {
    const list = await (await page.request.get(`/api/jobs?view=all&q=${q}`)).json();
    expect(list.total, `no job row for ${q}`).toBe(0);
  }
  expect(fs.existsSync(path.join(env.qmFolder, "..", "evil.sh"))).toBe(false);
});

test("a zip over Max_Upload_MB is refused in the form and by the API (413)", async ({ page, request }) => {
  const big = Buffer.concat([await userJobZip("big"), Buffer.alloc(1536 * 1024, 1)]);
  await withConfig(
    (text) => `${text.trimEnd()}\nMax_Upload_MB = 1\n`,
    async () => {
      await page.goto("/submit");
      await expect(page.getByText("Up to 1 MB.")).toBeVisible();
      await page.locator("#zip-file").setInputFiles({ name: "big.zip", mimeType: "application/zip", buffer: big });
      // Said as soon as it is chosen, before any click.
      await expect(page.getByTestId("submit-error")).toContainText("The file is larger than the 1 MB allowed (Max_Upload_MB in QMserv.cfg)");
      await page.getByRole("button", { name: "Upload and queue" }).click();
      await expect(page.getByTestId("submit-error")).toContainText("The file is larger than the 1 MB allowed (Max_Upload_MB in QMserv.cfg)");

      const answer = await submitByApi(request, big, "big.zip");
      expect(answer.status()).toBe(413);
      expect((await answer.json()).error).toMatchObject({ code: "TOO_LARGE", message: expect.stringContaining("Max_Upload_MB") });
    },
  );
  expect(stagingLeftovers()).toEqual([]);
});

test("scripts submit with curl-style multipart and get the job back as JSON", async ({ request }) => {
  const name = uniqueName("api");
  const answer = await submitByApi(request, await userJobZip(name, { script: "echo quick" }), `${name}.zip`, { nb_proc: "2", priority: "3", e_mail: "script@lab.org" });
  expect(answer.status()).toBe(201);
  const { job } = await answer.json();
  expect(job).toMatchObject({ name, url: `/jobs/${job.id}` });
  const row = (await (await request.get(`/api/jobs/${job.id}`)).json()).job;
  expect(row).toMatchObject({ source: "api", nbProc: 2, priority: 3, owner: "script@lab.org" });

  const refused = await request.post("/api/jobs", { headers: { "x-qm-csrf": "script" }, multipart: { nb_proc: "2" } });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error.message).toContain("No file was sent");
});

test("the file chooser shows where the keyboard's focus is", async ({ page }) => {
  await page.goto("/submit");
  await page.getByRole("heading", { name: "Submit a job" }).click();
  for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.id === "zip-file")); i++) await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("zip-file");
  const label = page.locator('label[for="zip-file"]');
  await expect(label).toHaveCSS("outline-style", "solid");
  await page.keyboard.press("Tab");
  await expect(label).toHaveCSS("outline-style", "none");
});

test("a zip dropped on the drop zone is chosen and queued", async ({ page }) => {
  const name = uniqueName("dropped");
  await page.goto("/submit");
  const base64 = (await userJobZip(name, { script: "echo dropped" })).toString("base64");
  const dataTransfer = await page.evaluateHandle(
    ({ base64, fileName }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], fileName, { type: "application/zip" }));
      return transfer;
    },
    { base64, fileName: `${name}.zip` },
  );
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByTestId("chosen-file")).toHaveText(`${name}.zip`);
  await page.getByRole("button", { name: "Upload and queue" }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
});

test("the upload progress bar follows a slow upload", async ({ page }) => {
  test.setTimeout(60_000);
  const name = uniqueName("slow");
  const { archiveZip } = await import("../lib/server/zip/zip-fixtures");
  const zip = await archiveZip([
    { name: `${name}/proc_config.cfg`, data: "[QMOptions]\nscript = echo slow\n" },
    // Random bytes do not compress: about 600 KB to send.
    { name: `${name}/noise.bin`, data: Buffer.concat(Array.from({ length: 10 }, () => crypto.getRandomValues(Buffer.alloc(60_000)))) },
  ]);
  await page.goto("/submit");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  // About 200 KB/s up: a few seconds for this zip.
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 200 * 1024 });
  await page.locator("#zip-file").setInputFiles({ name: `${name}.zip`, mimeType: "application/zip", buffer: zip });
  await page.getByRole("button", { name: "Upload and queue" }).click();
  const bar = page.getByRole("progressbar", { name: "Upload progress" });
  await expect(bar).toBeVisible();
  // Some value strictly between 0 and 100 is shown while the bytes go out.
  const seen = new Set<number>();
  await expect
    .poll(async () => {
      const v = Number(await bar.getAttribute("aria-valuenow").catch(() => null));
      if (v > 0 && v < 100) seen.add(v);
      return seen.size;
    }, { intervals: [100], timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect(page).toHaveURL(/\/jobs\/\d+$/, { timeout: 30_000 });
});

test("with Require_Login = yes, visitors are sent to the login and the API wants credentials", async ({ page, request }) => {
  await withConfig(
    (text) => `${text.trimEnd()}\nRequire_Login = yes\n`,
    async () => {
      await page.goto("/submit");
      await expect(page).toHaveURL(/\/login\?next=(%2F|\/)submit/);
      const anonymous = await submitByApi(request, await userJobZip("locked"), "locked.zip");
      expect(anonymous.status()).toBe(401);
    },
  );
  expect(queuedFolders()).not.toContain("locked");
});
