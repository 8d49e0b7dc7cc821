/**
 * Results on the job page: a PNG, a CSV and a PDF a job produced, each shown inline by
 * its viewer; hostile files (an SVG with scripts, an HTML page, HTML named .png) that
 * never run; the progress chart of a running job; the dashboard's thumbnail strip.
 */
import { expect, test } from "@playwright/test";
import { dropJob, uniqueName } from "./job-helpers";
import { expectPictureShown, jobIdByName, minimalPdf, pngOf, waitForState } from "./results-helpers";
import { screenshot } from "./submit-helpers";

// A viewer that throws takes the page down: every test here fails on any page error, and
// on anything the pages' Content-Security-Policy (next.config.js) refused to load or run.
let pageErrors: string[] = [];
test.beforeEach(({ page }) => {
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
  });
});
test.afterEach(() => expect(pageErrors).toEqual([]));

// Makes a 3,000-row table (more than the viewer reads), then copies its inputs as results.
const PRODUCE = [
  `awk 'BEGIN { print "step,energy,label"; for (i = 1; i <= 3000; i++) printf "%d,%.4f,s%d\\n", i, 1000 / i, i % 7 }' > table.csv`,
  "cp inputs/fit.png inputs/report.pdf inputs/fit.json inputs/deep.json .",
  'echo "processing 1 / 1"',
].join("\n");

test("a job's PNG, CSV and PDF are shown inline, and the dashboard shows its thumbnail", async ({ page, request }) => {
  test.setTimeout(90_000);
  const name = uniqueName("results");
  dropJob(name, PRODUCE, {}, {
    "inputs/fit.png": await pngOf("#f59e0b"),
    "inputs/report.pdf": minimalPdf("Fitted spectrum"),
    "inputs/fit.json": JSON.stringify({ model: "lorentzian", parameters: { center: 4.2, width: 0.31 }, residuals: [0.1, -0.2] }),
    // Valid JSON nested 20,000 deep: folded to 64 levels, not a crash of the page (afterEach: no page error).
    "inputs/deep.json": `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  });
  const id = await jobIdByName(request, name);
  await waitForState(request, id, "done");

  const response = await page.goto(`/jobs/${id}`);
  // The page's policy: nothing loaded or run from elsewhere, no plugins, no framing.
  expect(response!.headers()["content-security-policy"]).toMatch(/^default-src 'self'; script-src 'self' 'unsafe-inline';.*object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'$/);
  const strip = page.getByTestId("results-panel");
  await expect(strip.getByRole("button", { name: "Open fit.png" })).toBeVisible();
  await expectPictureShown(page, '[data-testid="results-panel"] img[alt="fit.png"]');

  // The PNG, in the viewer, zoomable.
  await strip.getByRole("button", { name: "Open fit.png" }).click();
  await expect(page).toHaveURL(/\?file=fit.png$/);
  await expectPictureShown(page, '[data-testid="image-view"]');
  await page.getByRole("button", { name: "100%" }).click();
  await expect(page.getByTestId("image-view")).toHaveJSProperty("width", 640);
  await page.getByRole("button", { name: "Zoom in" }).click();
  await expect(page.getByTestId("image-view")).toHaveJSProperty("width", 1280);
  await screenshot(page, "results-image");

  // The CSV: its first rows, a note that it was cut, sorting, a plot.
  const files = page.getByTestId("file-browser");
  await files.getByRole("button", { name: "table.csv" }).click();
  const rows = page.getByTestId("table-rows");
  await expect(rows.locator("tr").first()).toContainText("1000.0000");
  await expect(page.getByTestId("table-note")).toContainText("Showing the first 2,000 rows");
  await page.getByRole("button", { name: "Sort by energy" }).click();
  await expect(rows.locator("tr").first()).toContainText("0.5000"); // step 2000, the smallest energy read
  await page.getByRole("button", { name: "Sort by energy" }).click();
  await expect(rows.locator("tr").first()).toContainText("1000.0000");
  await expect(page.getByTestId("table-plot").locator(".recharts-line path").first()).toBeVisible();
  await screenshot(page, "results-table");

  // The PDF, in Chromium's own viewer inside the frame.
  await files.getByRole("button", { name: "report.pdf" }).click();
  await expect(page.getByTestId("pdf-viewer").locator("iframe")).toBeVisible();
  await expect.poll(() => page.frames().some((f) => f.url().startsWith("chrome-extension://")), { timeout: 15_000 }).toBe(true);
  await screenshot(page, "results-pdf");

  // JSON, pretty-printed and foldable.
  await files.getByRole("button", { name: "fit.json" }).click();
  const json = page.getByTestId("json-viewer");
  await expect(json).toContainText('"lorentzian"');
  await expect(json.getByText("0.31")).toBeVisible();
  await json.locator("summary", { hasText: "parameters" }).click();
  await expect(json.getByText("0.31")).toBeHidden();
  await files.getByRole("button", { name: "deep.json" }).click();
  await expect(page.getByTestId("json-viewer")).toContainText("deeper than 64 levels, not folded here");

  // The dashboard's finished row shows the thumbnail, which opens the file on the job page.
  await page.goto("/");
  const row = page.getByTestId(`finished-job-${id}`);
  await expectPictureShown(page, `[data-testid="finished-job-${id}"] img[alt="fit.png"]`);
  await screenshot(page, "results-dashboard");
  await row.getByRole("link", { name: "Open fit.png" }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}\\?file=fit.png$`));
  await expectPictureShown(page, '[data-testid="image-view"]');
});

