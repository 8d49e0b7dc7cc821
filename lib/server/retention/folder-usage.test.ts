import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { qmLayout } from "../qm-folders";
import { finishedUsage } from "./folder-usage";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-folder-usage-"));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it("counts what du counts: allocated blocks, a hard-linked file once, symbolic links not followed", async () => {
  const layout = qmLayout(root);
  const outside = path.join(root, "outside.bin");
  fs.writeFileSync(outside, Buffer.alloc(2 << 20, 1));
  for (const [dir, name] of [[layout.done, "a"], [layout.done, "b"], [layout.lost, "c"]] as const) fs.mkdirSync(path.join(dir, name, "deep/er"), { recursive: true });
  fs.writeFileSync(path.join(layout.done, "a/deep/er/big.bin"), Buffer.alloc(1 << 20, 1));
  fs.linkSync(path.join(layout.done, "a/deep/er/big.bin"), path.join(layout.done, "b/same.bin"));
  fs.symlinkSync(outside, path.join(layout.lost, "c/link-out"));
  fs.writeFileSync(path.join(layout.lost, "c/small.txt"), "x\n");

  const usage = await finishedUsage(layout);
  const du = execFileSync("du", ["-s", "-c", "--block-size=1", "QM_dJobs/a", "QM_dJobs/b", "QM_lost+found/c"], { cwd: root, encoding: "utf8" });
  expect(usage.totalBytes).toBe(Number(/^(\d+)\s+total$/m.exec(du)![1]));
  expect(usage.totalBytes).toBeLessThan(2 << 20);
  expect(usage.byFolder.get("QM_dJobs/a")! + usage.byFolder.get("QM_dJobs/b")!).toBeLessThan(2 << 20);
  expect([...usage.byFolder.keys()].sort()).toEqual(["QM_dJobs/a", "QM_dJobs/b", "QM_lost+found/c"]);
});
