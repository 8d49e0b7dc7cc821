import { expect, test } from "@playwright/test";

test("the dashboard shows the queues and a running worker", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("worker-status")).toContainText("running");
  await expect(page.getByTestId("count-queued")).toHaveText("0");
});
