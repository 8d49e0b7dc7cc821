/** What a pool uid left in the shared temporary folders goes before the uid runs again; nothing else does. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { removeTempFilesOf } from "./uid-traces";

const UID = 61_990;
let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-traces-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe.skipIf(process.getuid?.() !== 0)("removeTempFilesOf", () => {
  it("removes the uid's files and folders, links as names, and leaves others' and what links point to", async () => {
    const tmp = path.join(root, "tmp");
    const outside = path.join(root, "outside");
    fs.mkdirSync(path.join(tmp, "job-dir", "deep"), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "keep"), "keep\n");
    fs.writeFileSync(path.join(tmp, "job-file"), "x");
    fs.symlinkSync(outside, path.join(tmp, "job-dir", "deep", "to-outside"));
    fs.symlinkSync(outside, path.join(tmp, "job-link"));
    fs.writeFileSync(path.join(tmp, "someone-else"), "y");
    for (const name of ["job-dir", "job-dir/deep", "job-file", "job-dir/deep/to-outside", "job-link"]) fs.lchownSync(path.join(tmp, name), UID, UID);

    // A name that is not UTF-8 is found as well.
    const latin1 = Buffer.concat([Buffer.from(`${tmp}/`), Buffer.from("r\xe9sultat", "latin1")]);
    fs.writeFileSync(latin1, "z");
    fs.lchownSync(latin1, UID, UID);

    expect(await removeTempFilesOf(new Set([UID]), [tmp])).toBe(4);
    expect(fs.readdirSync(tmp)).toEqual(["someone-else"]);
    expect(fs.readFileSync(path.join(outside, "keep"), "utf8")).toBe("keep\n");
  });
});
