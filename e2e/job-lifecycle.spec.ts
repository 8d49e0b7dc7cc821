import fs from "node:fs";
import { type Locator, expect, test } from "@playwright/test";
import yauzl from "yauzl";
import { FIVE_STEPS, dropJob, env, foldersNamed, jobIdOnDashboard, uniqueName } from "./job-helpers";

function zipEntries(file: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out = new Map<string, string>();
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/")) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => (out.set(entry.fileName, Buffer.concat(chunks).toString("utf8")), zip.readEntry()));
        });
      });
      zip.on("end", () => resolve(out));
      zip.readEntry();
    }),
  );
}

test("a dropped job goes queued, running with a moving progress bar, done; its page shows everything", async ({ page, request }) => {
  test.setTimeout(90_000);
  const name = uniqueName("five-steps");
  await page.goto("/");
  dropJob(name, FIVE_STEPS);
  const id = await jobIdOnDashboard(page, name);

  // Running: the bar moves at least twice while the script counts to 5.
  const bar = page.getByTestId(`progress-${id}`);
  await expect(bar).toBeVisible({ timeout: 20_000 });
  const seen = new Set<string>();
  await expect
    .poll(async () => {
      const v = await bar.getAttribute("data-value").catch(() => null);
      if (v) seen.add(v);
      return seen.size;
    }, { timeout: 15_000, intervals: [200] })
    .toBeGreaterThanOrEqual(2);

  // Done: it appears in the finished list.
  const finished = page.getByTestId(`finished-job-${id}`);
  await expect(finished).toBeVisible({ timeout: 20_000 });
  await expect(finished).toContainText("done");
  await expect(finished).toContainText("exit 0");
  expect(foldersNamed("QM_dJobs", name)).toHaveLength(1);

  // Its page: info keys, history, log, files.
  await finished.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
  await expect(page.getByTestId("job-state")).toHaveText("done");
  await expect(page.getByTestId("info-custom_key")).toContainText("kept");
  await expect(page.getByTestId("info-script")).toContainText("sh run.sh");
  await expect(page.getByTestId("info-e_mail")).toContainText("ann@lab.org");
  const history = page.getByTestId("job-history");
  await expect(history).toContainText("running");
  await expect(history).toContainText("done");
  await expect(page.getByTestId("log-tail")).toContainText("processing 5 / 5");

  const files = page.getByTestId("file-browser");
  await files.getByRole("button", { name: "results.txt" }).click();
  await expect(page.getByTestId("file-content")).toHaveText("done\n");
  await files.getByRole("button", { name: "data/" }).click();
  await files.getByRole("button", { name: "nested/" }).click();
  await files.getByRole("button", { name: "input.csv" }).click();
  await expect(page.getByTestId("table-rows").locator("tr").first().locator("td")).toHaveText(["1", "1", "2"]); // row number, x, y

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-zip").click()]);
  expect(download.suggestedFilename()).toBe(`${name}.zip`);
  const zipPath = `${env.dir}/${name}.zip`;
  await download.saveAs(zipPath);
  const entries = await zipEntries(zipPath);
  expect(entries.get(`${name}/results.txt`)).toBe("done\n");
  expect(entries.get(`${name}/data/nested/input.csv`)).toBe("x,y\n1,2\n");
  expect(entries.get(`${name}/process.log`)).toContain("processing 5 / 5");
  fs.rmSync(zipPath);

  // A text file is served as plain text, an html one as an attachment.
  const raw = await request.get(`/api/jobs/${id}/files/raw?path=results.txt`);
  expect(raw.headers()["content-type"]).toBe("text/plain; charset=utf-8");
  const escape = await request.get(`/api/jobs/${id}/files/raw?path=${encodeURIComponent("../../../QMserv.cfg")}`);
  expect(escape.status()).toBe(400);
});

