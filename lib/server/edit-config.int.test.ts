import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfigText } from "../core/qm-config";
import { getConfigForm, updateConfig } from "./edit-config";

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-cfg-"));
  file = path.join(dir, "QMserv.cfg");
  fs.writeFileSync(file, defaultConfigText("QM").replace("smtp_password = ", "smtp_password = hunter2") + "\n[Local]\nkeep = me\n");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("editing QMserv.cfg on disk", () => {
  it("writes the change atomically, keeping every other line", () => {
    const before = fs.readFileSync(file, "utf8");
    const form = getConfigForm(file);
    expect(JSON.stringify(form)).not.toContain("hunter2");
    const result = updateConfig(file, { version: form.version, values: { "QMServer.MaxNbProcessors": "7", "QMServer.smtp_password": "" } });
    expect(result.changed).toEqual(["QMServer.MaxNbProcessors"]);
    const after = fs.readFileSync(file, "utf8");
    expect(after).toBe(before.replace("MaxNbProcessors = 2", "MaxNbProcessors = 7"));
    expect(fs.readdirSync(dir)).toEqual(["QMserv.cfg"]); // no temporary file left
    expect(result.version).not.toBe(form.version);
    expect(result.fields.find((f) => f.key === "MaxNbProcessors")!.value).toBe("7");
  });

  it("refuses to overwrite a file changed since the form was read", () => {
    const form = getConfigForm(file);
    fs.appendFileSync(file, "# edited by hand\n");
    expect(() => updateConfig(file, { version: form.version, values: { "QMServer.MaxNbProcessors": "3" } })).toThrow(/changed by someone else/);
    expect(fs.readFileSync(file, "utf8")).toContain("MaxNbProcessors = 2");
  });

  it("re-validates the whole file and names the field (job_file must end in .cfg or .xml)", () => {
    const form = getConfigForm(file);
    const before = fs.readFileSync(file, "utf8");
    try {
      updateConfig(file, { version: form.version, values: { "QMServer.job_file": "job.txt" } });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_INPUT", details: { "QMServer.job_file": "job_file must be a file name ending in .cfg or .xml" } });
    }
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  it("checks Trusted_Proxies: addresses and CIDR ranges only, the bad entries named", () => {
    const form = getConfigForm(file);
    try {
      updateConfig(file, { version: form.version, values: { "WEB_QMserver.Trusted_Proxies": "10.0.0.0/8, proxy.lab.org" } });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_INPUT", details: { "WEB_QMserver.Trusted_Proxies": expect.stringMatching(/CIDR ranges such as 10.0.0.0\/8; not: proxy.lab.org$/) } });
    }
    updateConfig(file, { version: form.version, values: { "WEB_QMserver.Trusted_Proxies": "10.0.0.0/8, ::1" } });
    expect(fs.readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith("Trusted_Proxies"))).toEqual(["Trusted_Proxies = 10.0.0.0/8, ::1"]);
  });

  it("rewrites nothing when no value changed", () => {
    const form = getConfigForm(file);
    const mtime = fs.statSync(file).mtimeMs;
    const values = Object.fromEntries(form.fields.map((f) => [f.id, f.value]));
    expect(updateConfig(file, { version: form.version, values }).changed).toEqual([]);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
  });
});
