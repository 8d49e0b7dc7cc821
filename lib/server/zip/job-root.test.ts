import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findJobRoot, sanitizeJobName } from "./job-root";

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-root-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    if (name.endsWith("/")) fs.mkdirSync(path.join(dir, name), { recursive: true });
    else fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("findJobRoot", () => {
  it("takes the job at the top level, named after the zip", () => {
    const dir = tree({ "proc_config.cfg": "", "run.sh": "" });
    expect(findJobRoot(dir, "My Job (v2).zip")).toEqual({ dir, name: "My_Job_v2", where: "The zip" });
  });

  it("takes a single script zipped alone, named after the zip", () => {
    const dir = tree({ "fit.sh": "#QM nb_proc=2\n" });
    expect(findJobRoot(dir, "fit.zip")).toEqual({ dir, name: "fit", where: "The zip" });
  });

  it("takes the job inside one top folder, named after the folder", () => {
    const dir = tree({ "nmr-run/proc_config.cfg": "", "nmr-run/data/x": "" });
    expect(findJobRoot(dir, "upload.zip")).toEqual({ dir: path.join(dir, "nmr-run"), name: "nmr-run", where: 'The folder "nmr-run" in the zip' });
  });

  it("refuses an empty zip", () => {
    expect(() => findJobRoot(tree({}), "x.zip")).toThrow(/empty/);
  });
});

describe("sanitizeJobName", () => {
  it("keeps safe names and cleans the rest", () => {
    expect(sanitizeJobName("run-42.b")).toBe("run-42.b");
    expect(sanitizeJobName("../../etc")).toBe("etc");
    expect(sanitizeJobName(".hidden")).toBe("hidden");
    expect(sanitizeJobName("a/b\\c d")).toBe("a_b_c_d");
    expect(sanitizeJobName("...")).toBe("job");
    expect(sanitizeJobName("x".repeat(200))).toHaveLength(80);
  });
});
