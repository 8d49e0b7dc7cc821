import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JobFolderError, describingFileOfNotes, findJobDescription } from "./job-folder";
import { readJobFolder } from "./read-job-folder";

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-folder-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const CFG = "[QMOptions]\nscript = sh run.sh\n";
const XML = '<?xml version="1.0"?>\n<!-- a job -->\n<PARAMETER>\n  <script value="sh run.sh"/>\n</PARAMETER>\n';
const DIRECTIVES = "#!/bin/sh\n#QM nb_proc=2\necho $NB_PROC\n";
const LENIENT = { jobFile: "proc_config.cfg", strict: false };

describe("findJobDescription: which file describes the job", () => {
  it.each<[string, Record<string, string>, typeof LENIENT, string, "info" | "script"]>([
    ["job_file itself", { "proc_config.cfg": CFG, "infos.xml": XML }, LENIENT, "proc_config.cfg", "info"],
    ["infos.xml under the default job_file", { "infos.xml": XML }, LENIENT, "infos.xml", "info"],
    ["proc_config.cfg under job_file = job.xml", { "proc_config.cfg": CFG }, { jobFile: "job.xml", strict: false }, "proc_config.cfg", "info"],
    ["the well-known file of job_file's kind first", { "proc_config.cfg": CFG, "infos.xml": XML }, { jobFile: "job.xml", strict: false }, "infos.xml", "info"],
    ["any single *.xml shaped like an info file", { "params.xml": XML, "data.xml": "<data/>" }, LENIENT, "params.xml", "info"],
    ["any single *.cfg with [QMOptions]", { "my job.cfg": CFG, "other.cfg": "[Proc]\nx = 1\n" }, LENIENT, "my job.cfg", "info"],
    ["a single script with #QM lines", { "run.sh": DIRECTIVES, "data.csv": "1,2\n" }, LENIENT, "run.sh", "script"],
    ["a script found by its shebang, whatever its name", { fit: "#!/usr/bin/env python3\n#QM nb_proc=1\nprint(1)\n" }, LENIENT, "fit", "script"],
    ["a .py with #QM lines and no shebang", { "sweep.py": "#QM nb_proc=1\nprint(1)\n", "notes.txt": "#QM nb_proc=9\n" }, LENIENT, "sweep.py", "script"],
    ["an info file wins over #QM lines", { "infos.xml": XML, "run.sh": DIRECTIVES }, LENIENT, "infos.xml", "info"],
  ])("%s", (_what, files, opts, file, kind) => {
    expect(findJobDescription(folder(files), opts)).toMatchObject({ file, kind });
  });

  it("says what job_file is when it is there but not a file and nothing else describes the job, rather than that it is missing", () => {
    const asFolder = folder({ "proc_config.cfg/inside.txt": "x", "run.sh": "echo no directives\n" });
    expect(() => findJobDescription(asFolder, LENIENT)).toThrow(/^The job folder's proc_config\.cfg is a folder, not a file; make proc_config\.cfg a plain file with a \[QMOptions\] section/);
    const dangling = folder({});
    fs.symlinkSync("/nowhere/proc_config.cfg", path.join(dangling, "proc_config.cfg"));
    expect(() => findJobDescription(dangling, LENIENT)).toThrow(/proc_config\.cfg is a symbolic link, which QueueManager does not follow/);
  });

  it("notes, for process.log, what was read instead of what", () => {
    expect(findJobDescription(folder({ "infos.xml": XML, "run.sh": DIRECTIVES }), LENIENT).notes).toEqual([
      "no proc_config.cfg in the job folder: its info file is infos.xml",
      "infos.xml is present, so the #QM lines in run.sh are ignored",
    ]);
    expect(findJobDescription(folder({ "proc_config.cfg": CFG, "run.sh": "#QM nb_proc\n" }), LENIENT).notes[0]).toMatch(/#QM lines are ignored \(run\.sh line 1/);
    expect(findJobDescription(folder({ "run.sh": DIRECTIVES }), LENIENT).notes).toEqual(["no info file: the job is run.sh with its #QM directives"]);
  });

  it.each<[string, Record<string, string>, typeof LENIENT, RegExp]>([
    ["nothing", { "run.sh": "echo hi\n", "notes.txt": "" }, LENIENT, /The job folder has no proc_config\.cfg, nor a script with #QM lines; add proc_config\.cfg with a \[QMOptions\] section/],
    ["two scripts with #QM lines", { "a.sh": DIRECTIVES, "b.sh": DIRECTIVES }, LENIENT, /has no proc_config\.cfg and 2 scripts with #QM lines \(a\.sh, b\.sh\); keep #QM lines in the script to run only/],
    ["two files shaped like info files", { "a.cfg": CFG, "b.xml": XML }, LENIENT, /several files that look like info files \(a\.cfg, b\.xml\); rename the one that describes the job to proc_config\.cfg/],
    ["Strict_Job_File: the other kind is not read", { "infos.xml": XML }, { jobFile: "proc_config.cfg", strict: true }, /has no proc_config\.cfg; .*Strict_Job_File = True/],
    ["Strict_Job_File: nor #QM lines", { "run.sh": DIRECTIVES }, { jobFile: "proc_config.cfg", strict: true }, /Strict_Job_File = True/],
    ["a malformed directive", { "run.sh": "#QM nb_proc two\n" }, LENIENT, /run\.sh line 1: "#QM nb_proc two" has no "=" or ":"/],
  ])("refuses %s, saying what to do", (_what, files, opts, message) => {
    expect(() => findJobDescription(folder(files), opts)).toThrow(message);
  });

  it("gives qm-error.txt its problem and fix lines", () => {
    let caught: unknown;
    try {
      findJobDescription(folder({}), { ...LENIENT, where: "The zip" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JobFolderError);
    expect((caught as JobFolderError).problem).toBe("The zip has no proc_config.cfg, nor a script with #QM lines");
    expect((caught as JobFolderError).fix).toContain("  #QM nb_proc=2");
  });

  it("names the job folders when several jobs were zipped together", () => {
    const dir = folder({ "a/proc_config.cfg": CFG, "b/infos.xml": XML, "data/input.txt": "1\n" });
    expect(() => findJobDescription(dir, { ...LENIENT, where: "The zip" })).toThrow("The zip holds 2 job folders (a, b), not one job; send each as a job of its own");
  });

  it("does not take a symbolic link for the info file", () => {
    const dir = folder({ "elsewhere.cfg": CFG });
    fs.symlinkSync(path.join(dir, "elsewhere.cfg"), path.join(dir, "proc_config.cfg"));
    expect(findJobDescription(dir, LENIENT).file).toBe("elsewhere.cfg");
  });
});

describe("readJobFolder", () => {
  it("makes a script with a shebang executable and runs it through its shebang", () => {
    const dir = folder({ "fit.py": "#!/usr/bin/env python3\n#QM nb_proc=3\n#QM mem=2G\n#QM walltime=30\nprint(1)\n" });
    const { info } = readJobFolder(dir, LENIENT);
    expect(info).toMatchObject({ script: "./fit.py", nbProc: 3, memMb: 2048, walltimeSeconds: 1800 });
    expect(fs.statSync(path.join(dir, "fit.py")).mode & 0o111).toBe(0o111);
  });

  it("names every bad #QM line at once: a malformed one and values an info file would refuse", () => {
    const dir = folder({ "run.sh": "#!/bin/sh\n#QM nb_proc 2\n#QM walltime=2h\n#QM mem=lots\necho hi\n" });
    let message = "";
    try {
      readJobFolder(dir, LENIENT);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/run\.sh line 2: .*\n?.*run\.sh line 3: .*\n?.*run\.sh line 4: /s);
  });

  it("writes the form's values into the file that describes the job", () => {
    const dir = folder({ "run.sh": DIRECTIVES });
    expect(readJobFolder(dir, LENIENT, { nb_proc: 4, e_mail: "zoe@lab.org" }).info).toMatchObject({ nbProc: 4, owner: "zoe@lab.org", script: "./run.sh" });
    expect(fs.readFileSync(path.join(dir, "run.sh"), "utf8")).toBe("#!/bin/sh\n#QM nb_proc=4\n#QM e_mail=zoe@lab.org\necho $NB_PROC\n");
    const xml = folder({ "infos.xml": XML });
    expect(readJobFolder(xml, LENIENT, { nb_proc: 2 }).info.nbProc).toBe(2);
    expect(fs.readFileSync(path.join(xml, "infos.xml"), "utf8")).toContain('<nb_proc value="2"/>');
  });
});

describe("describingFileOfNotes: the file a job's notes say described it", () => {
  it("reads back the file of the notes findJobDescription wrote, whatever its name; null for job_file", () => {
    const tricky = "a in the job folder: its info file is b.cfg";
    for (const [files, expected] of [
      [{ "infos.xml": XML }, "infos.xml"],
      [{ [tricky]: CFG }, tricky],
      [{ "fit run.sh": DIRECTIVES }, "fit run.sh"],
      [{ "go with its #QM directives.sh": DIRECTIVES }, "go with its #QM directives.sh"],
      [{ "proc_config.cfg": CFG, "run.sh": DIRECTIVES }, null],
    ] as const) {
      expect(describingFileOfNotes(findJobDescription(folder(files), LENIENT).notes)).toBe(expected);
    }
    expect(describingFileOfNotes([])).toBeNull();
  });
});

