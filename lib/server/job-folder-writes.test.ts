/** The service's writes into job folders: never through a symlink, a hard link or a FIFO; the footer on a line of its own. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendLogLines, writeNoteFile } from "./job-folder-writes";

let dir: string;
let elsewhere: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-writes-"));
  elsewhere = path.join(dir, "elsewhere.txt");
  fs.writeFileSync(elsewhere, "someone else's\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("appendLogLines", () => {
  it("appends after a finished line, and starts a new line after an unfinished one", () => {
    const log = path.join(dir, "process.log");
    fs.writeFileSync(log, "line\n");
    appendLogLines(log, "=== footer\n");
    expect(fs.readFileSync(log, "utf8")).toBe("line\n=== footer\n");
    fs.writeFileSync(log, "no newline at end");
    appendLogLines(log, "=== footer\n");
    expect(fs.readFileSync(log, "utf8")).toBe("no newline at end\n=== footer\n");
  });

  it("makes a missing log, and an empty one gets no blank line", () => {
    const log = path.join(dir, "process.log");
    appendLogLines(log, "=== header\n");
    expect(fs.readFileSync(log, "utf8")).toBe("=== header\n");
    fs.writeFileSync(log, "");
    appendLogLines(log, "=== header\n");
    expect(fs.readFileSync(log, "utf8")).toBe("=== header\n");
  });

  it("refuses a symlink, a file with another hard link and a FIFO, and writes nothing through them", () => {
    const log = path.join(dir, "process.log");
    fs.symlinkSync(elsewhere, log);
    expect(() => appendLogLines(log, "x\n")).toThrow(/is a symlink/);
    fs.rmSync(log);
    fs.linkSync(elsewhere, log);
    expect(() => appendLogLines(log, "x\n")).toThrow(/has other hard links/);
    expect(fs.readFileSync(elsewhere, "utf8")).toBe("someone else's\n");
    fs.rmSync(log);
    execFileSync("mkfifo", [log]);
    const started = Date.now();
    expect(() => appendLogLines(log, "x\n")).toThrow(/not a plain file|ENXIO/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("writeNoteFile", () => {
  it("replaces a file, or a symlink planted under its name, without writing through it", () => {
    const note = path.join(dir, "qm-error.txt");
    fs.writeFileSync(note, "old");
    writeNoteFile(note, "new note\n");
    expect(fs.readFileSync(note, "utf8")).toBe("new note\n");
    fs.rmSync(note);
    fs.symlinkSync(elsewhere, note);
    writeNoteFile(note, "new note\n");
    expect(fs.lstatSync(note).isFile()).toBe(true);
    expect(fs.readFileSync(note, "utf8")).toBe("new note\n");
    expect(fs.readFileSync(elsewhere, "utf8")).toBe("someone else's\n");
  });

  it("leaves a hard link's other name as it was", () => {
    const note = path.join(dir, "qm-error.txt");
    fs.linkSync(elsewhere, note);
    writeNoteFile(note, "new note\n");
    expect(fs.readFileSync(note, "utf8")).toBe("new note\n");
    expect(fs.readFileSync(elsewhere, "utf8")).toBe("someone else's\n");
  });
});

describe("a job folder that is a symbolic link", () => {
  it("is not written through: neither the log's lines nor the note reach the folder it leads to", () => {
    const target = path.join(dir, "root-only");
    fs.mkdirSync(target, { mode: 0o700 });
    fs.writeFileSync(path.join(target, "process.log"), "root's log\n");
    fs.writeFileSync(path.join(target, "qm-error.txt"), "precious\n");
    const job = path.join(dir, "job");
    fs.symlinkSync(target, job);
    expect(() => appendLogLines(path.join(job, "process.log"), "=== footer\n")).toThrow(/job is not a folder \(a symbolic link\?\)/);
    expect(() => writeNoteFile(path.join(job, "qm-error.txt"), "note\n")).toThrow(/job is not a folder/);
    expect(fs.readFileSync(path.join(target, "process.log"), "utf8")).toBe("root's log\n");
    expect(fs.readFileSync(path.join(target, "qm-error.txt"), "utf8")).toBe("precious\n");
    expect(fs.readdirSync(target).sort()).toEqual(["process.log", "qm-error.txt"]);
  });
});
