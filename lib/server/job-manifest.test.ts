import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MANIFEST_NAME, checkJobManifest, writeJobManifest } from "./job-manifest";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-manifest-"));
  fs.writeFileSync(path.join(dir, "proc_config.cfg"), "[QMOptions]\nscript = sh run.sh\n");
  fs.mkdirSync(path.join(dir, "data set"));
  fs.writeFileSync(path.join(dir, "data set", "values é.csv"), "1,2,3\n");
  fs.writeFileSync(path.join(dir, "data.csv"), "1,2,3\n");
  fs.writeFileSync(path.join(dir, "run.sh"), "cat 'data set/values é.csv'\n", { mode: 0o755 });
  fs.symlinkSync("run.sh", path.join(dir, "start"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const manifestFile = () => path.join(dir, MANIFEST_NAME);
const reasonOf = () => {
  const check = checkJobManifest(dir);
  return check.state === "differs" ? check.reason : check.state;
};

describe("a job folder's manifest", () => {
  it("is complete for the folder it was written for, and absent before", () => {
    expect(checkJobManifest(dir)).toEqual({ state: "none" });
    writeJobManifest(dir);
    expect(checkJobManifest(dir)).toEqual({ state: "complete" });
    expect(fs.readdirSync(dir).filter((n) => n.startsWith(MANIFEST_NAME))).toEqual([MANIFEST_NAME]);
  });

  it("accepts the manifest written by the shell recipe of docs/jobs.md, as a reader copies it", () => {
    const docs = fs.readFileSync(path.join(import.meta.dirname, "../../docs/jobs.md"), "utf8");
    const recipe = docs.split("\n").find((line) => line.startsWith("cd job && {"));
    expect(recipe).toContain("find . -mindepth 1");
    const job = path.join(dir, "job");
    fs.mkdirSync(job);
    for (const name of fs.readdirSync(dir)) if (name !== "job") fs.renameSync(path.join(dir, name), path.join(job, name));
    execFileSync("sh", ["-c", recipe!], { cwd: dir });
    expect(checkJobManifest(job)).toEqual({ state: "complete" });
  });

  it("differs while a copy is in progress: cut-off manifest, missing, short, preallocated or not yet executable files", () => {
    writeJobManifest(dir);
    const whole = fs.readFileSync(manifestFile(), "utf8");
    fs.writeFileSync(manifestFile(), whole.slice(0, whole.lastIndexOf("end")));
    expect(reasonOf()).toMatch(/no `end` line/);
    fs.writeFileSync(manifestFile(), whole);

    const data = path.join(dir, "data.csv");
    const original = `${dir}.original.csv`; // outside the folder: a copy's source
    execFileSync("cp", ["-a", data, original]);
    const setTimeBack = () => execFileSync("touch", ["-m", "-r", original, data]);
    fs.rmSync(data);
    expect(reasonOf()).toMatch(/1 listed entry is missing/);
    fs.writeFileSync(data, "1,2");
    setTimeBack();
    expect(reasonOf()).toMatch(/has 3 bytes, not 6/);
    // Full size at once (a copier that preallocates), its time not yet set back.
    fs.writeFileSync(data, "1,2,3\n");
    expect(reasonOf()).toMatch(/modification time of data.csv differs/);
    setTimeBack();
    fs.rmSync(original);
    expect(checkJobManifest(dir).state).toBe("complete");
    // The mode comes last in cp -a's order: an executable not yet chmod-ed differs.
    fs.chmodSync(path.join(dir, "run.sh"), 0o644);
    expect(reasonOf()).toMatch(/mode of run.sh differs/);
  });

  it("differs when the folder holds more than listed, or another kind of entry", () => {
    writeJobManifest(dir);
    fs.writeFileSync(path.join(dir, "late.txt"), "written after the manifest");
    expect(reasonOf()).toMatch(/late.txt is not listed/);
    fs.rmSync(path.join(dir, "late.txt"));
    fs.rmSync(path.join(dir, "start"));
    fs.writeFileSync(path.join(dir, "start"), "run.sh");
    expect(reasonOf()).toMatch(/start is not a symbolic link/);
    // A folder whose content is still being copied (a copy sets its time back last).
    fs.writeFileSync(path.join(dir, "data set", "more.csv"), "");
    expect(reasonOf()).toMatch(/modification time of data set differs/);
  });

  it("differs, rather than failing, when an entry's name is not UTF-8 (no manifest can list it)", () => {
    writeJobManifest(dir);
    fs.writeFileSync(Buffer.from(`${dir}/r\xe9sultat.csv`, "latin1"), "late");
    expect(reasonOf()).toMatch(/^it could not be compared: ENOENT/);
  });

  it("says which line of a hand-written manifest is wrong", () => {
    fs.writeFileSync(manifestFile(), "qm-manifest 1\nf\t644\tbig\t1.5\trun.sh\nend\n");
    expect(reasonOf()).toMatch(/line 2 is not <type> <mode> <size> <time> <path>/);
  });

  it("refuses names it cannot write on one line", () => {
    fs.writeFileSync(path.join(dir, "two\nlines"), "");
    expect(() => writeJobManifest(dir)).toThrow(/holds a tab or a line break; rename it/);
  });
});