const EVIL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" onload="top.__qmPwned = 'onload'; document.documentElement.setAttribute('data-pwned', '1')">
  <script>top.__qmPwned = 'script'; document.documentElement.setAttribute('data-pwned', '1'); fetch('/api/jobs').then(() => (top.__qmPwned = 'fetch'));</script>
  <rect width="120" height="80" fill="#16a34a"/>
</svg>`;
const EVIL_HTML = `<html><body><script>top.__qmPwned = 'html'; document.title = 'pwned'</script><h1>not shown</h1></body></html>`;

test("an SVG with scripts and an HTML page never run in the page", async ({ page, request }) => {
  test.setTimeout(60_000);
  const name = uniqueName("hostile");
  dropJob(name, 'cp inputs/* . && echo "processing 1 / 1"', {}, { "inputs/evil.svg": EVIL_SVG, "inputs/page.html": EVIL_HTML, "inputs/fake.png": EVIL_HTML });
  const id = await jobIdByName(request, name);
  await waitForState(request, id, "done");
  const pwned = () => page.evaluate(() => (window as unknown as { __qmPwned?: string }).__qmPwned ?? null);

  await page.goto(`/jobs/${id}?file=evil.svg`);
  await expectPictureShown(page, '[data-testid="image-view"]'); // drawn, as a picture
  await expectPictureShown(page, '[data-testid="results-panel"] img[alt="evil.svg"]');
  await page.waitForTimeout(500);
  expect(await pwned()).toBeNull();

  // HTML: refused with the reason; its source as text shows the markup, inert.
  await page.getByTestId("file-browser").getByRole("button", { name: "page.html" }).click();
  await expect(page.getByTestId("viewer-refused")).toContainText("could act as this site with your login");
  await page.getByRole("button", { name: "Show the source as text" }).click();
  await expect(page.getByTestId("file-content")).toContainText("<script>top.__qmPwned");
  // HTML named .png: the picture fails and the viewer says why.
  await page.getByTestId("file-browser").getByRole("button", { name: "fake.png" }).click();
  await expect(page.getByTestId("image-viewer").getByRole("alert")).toContainText("The browser could not show this picture");
  await page.waitForTimeout(500);
  expect(await pwned()).toBeNull();
  expect(await page.title()).not.toBe("pwned");
  await screenshot(page, "results-refused");

  // Opened on its own, the SVG is a sandboxed document: its script does not run.
  await page.goto(`/api/jobs/${id}/files/raw?path=evil.svg`);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => document.documentElement.getAttribute("data-pwned"))).toBeNull();
  // And the HTML page is only ever an attachment.
  const html = await request.get(`/api/jobs/${id}/files/raw?path=page.html`);
  expect(html.headers()["content-type"]).toBe("application/octet-stream");
  expect(html.headers()["content-disposition"]).toMatch(/^attachment/);
});

test("the progress chart and the ETA from its curve appear while a job runs", async ({ page, request }) => {
  test.setTimeout(60_000);
  const name = uniqueName("curve");
  dropJob(name, 'for i in $(seq 1 12); do echo "processing $i / 12"; sleep 1; done');
  const id = await jobIdByName(request, name);
  await waitForState(request, id, "running");
  await page.goto(`/jobs/${id}`);
  const chart = page.getByTestId("progress-chart");
  await expect(chart).toBeVisible();
  await expect.poll(async () => Number(await chart.locator("[data-points]").getAttribute("data-points")), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await expect(chart.locator(".recharts-line path").first()).toBeVisible();
  await expect(page.getByTestId("job-eta")).toContainText("recent pace");
  expect(((await (await request.get(`/api/jobs/${id}`)).json()) as { job: { state: string } }).job.state).toBe("running");
  await screenshot(page, "results-progress");

  // process.log in the text viewer: line numbers, followed as it grows, searchable.
  await page.getByTestId("file-browser").getByRole("button", { name: "process.log" }).click();
  const text = page.getByTestId("file-content");
  await expect(text).toContainText("processing 9 / 12", { timeout: 15_000 });
  await page.getByLabel("Search in the file").fill("PROCESSING 3 /");
  await expect(page.getByTestId("search-count")).toHaveText("1 of 1");
  await expect(text.locator("mark")).toHaveText("processing 3 /");
  await screenshot(page, "results-text");
  await waitForState(request, id, "done");
});