test("a file the job keeps from others (chmod 600) is listed to a visitor as private, with no link, and refused", async ({ page, request }) => {
  test.setTimeout(60_000);
  const name = uniqueName("private-file");
  await page.goto("/");
  dropJob(name, "echo s3cret > secret.txt; chmod 600 secret.txt; echo done > results.txt");
  const id = await jobIdOnDashboard(page, name);
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 20_000 });
  const secret = page.getByTestId("file-secret.txt");
  await expect(secret.getByTestId("private-mark")).toHaveAttribute("title", /"secret.txt" is private to the job's owner \(mode 0600\)/);
  await expect(secret.getByRole("button")).toHaveCount(0);
  await expect(secret.getByRole("link")).toHaveCount(0);
  await expect(page.getByTestId("file-results.txt").getByRole("button", { name: "results.txt" })).toBeVisible();
  const refused = await request.get(`/api/jobs/${id}/files/raw?path=secret.txt`);
  expect(refused.status()).toBe(403);
  expect(await refused.text()).not.toContain("s3cret");
});

test("the log tail follows new lines while the job runs", async ({ page }) => {
  test.setTimeout(60_000);
  const name = uniqueName("slow-log");
  await page.goto("/");
  dropJob(name, 'for i in 1 2 3 4 5 6; do echo "line $i / 6"; sleep 1; done');
  const id = await jobIdOnDashboard(page, name);
  await page.goto(`/jobs/${id}`);
  const log = page.getByTestId("log-tail");
  await expect(log).toContainText("line 2 / 6", { timeout: 20_000 });
  await expect(log).toContainText("line 6 / 6", { timeout: 20_000 });
  await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 20_000 });
});

test("a job that ended without running says so where its log would be, not that the log is coming", async ({ page }) => {
  const name = uniqueName("never-ran");
  await page.goto("/");
  dropJob(name, "echo never", { nb_proc: "0" });
  const id = await jobIdOnDashboard(page, name);
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-state")).toHaveText("invalid", { timeout: 20_000 });
  await expect(page.getByTestId("log-tail")).toHaveText("(no process.log: this job ended without running)");
});

test("a long process.log can be reached and scrolled from the keyboard, and is named for screen readers", async ({ page }) => {
  const name = uniqueName("long-log");
  await page.goto("/");
  dropJob(name, 'for i in $(seq 1 200); do echo "line $i of 200"; done');
  const id = await jobIdOnDashboard(page, name);
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 20_000 });
  const log = page.getByTestId("log-tail");
  // Its footer read: the log is complete and no longer re-rendered under the keyboard.
  await expect(log).toContainText("state done");
  await expect(log).toHaveAccessibleName("process.log");
  // From the panel's download link, Tab reaches the log; Home and End scroll it.
  await page.getByRole("link", { name: "download" }).first().focus();
  await page.keyboard.press("Tab");
  await expect(log).toBeFocused();
  await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await page.keyboard.press("Home");
  await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBe(0);
  // Chromium animates a key's scroll (about 170 ms, scroll events recorded). End pressed as
  // soon as the Home animation showed the top scrolled nothing in 2 runs of 25 under load
  // (the box still focused, scrollTop 0 for 15 s); with a pause between them, none of 65. A
  // reader presses End once the box has stopped moving, and so does the test.
  await scrollSettled(log);
  await expect(log).toBeFocused();
  await page.keyboard.press("End");
  await expect.poll(() => log.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
});

