import { expect, test } from "@playwright/test";

test("the dashboard shows the queues and a running worker", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("worker-status")).toContainText("running");
  await expect(page.getByTestId("count-queued")).toHaveText("0");
});

test("an address that is no page says so in the app's frame and leads back to the dashboard", async ({ page }) => {
  for (const address of ["/no-such-page", "/jobs/abc"]) {
    const response = await page.goto(address);
    expect(response?.status(), address).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found", level: 1 })).toBeVisible();
    await expect(page.getByRole("main")).toContainText("A job's page is /jobs/ followed by its number");
  }
  await page.getByRole("link", { name: "← Dashboard" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
});
