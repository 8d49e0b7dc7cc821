/** Compare runs: two jobs that differ in one info key, each with a fit.png and an output file. */
import { expect, test } from "@playwright/test";
import { dropJob, uniqueName } from "./job-helpers";
import { expectPictureShown, jobIdByName, pngOf, waitForState } from "./results-helpers";
import { screenshot } from "./submit-helpers";

test("two runs side by side: the differing key marked, the pictures paired, the outputs diffed", async ({ page, request }) => {
  test.setTimeout(90_000);
  const ids: number[] = [];
  for (const [alpha, color] of [["0.1", "#2563eb"], ["0.2", "#dc2626"]]) {
    const name = uniqueName(`sweep-${alpha}`);
    dropJob(name, `cp inputs/fit.png . && printf 'alpha ${alpha}\\nchi2 1.5\\nconverged yes\\n' > fit.txt`, { alpha }, { "inputs/fit.png": await pngOf(color) });
    ids.push(await jobIdByName(request, name));
  }
  for (const id of ids) await waitForState(request, id, "done");

  // From the first job's page, add the second run by id.
  await page.goto(`/jobs/${ids[0]}`);
  await page.getByTestId("compare-link").click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?ids=${ids[0]}$`));
  await page.getByLabel("Job ids to add").fill(String(ids[1]));
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?ids=${ids[0]}(%2C|,)${ids[1]}$`));

  const alpha = page.getByTestId("compare-key-alpha");
  await expect(alpha).toHaveAttribute("data-differs", "true");
  await expect(alpha).toContainText("0.1");
  await expect(alpha).toContainText("0.2");
  await expect(page.getByTestId("compare-key-script")).toHaveAttribute("data-differs", "false");
  await page.getByLabel(/only the \d+ that differ/).check();
  await expect(page.getByTestId("compare-key-script")).toHaveCount(0);
  await expect(alpha).toBeVisible();

  const pair = page.getByTestId("compare-image-fit.png");
  await expect(pair.locator("img")).toHaveCount(2);
  await expectPictureShown(page, '[data-testid="compare-image-fit.png"] img >> nth=0');
  await expectPictureShown(page, '[data-testid="compare-image-fit.png"] img >> nth=1');

  const diff = page.getByTestId("compare-diff");
  await diff.getByLabel("File").selectOption("fit.txt");
  await expect(diff.getByTestId(`diff-${ids[1]}`)).toContainText("1 line added, 1 removed");
  await expect(diff.getByTestId(`diff-${ids[1]}`)).toContainText("alpha 0.2");
  await expect(page.getByTestId("compare-figures")).toContainText("done");
  await screenshot(page, "compare");

  // The address is the comparison: opened afresh, it shows the same.
  await page.goto(page.url());
  await expect(page.getByTestId("compare-key-alpha")).toHaveAttribute("data-differs", "true");
});
