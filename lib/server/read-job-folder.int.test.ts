/** A job folder's info file read from a real folder: its encoding, and the submit form's values written back. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readJobFolder } from "./read-job-folder";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const RULE = { jobFile: "infos.xml", strict: false };

describe("readJobFolder", () => {
  it("reads an XML info file declared ISO-8859-1, and writes the form's values back as UTF-8 that reads the same", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-read-folder-"));
    const file = path.join(dir, "infos.xml");
    fs.writeFileSync(file, Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<PARAMETER>\n  <script value="sh run.sh"/>\n  <info value="café à 20°C"/>\n</PARAMETER>\n', "latin1"));
    expect(readJobFolder(dir, RULE).info).toMatchObject({ script: "sh run.sh", info: "café à 20°C" });

    const read = readJobFolder(dir, RULE, { e_mail: "zoé@lab.org" });
    expect(read.info).toMatchObject({ info: "café à 20°C", owner: "zoé@lab.org" });
    const written = fs.readFileSync(file);
    expect(written.toString("utf8")).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(written.toString("utf8")).toContain("café à 20°C");
    expect(readJobFolder(dir, RULE).info).toMatchObject({ info: "café à 20°C", owner: "zoé@lab.org" });
  });
});
