/** The hints about a job's script, from real files: which scripts are looked at, and which never. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { scriptFileNotes } from "./script-file-notes";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-script-notes-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string, mode = 0o644) => fs.writeFileSync(path.join(dir, name), text, { mode });

it("notes a shell script with CRLF, by its extension or its shebang, wherever the line names it", () => {
  write("run.sh", "echo a\r\n");
  write("go", "#!/bin/bash\r\necho a\r\n", 0o755);
  expect(scriptFileNotes(dir, "bash -e run.sh")).toEqual([expect.stringMatching(/^run\.sh has Windows line endings/)]);
  expect(scriptFileNotes(dir, "./go 1 2")).toEqual([expect.stringMatching(/^go has Windows line endings/)]);
});

it("says nothing of other languages, of commands on the PATH, of paths outside the folder's top, or of links", () => {
  write("fit.py", "print(1)\r\n");
  fs.mkdirSync(path.join(dir, "sub"));
  write("sub/run.sh", "echo a\r\n");
  fs.symlinkSync(path.join(dir, "sub", "run.sh"), path.join(dir, "link.sh"));
  for (const script of ["python fit.py", "ls -l", "sh sub/run.sh", "sh ../run.sh", "sh link.sh", "sh /etc/profile"]) expect(scriptFileNotes(dir, script), script).toEqual([]);
});

it("notes ./run.sh without an execute bit, not sh run.sh nor an executable one", () => {
  write("run.sh", "echo a\n");
  expect(scriptFileNotes(dir, "./run.sh")).toEqual([expect.stringMatching(/^run\.sh is not executable/)]);
  expect(scriptFileNotes(dir, "sh run.sh")).toEqual([]);
  fs.chmodSync(path.join(dir, "run.sh"), 0o755);
  expect(scriptFileNotes(dir, "./run.sh")).toEqual([]);
});
