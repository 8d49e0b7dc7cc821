/** Helpers for the submit, admin and stats flows: zips built in the test, QMserv.cfg edits. */
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { archiveZip } from "../lib/server/zip/zip-fixtures";
import { env } from "./job-helpers";

export const COUNT_TO_THREE = 'for i in 1 2 3; do echo "processing $i / 3"; sleep 1; done; echo ok > result.txt';

/** A job zipped the way a user would (`zip -r name.zip name`). */
export function userJobZip(folder: string, options: { script?: string; cfg?: string; owner?: string } = {}): Promise<Buffer> {
  const cfg = options.cfg ?? `[QMOptions]\n# my job\nnb_proc : 1\ne_mail : ${options.owner ?? "zoe@lab.org"}\ninfo : zipped by hand\nscript : sh run.sh\n`;
  return archiveZip([
    { name: `${folder}/proc_config.cfg`, data: cfg },
    { name: `${folder}/run.sh`, data: `${options.script ?? COUNT_TO_THREE}\n`, mode: 0o755 },
    { name: `${folder}/data/input.csv`, data: "x,y\n1,2\n" },
  ]);
}

/** Submit through the API as a script would (multipart, the anonymous CSRF header). */
export async function submitByApi(request: APIRequestContext, zip: Buffer, name: string, fields: Record<string, string> = {}) {
  return request.post("/api/jobs", {
    headers: { "x-qm-csrf": "script" },
    multipart: { ...fields, file: { name, mimeType: "application/zip", buffer: zip } },
  });
}

export function queuedFolders(): string[] {
  return fs.readdirSync(path.join(env.qmFolder, "QM_qJobs"));
}

export function stagingLeftovers(): string[] {
  const staging = path.join(env.qmFolder, ".qm/staging");
  return fs.existsSync(staging) ? fs.readdirSync(staging) : [];
}

/** Run `fn` with QMserv.cfg changed by `edit`, then put the file back as it was. */
export async function withConfig<T>(edit: (text: string) => string, fn: () => Promise<T>): Promise<T> {
  const original = fs.readFileSync(env.configPath, "utf8");
  fs.writeFileSync(env.configPath, edit(original));
  try {
    return await fn();
  } finally {
    fs.writeFileSync(env.configPath, original);
  }
}

/** Screenshots for a person to look at, only when QM_SCREENSHOTS names a folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.QM_SCREENSHOTS;
  if (!dir) return;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
    await page.screenshot({ path: path.join(dir, `${name}-${width}-top.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}
