/** Helpers for the job flows: drop a job folder into QM_qJobs, log in as the admin. */
import fs from "node:fs";
import path from "node:path";
import { type Page, expect } from "@playwright/test";
import { e2eEnv } from "./test-env";

export const env = e2eEnv();

export const FIVE_STEPS = 'for i in 1 2 3 4 5; do echo "processing $i / 5"; sleep 1; done; echo done > results.txt';

/**
 * Write a job folder beside QM_FOLDER (with `files`, more of them: inputs, fixtures), then
 * rename it into QM_qJobs in one step, as a user moving a finished folder in would.
 */
export function dropJob(name: string, script: string, extra: Record<string, string> = {}, files: Record<string, string | Buffer> = {}): string {
  const staging = fs.mkdtempSync(path.join(env.dir, "drop-"));
  const folder = path.join(staging, name);
  fs.mkdirSync(path.join(folder, "data/nested"), { recursive: true });
  fs.writeFileSync(path.join(folder, "run.sh"), `${script}\n`);
  fs.writeFileSync(path.join(folder, "data/nested/input.csv"), "x,y\n1,2\n");
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), content);
  }
  const keys = { nb_proc: "1", e_mail: "ann@lab.org", info: `e2e job ${name}`, script: "sh run.sh", custom_key: "kept", ...extra };
  fs.writeFileSync(path.join(folder, "proc_config.cfg"), `[QMOptions]\n${Object.entries(keys).map(([k, v]) => `${k} : ${v}`).join("\n")}\n`);
  fs.renameSync(folder, path.join(env.qmFolder, "QM_qJobs", name));
  fs.rmSync(staging, { recursive: true, force: true });
  return name;
}

export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}`;

export async function loginAsAdmin(page: Page): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(env.adminPassword);
  await page.getByRole("button", { name: "Log in" }).click();
  await leftTheLoginPage(page);
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}

/**
 * Wait until the login form has sent the browser on, so that what a test does next starts
 * from the page the login leads to (a CI run clicked "Admin" before the form's navigation,
 * which then took it to the dashboard; the form now navigates first: see auth.spec.ts).
 */
export async function leftTheLoginPage(page: Page): Promise<void> {
  await expect(page).not.toHaveURL(/\/login(\?|$)/);
}

/** The job's id, once the worker has made its row (the dashboard links to /jobs/<id>). */
export async function jobIdOnDashboard(page: Page, name: string): Promise<number> {
  const link = page.getByRole("link", { name, exact: true }).filter({ visible: true }).first();
  await expect(link).toBeVisible({ timeout: 20_000 });
  const href = await link.getAttribute("href");
  return Number(href!.split("/").pop());
}

export function foldersNamed(queue: string, name: string): string[] {
  return fs.readdirSync(path.join(env.qmFolder, queue)).filter((f) => f === name || f.endsWith(`-${name}`));
}

/**
 * On a job's page, click `action` (kill, requeue, delete), then "Yes, <action>" in its
 * confirmation. If the confirmation has closed before that second click, it is opened
 * again: once in a dozen full runs the requeue confirmation closed right after it opened
 * (cause not found; not reproduced in 7 runs of the spec since), and what these tests
 * check is what the actions do.
 */
export async function confirmJobAction(page: Page, action: "kill" | "requeue" | "delete"): Promise<void> {
  const dialog = page.getByRole("alertdialog");
  await expect(async () => {
    if (!(await dialog.isVisible())) await page.getByRole("button", { name: action, exact: true }).click({ timeout: 5_000 });
    await dialog.getByRole("button", { name: `Yes, ${action}` }).click({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
}
