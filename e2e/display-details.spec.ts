import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { dropJob, env, jobIdOnDashboard, loginAsAdmin, uniqueName } from "./job-helpers";

test("Display_details = False hides owner and info from visitors but not from the admin", async ({ page, browser }) => {
  test.setTimeout(60_000);
  await loginAsAdmin(page);
  const name = dropJob(uniqueName("private"), "echo secret-free", { e_mail: "hidden@lab.org", info: "confidential sample" });
  const id = await jobIdOnDashboard(page, name);
  await expect(page.getByTestId(`finished-job-${id}`)).toContainText("hidden@lab.org", { timeout: 20_000 });

  const original = fs.readFileSync(env.configPath, "utf8");
  try {
    fs.writeFileSync(env.configPath, original.replace("[WEB_QMserver]\n", "[WEB_QMserver]\nDisplay_details = False\n"));
    const visitor = await browser.newPage();
    await visitor.goto("/");
    const row = visitor.getByTestId(`finished-job-${id}`);
    await expect(row).toBeVisible();
    await expect(row).not.toContainText("hidden@lab.org");
    await expect(row).not.toContainText("confidential");
    await visitor.goto(`/jobs/${id}`);
    await expect(visitor.getByTestId("job-info")).toContainText("Job details are hidden");
    await expect(visitor.getByTestId("file-browser")).toContainText("run.sh");
    await expect(visitor.getByTestId("file-browser")).not.toContainText("proc_config.cfg");
    // The command line of the log header is hidden too.
    await expect(visitor.getByTestId("log-tail")).toContainText("=== command: (hidden: Display_details is off)");
    await expect(visitor.getByTestId("log-tail")).not.toContainText("sh run.sh");
    await visitor.close();

    await page.goto(`/jobs/${id}`);
    await expect(page.getByTestId("info-e_mail")).toContainText("hidden@lab.org");
    await expect(page.getByTestId("log-tail")).toContainText("=== command: sh run.sh");
  } finally {
    fs.writeFileSync(env.configPath, original);
  }
});
