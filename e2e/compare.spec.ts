/**
 * Compare runs: the two elements of an array, each drawing its own fit.png and writing its
 * own fit.txt, compared from the array's page; then one of them from its job page, by id.
 */
import { expect, test } from "@playwright/test";
import { archiveZip } from "../lib/server/zip/zip-fixtures";
import { uniqueName } from "./job-helpers";
import { expectPictureShown, pngOf, waitForState } from "./results-helpers";
import { screenshot, submitByApi } from "./submit-helpers";

const SWEEP = 'cp "inputs/fit-$QM_ARRAY_INDEX.png" fit.png && printf "alpha 0.$QM_ARRAY_INDEX\\nchi2 1.5\\nconverged yes\\n" > fit.txt';

test("two array elements side by side: the differing key marked, the pictures paired, the outputs diffed", async ({ page, request }) => {
  test.setTimeout(90_000);
  const name = uniqueName("sweep");
  const zip = await archiveZip([
    { name: `${name}/proc_config.cfg`, data: "[QMOptions]\nnb_proc : 1\ne_mail : ann@lab.org\ninfo : a sweep\nscript : sh run.sh\n" },
    { name: `${name}/run.sh`, data: `${SWEEP}\n`, mode: 0o755 },
    { name: `${name}/inputs/fit-1.png`, data: await pngOf("#2563eb") },
    { name: `${name}/inputs/fit-2.png`, data: await pngOf("#dc2626") },
    { name: `${name}/notes.png`, data: "not a picture" },
  ]);
  const answer = await submitByApi(request, zip, `${name}.zip`, { array: "1-2" });
  expect(answer.status()).toBe(201);
  const { array } = (await answer.json()) as { array: { id: number; jobIds: number[] } };
  const ids = array.jobIds;
  for (const id of ids) await waitForState(request, id, "done");

  // From the array's page: its finished elements, by index.
  await page.goto(`/arrays/${array.id}`);
  await page.getByTestId("compare-array").click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?array=${array.id}$`));
  const index = page.getByTestId("compare-key-array_index");
  await expect(index).toHaveAttribute("data-differs", "true");
  await expect(page.getByTestId("compare-key-script")).toHaveAttribute("data-differs", "false");
  await page.getByLabel(/only the \d+ that differ/).check();
  await expect(page.getByTestId("compare-key-script")).toHaveCount(0);
  await expect(index).toBeVisible();

  const pair = page.getByTestId("compare-image-fit.png");
  await expect(pair.locator("img")).toHaveCount(2);
  await expectPictureShown(page, '[data-testid="compare-image-fit.png"] img >> nth=0');
  await expectPictureShown(page, '[data-testid="compare-image-fit.png"] img >> nth=1');
  const colours = await pair.locator("img").evaluateAll((imgs) =>
    (imgs as HTMLImageElement[]).map((img) => {
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext("2d")!;
      context.drawImage(img, 0, 0);
      return [...context.getImageData(2, 2, 1, 1).data.slice(0, 3)];
    }),
  );
  // Each element's own picture, in index order: blue, then red.
  expect(colours[0][2]).toBeGreaterThan(200);
  expect(colours[1][0]).toBeGreaterThan(200);

  // A picture that is not one is said to be, not shown broken. Its pictures load lazily:
  // brought into view first (a busy run once found neither loaded 15 s later, below the fold).
  const notes = page.getByTestId("compare-image-notes.png");
  await notes.scrollIntoViewIfNeeded();
  await expect(notes.getByRole("alert")).toHaveCount(2);

  const diff = page.getByTestId("compare-diff");
  await diff.getByLabel("File").selectOption("fit.txt");
  await expect(diff.getByTestId(`diff-${ids[1]}`)).toContainText("1 line added, 1 removed");
  await expect(diff.getByTestId(`diff-${ids[1]}`)).toContainText("alpha 0.2");
  await expect(page.getByTestId("compare-figures")).toContainText("done");
  await screenshot(page, "compare");

  // From a job's page, another run added by id; the address is the comparison.
  await page.goto(`/jobs/${ids[0]}`);
  await page.getByTestId("compare-link").click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?ids=${ids[0]}$`));
  await page.getByLabel("Job ids to add").fill(String(ids[1]));
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?ids=${ids[0]}(%2C|,)${ids[1]}$`));
  await page.goto(page.url());
  await expect(page.getByTestId("compare-key-array_index")).toHaveAttribute("data-differs", "true");
  await expect(page.getByTestId("compare-image-fit.png").locator("img")).toHaveCount(2);
});

test("on a phone, three runs side by side say that their tables scroll, and scroll with the keyboard", async ({ page, request }) => {
  test.setTimeout(60_000);
  const name = uniqueName("three");
  const zip = await archiveZip([
    { name: `${name}/proc_config.cfg`, data: "[QMOptions]\nscript : sh run.sh\n" },
    { name: `${name}/run.sh`, data: 'echo "run $QM_ARRAY_INDEX" > out.txt\n', mode: 0o755 },
  ]);
  const answer = await submitByApi(request, zip, `${name}.zip`, { array: "1-3" });
  expect(answer.status()).toBe(201);
  const { array } = (await answer.json()) as { array: { id: number; jobIds: number[] } };
  for (const id of array.jobIds) await waitForState(request, id, "done");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/compare?array=${array.id}`);
  const figures = page.getByTestId("compare-figures");
  const region = figures.getByRole("region");
  await expect(region).toHaveAccessibleDescription("Scroll the table sideways for more runs.");
  const scrolled = () => region.evaluate((el) => el.scrollLeft);
  expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await region.focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(scrolled).toBeGreaterThan(0);
  await screenshot(page, "compare-phone");
});
