import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultConfigText } from "../core/qm-config";
import { allowedCpus } from "./allowed-cpus";
import { loadConfigFile } from "./config-file";
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

  it("keeps a QMserv.cfg written on Windows in Windows line endings (every line differed after a save)", () => {
    const before = "[QMServer]\r\n# processors\r\nMaxNbProcessors = 2\r\nQM_FOLDER = QM\r\n\r\n[WEB_QMserver]\r\nThe_Port = 8000\r\n";
    fs.writeFileSync(file, before);
    const form = getConfigForm(file);
    updateConfig(file, { version: form.version, values: { "QMServer.MaxNbProcessors": "7" } });
    expect(fs.readFileSync(file, "utf8")).toBe(before.replace("MaxNbProcessors = 2", "MaxNbProcessors = 7"));
  });

  it("says why a file typed by hand cannot be used, and stops saying it once fixed", () => {
    expect(getConfigForm(file).invalid).toBeUndefined();
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("MaxNbProcessors = 2", "MaxNbProcessors = abc"));
    expect(getConfigForm(file).invalid).toMatch(/MaxNbProcessors/);
    const form = getConfigForm(file);
    updateConfig(file, { version: form.version, values: { "QMServer.MaxNbProcessors": "3" } });
    expect(getConfigForm(file).invalid).toBeUndefined();
  });

  it("a value typed by hand since the settings in force, which both programs refuse the file for, is named and blocks a save of another key (it said Saved while nothing applied)", () => {
    const inForce = loadConfigFile(file, dir).config;
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^Job_Uids = .*$/m, "Job_Uids = 10-20"));
    const form = getConfigForm(file, inForce);
    expect(form.invalid).toMatch(/Job_Uids must be a range of uids of 1000 or more/);
    let refused: unknown;
    try {
      updateConfig(file, { version: form.version, values: { "QMServer.MaxNbProcessors": "3" } }, inForce);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: "INVALID_INPUT", details: { "QMServer.Job_Uids": expect.stringMatching(/Job_Uids must be a range/) } });
    expect(fs.readFileSync(file, "utf8")).not.toMatch(/^MaxNbProcessors = 3$/m);
    // In force already (accepted at start): it blocks nothing, as before.
    const startedWithIt = loadConfigFile(file, dir).config;
    expect(getConfigForm(file, startedWithIt).invalid).toBeUndefined();
    updateConfig(file, { version: form.version, values: { "QMServer.MaxNbProcessors": "3" } }, startedWithIt);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^MaxNbProcessors = 3$/m);
  });

  it("names every refused value of one save at once: typed wrong, refused by the file's check, and the edit's own rules (one at a time before)", () => {
    const form = getConfigForm(file);
    let details: Record<string, string> = {};
    try {
      updateConfig(file, { version: form.version, values: { "QMServer.Default_Walltime": "abc", "QMServer.Job_Uids": "10-20", "WEB_QMserver.Host": "bad host!", "QMServer.Default_Mem": "64G", "QMServer.Max_Mem": "1G", "QMServer.MaxNbProcessors": "1" } });
    } catch (error) {
      details = (error as { details: Record<string, string> }).details;
    }
    expect(Object.keys(details).sort()).toEqual(["QMServer.Default_Mem", "QMServer.Default_Walltime", "QMServer.Job_Uids", "QMServer.Max_Mem", "WEB_QMserver.Host"]);
    expect(details["QMServer.Default_Walltime"]).toMatch(/walltime must be/);
    expect(details["WEB_QMserver.Host"]).toMatch(/Host must be a name of this machine/);
    expect(fs.readFileSync(file, "utf8")).not.toMatch(/^MaxNbProcessors = 1$/m); // nothing saved
  });

  it("warns when a key typed by hand at the top of [QMServer] is set again below (the last one counts, as Python 2's ConfigParser read it), and a save of that key makes the file say one thing", () => {
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("[QMServer]\n", "[QMServer]\nMax_User_Priority = 0\n"));
    const form = getConfigForm(file);
    expect(form.invalid).toBeUndefined();
    expect(form.warnings).toEqual([expect.stringMatching(/^Max_User_Priority is set 2 times in \[QMServer\] with different values \(line \d+: "0", line \d+: "1000"\); the last one counts: keep one$/)]);
    expect(loadConfigFile(file, path.join(dir, "QM")).config.maxUserPriority).toBe(1000);
    updateConfig(file, { version: form.version, values: { "QMServer.Max_User_Priority": "0" } });
    expect(getConfigForm(file).warnings).toBeUndefined();
    expect(loadConfigFile(file, path.join(dir, "QM")).config.maxUserPriority).toBe(0);
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

  it("refuses a Host the web server could not start on (it stopped QueueManager at the next start), and takes this machine's own", () => {
    const form = getConfigForm(file);
    const before = fs.readFileSync(file, "utf8");
    for (const host of ["bad host!", "192.0.2.77"]) {
      try {
        updateConfig(file, { version: form.version, values: { "WEB_QMserver.Host": host } });
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({ code: "INVALID_INPUT", details: { "WEB_QMserver.Host": expect.stringMatching(/^Host (must be a name of this machine|= 192\.0\.2\.77 is not an address of this machine)/) } });
      }
    }
    expect(fs.readFileSync(file, "utf8")).toBe(before);
    const own = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal)?.address ?? "127.0.0.1";
    updateConfig(file, { version: form.version, values: { "WEB_QMserver.Host": own } });
    expect(fs.readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith("Host"))).toEqual([`Host = ${own}`]);
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

  it("empties a secret named in clear (an empty value keeps it), and refuses a Metrics_Token shorter than 16 characters", () => {
    const token = "a-long-enough-metrics-token-0123";
    const save = (input: { values?: Record<string, string>; clear?: string[] }) => updateConfig(file, { version: getConfigForm(file).version, values: input.values ?? {}, clear: input.clear });
    const tokenLine = () => fs.readFileSync(file, "utf8").split("\n").find((l) => l.startsWith("Metrics_Token"));
    expect(() => save({ values: { "WEB_QMserver.Metrics_Token": "short" } })).toThrow(/Metrics_Token must be 16 characters or more \(it has 5\)/);
    expect(save({ values: { "WEB_QMserver.Metrics_Token": token } }).changed).toEqual(["WEB_QMserver.Metrics_Token"]);
    expect(tokenLine()).toBe(`Metrics_Token = ${token}`);
    expect(save({ values: { "WEB_QMserver.Metrics_Token": "" } }).changed).toEqual([]);
    expect(tokenLine()).toBe(`Metrics_Token = ${token}`);
    expect(save({ clear: ["WEB_QMserver.Metrics_Token"] }).changed).toEqual(["WEB_QMserver.Metrics_Token"]);
    expect(tokenLine()).toBe("Metrics_Token =");
    expect(getConfigForm(file).fields.find((f) => f.key === "Metrics_Token")).toMatchObject({ set: false });
    expect(() => save({ clear: ["QMServer.MaxNbProcessors"] })).toThrow(/only secrets are cleared this way/);
  });

  it("refuses a QM_FOLDER that is a system folder, QM_DATA or the database's folder, relative, or inside the one in force, by Archive_Folder's rules", () => {
    const saved = { db: process.env.DATABASE_URL, data: process.env.QM_DATA };
    Object.assign(process.env, { DATABASE_URL: `file:${path.join(dir, "db", "qm.db")}`, QM_DATA: path.join(dir, "data") });
    try {
      const before = fs.readFileSync(file, "utf8");
      const refusal = (qmFolder: string) => {
        try {
          updateConfig(file, { version: getConfigForm(file).version, values: { "QMServer.QM_FOLDER": qmFolder } });
          return null;
        } catch (error) {
          expect(error).toMatchObject({ code: "INVALID_INPUT" });
          return (error as { details: Record<string, string> }).details["QMServer.QM_FOLDER"];
        }
      };
      expect(refusal("/etc")).toBe("QM_FOLDER (/etc) is /etc, a folder of the system's own; choose a folder of its own for the queue, such as /srv/qm");
      expect(refusal("/")).toMatch(/^QM_FOLDER \(\/\) is the whole filesystem/);
      expect(refusal("/home")).toContain("is /home itself, shared with everything else there");
      expect(refusal(path.join(dir, "data"))).toBe(`QM_FOLDER (${path.join(dir, "data")}) is QueueManager's data folder (QM_DATA) (${path.join(dir, "data")}); choose a folder of its own for the queue, such as /srv/qm`);
      expect(refusal(path.join(dir, "db"))).toContain("is the database's folder (DATABASE_URL)");
      expect(refusal("elsewhere/QM")).toBe("QM_FOLDER (elsewhere/QM) must be an absolute path, such as /srv/qm (a relative one depends on where QMserv.cfg is)");
      expect(refusal(path.join(dir, "QM", "QM_dJobs", "new"))).toContain(`is inside the QM_FOLDER in force (${path.join(dir, "QM")})`);
      fs.symlinkSync("/etc", path.join(dir, "to-etc"));
      expect(refusal(path.join(dir, "to-etc"))).toContain("a symbolic link to /etc) is /etc");
      expect(fs.readFileSync(file, "utf8")).toBe(before);
      expect(refusal(path.join(dir, "data", "QM2"))).toBeNull(); // inside QM_DATA, as the default data/QM
      expect(fs.readFileSync(file, "utf8")).toContain(`QM_FOLDER = ${path.join(dir, "data", "QM2")}`);
    } finally {
      for (const [key, value] of [["DATABASE_URL", saved.db], ["QM_DATA", saved.data]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it("refuses Archive_Folder where the retention pass would mix job folders with the system's or the service's own files, saying what to choose", () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `file:${path.join(dir, "db", "qm.db")}`;
    try {
      const before = fs.readFileSync(file, "utf8");
      const refusal = (archive: string) => {
        try {
          updateConfig(file, { version: getConfigForm(file).version, values: { "QMServer.Archive_Folder": archive } });
          return null;
        } catch (error) {
          expect(error).toMatchObject({ code: "INVALID_INPUT" });
          return (error as { details: Record<string, string> }).details["QMServer.Archive_Folder"];
        }
      };
      expect(refusal("/")).toBe("Archive_Folder (/) is the whole filesystem; choose a folder of its own for the archive, such as /srv/qm-archive or a folder on another disk");
      expect(refusal("/etc")).toMatch(/^Archive_Folder \(\/etc\) is \/etc, a folder of the system's own; choose a folder of its own/);
      expect(refusal(dir)).toContain(`holds QM_FOLDER (${path.join(dir, "QM")})`);
      expect(refusal("db")).toContain(`is the database's folder (DATABASE_URL) (${path.join(dir, "db")})`);
      expect(fs.readFileSync(file, "utf8")).toBe(before);
      // By where it leads: a link's own path proves nothing (/srv/archive -> /etc).
      fs.symlinkSync("/etc", path.join(dir, "to-etc"));
      expect(refusal("to-etc")).toBe(`Archive_Folder (${path.join(dir, "to-etc")}, a symbolic link to /etc) is /etc, a folder of the system's own; choose a folder of its own for the archive, such as /srv/qm-archive or a folder on another disk`);
      fs.symlinkSync("/usr/qm-archive-not-made-yet", path.join(dir, "dangling"));
      expect(refusal("dangling")).toContain("a symbolic link to /usr/qm-archive-not-made-yet) is inside /usr");
      fs.symlinkSync("QM/QM_dJobs", path.join(dir, "to-done"));
      expect(refusal("to-done/old")).toContain(`must be outside QM_FOLDER (${path.join(dir, "QM")})`);
      expect(fs.readFileSync(file, "utf8")).toBe(before);
      fs.mkdirSync(path.join(dir, "big-disk"));
      fs.symlinkSync("big-disk", path.join(dir, "to-big-disk"));
      expect(refusal("to-big-disk/archive")).toBeNull();
      expect(refusal("archive")).toBeNull(); // a folder of its own beside QMserv.cfg
      expect(fs.readFileSync(file, "utf8")).toContain("Archive_Folder = archive");
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("keeps the file's mode: QMserv.cfg holds passwords, an edit never makes it readable by others", () => {
    for (const mode of [0o600, 0o640]) {
      fs.chmodSync(file, mode);
      updateConfig(file, { version: getConfigForm(file).version, values: { "QMServer.MaxNbProcessors": String(mode) } });
      expect(fs.readFileSync(file, "utf8")).toContain(`MaxNbProcessors = ${mode}`);
      expect((fs.statSync(file).mode & 0o777).toString(8)).toBe(mode.toString(8));
    }
  });

  it("creates a missing QMserv.cfg readable by its owner only", () => {
    fs.rmSync(file);
    loadConfigFile(file, path.join(dir, "QM"));
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
  });

  it("refuses the keys the worker reads at start when it could not start with them, naming each field", () => {
    const before = fs.readFileSync(file, "utf8");
    const cpus = allowedCpus();
    const missingCpu = Math.max(...cpus) + 1;
    try {
      updateConfig(file, {
        version: getConfigForm(file).version,
        values: { "QMServer.Job_Uids": "0-10", "QMServer.Run_As": "garbage", "QMServer.CPU_List": `0,${missingCpu}`, "QMServer.MaxNbProcessors": "3" },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/^3 values need fixing/),
        details: {
          "QMServer.Job_Uids": expect.stringMatching(/^Job_Uids must be a range of uids of 1000 or more, like 61000-61999/),
          "QMServer.Run_As": expect.stringMatching(/^Run_As entries are owner=account/),
          "QMServer.CPU_List": expect.stringMatching(new RegExp(`^CPU_List names CPU ${missingCpu}, `)),
        },
      });
    }
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  it("refuses a default above its maximum on the key edited, and accepts consistent limits", () => {
    const form = getConfigForm(file);
    expect(() => updateConfig(file, { version: form.version, values: { "QMServer.Max_Walltime": "1:00:00", "QMServer.Default_Walltime": "2:00:00" } })).toThrow(
      expect.objectContaining({ details: { "QMServer.Default_Walltime": expect.stringContaining("shorten Default_Walltime"), "QMServer.Max_Walltime": expect.stringContaining("lengthen Max_Walltime") } }),
    );
    const result = updateConfig(file, {
      version: form.version,
      values: { "QMServer.Default_Mem": "2G", "QMServer.Max_Mem": "8G", "QMServer.Default_Walltime": "1:00:00", "QMServer.Max_Walltime": "99:99:99", "QMServer.Job_Uids": "62000-62999", "QMServer.Run_As": "ann=ann, bob@lab.org=bob", "QMServer.CPU_List": String(allowedCpus()[0]) },
    });
    expect(result.changed).toHaveLength(7);
    // Lowering the maximum under the default now in the file is refused on Max_Mem, the key edited.
    expect(() => updateConfig(file, { version: result.version, values: { "QMServer.Max_Mem": "1G" } })).toThrow(
      expect.objectContaining({ details: { "QMServer.Max_Mem": "Default_Mem (2G) is more than Max_Mem (1G): lower Default_Mem or raise Max_Mem" } }),
    );
  });

  it("marks the keys the worker reads only at start as needing its restart", () => {
    const restart = Object.fromEntries(getConfigForm(file).fields.filter((f) => f.restart).map((f) => [f.key, f.restart]));
    expect(restart).toMatchObject({ Job_Uids: "worker", Run_As: "worker", Limits: "worker", CPU_List: "worker", GPU_List: "worker", executor: "worker" });
  });

  it("rewrites nothing when no value changed", () => {
    const form = getConfigForm(file);
    const mtime = fs.statSync(file).mtimeMs;
    const values = Object.fromEntries(form.fields.map((f) => [f.id, f.value]));
    expect(updateConfig(file, { version: form.version, values }).changed).toEqual([]);
    expect(fs.statSync(file).mtimeMs).toBe(mtime);
  });

  it("says a problem of two keys edited together once", () => {
    const form = getConfigForm(file);
    const message = "Default_Mem (8G) is more than Max_Mem (4G): lower Default_Mem or raise Max_Mem";
    expect(() => updateConfig(file, { version: form.version, values: { "QMServer.Default_Mem": "8G", "QMServer.Max_Mem": "4G" } })).toThrow(
      expect.objectContaining({ message: `2 values need fixing: ${message}`, details: { "QMServer.Default_Mem": message, "QMServer.Max_Mem": message } }),
    );
  });
});