test("a job's history reads on a phone (each state word beside its time, the detail under them) and on a desktop (the detail beside them)", async ({ page, request }) => {
  const name = uniqueName("history-layout");
  await page.goto("/");
  dropJob(name, "echo ok");
  const id = await jobIdOnDashboard(page, name);
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-state")).toHaveText("done", { timeout: 20_000 });
  // A requeue by the administrator keeps a long detail: what the job was before.
  const basic = `Basic ${Buffer.from(`admin:${env.adminPassword}`).toString("base64")}`;
  expect((await request.post(`/api/jobs/${id}/requeue`, { headers: { authorization: basic, "x-qm-csrf": "e2e" } })).ok()).toBe(true);
  const history = page.getByTestId("job-history");
  await expect(history).toContainText("previous: state=done");
  await expect(history.getByRole("listitem").last()).toContainText("done", { timeout: 20_000 });
  /** Per row: where the time's text ends, where the state word and the detail sit. */
  const rows = () =>
    history.getByRole("listitem").evaluateAll((items) =>
      items.map((li) => {
        const [time, state, detail] = [...li.children] as HTMLElement[];
        const range = document.createRange();
        range.selectNodeContents(time);
        const text = range.getBoundingClientRect();
        const s = state.getBoundingClientRect();
        const d = detail?.getBoundingClientRect();
        return { kind: state.textContent, timeEnd: text.right, timeLeft: text.left, stateLeft: s.left, stateRight: s.right, stateBottom: s.bottom, detailLeft: d?.left, detailTop: d?.top };
      }),
    );
  await page.setViewportSize({ width: 390, height: 844 });
  for (const row of await rows()) {
    expect(row.stateLeft - row.timeEnd, `${row.kind}: state word beside its time`).toBeLessThan(24);
    if (row.detailLeft !== undefined) {
      expect(row.detailTop!, `${row.kind}: detail under the time`).toBeGreaterThanOrEqual(row.stateBottom - 1);
      expect(row.detailLeft).toBeCloseTo(row.timeLeft, 0);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const row of await rows()) {
    if (row.detailLeft !== undefined) expect(row.detailLeft, `${row.kind}: detail beside the state word`).toBeGreaterThan(row.stateRight);
  }
});

test("a file whose name is not UTF-8 (Latin-1, as older systems wrote) is viewed, downloaded and zipped from the job page", async ({ page }) => {
  test.setTimeout(60_000);
  const name = uniqueName("latin1-name");
  await page.goto("/");
  // The job writes "résultat.txt" with é as the one Latin-1 byte 0xE9.
  dropJob(name, `printf 'caf\\351 au lait\\n' > "$(printf 'r\\351sultat.txt')"`);
  const id = await jobIdOnDashboard(page, name);
  await expect(page.getByTestId(`finished-job-${id}`)).toBeVisible({ timeout: 20_000 });
  await page.goto(`/jobs/${id}`);

  const files = page.getByTestId("file-browser");
  await expect(files).toContainText("(name not UTF-8)");
  await files.getByRole("button", { name: "résultat.txt" }).click();
  await expect(page.getByTestId("file-content")).toContainText("au lait");
  // The viewed file is kept in the address byte for byte: a reload shows it again.
  expect(page.url()).toContain("file=r%E9sultat.txt");
  await page.reload();
  await expect(page.getByTestId("file-content")).toContainText("au lait");

  const [download] = await Promise.all([page.waitForEvent("download"), files.getByRole("link", { name: "Download résultat.txt" }).click()]);
  expect(download.suggestedFilename()).toBe("résultat.txt");
  const saved = `${env.dir}/${name}-download`;
  await download.saveAs(saved);
  expect(fs.readFileSync(saved)).toEqual(Buffer.from("caf\xe9 au lait\n", "latin1"));
  fs.rmSync(saved);

  const [zip] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-zip").click()]);
  const zipPath = `${env.dir}/${name}.zip`;
  await zip.saveAs(zipPath);
  const entries = await zipEntries(zipPath);
  expect(entries.has(`${name}/résultat.txt`)).toBe(true);
  expect(entries.get(`${name}/QM-download-notes.txt`)).toContain("r\\xe9sultat.txt -> résultat.txt");
  fs.rmSync(zipPath);
});

/** Once `box` has had no scroll event for 100 ms (a key's scroll animation has ended). */
function scrollSettled(box: Locator): Promise<void> {
  return box.evaluate(
    (el) =>
      new Promise<void>((resolve) => {
        let last = performance.now();
        const moved = () => (last = performance.now());
        el.addEventListener("scroll", moved);
        const check = () => {
          if (performance.now() - last < 100) return void requestAnimationFrame(check);
          el.removeEventListener("scroll", moved);
          resolve();
        };
        requestAnimationFrame(check);
      }),
  );
}
