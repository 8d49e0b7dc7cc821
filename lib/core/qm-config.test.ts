import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseIni } from "./config-parser";
import { configWarnings, defaultConfigText, readQmConfig } from "./qm-config";

const read = (qmServer: string) => readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = /qm\n${qmServer}\n`), (p) => p);

describe("the executor keys of QMserv.cfg", () => {
  it("default to the local executor; the Slurm keys are read into config.slurm", () => {
    expect(read("")).toMatchObject({ executor: "local", slurm: { partition: "", account: "", sbatchArgs: [], pollMs: 5000 } });
    const c = read("executor = slurm\nslurm_partition = long\nslurm_account = lab\nslurm_sbatch_args = --qos=high --constraint=\"a&b\"\nslurm_poll_interval = 2");
    expect(c).toMatchObject({ executor: "slurm", slurm: { partition: "long", account: "lab", sbatchArgs: ["--qos=high", "--constraint=a&b"], pollMs: 2000 } });
  });

  it("names the key and what to fix when a value is wrong", () => {
    expect(() => read("executor = pbs")).toThrow("executor must be one of: local, slurm");
    expect(() => read("slurm_sbatch_args = --output=/tmp/x")).toThrow("slurm_sbatch_args: --output is set by QueueManager for every job");
    expect(() => read("slurm_poll_interval = 0")).toThrow("slurm_poll_interval must be at least 1");
  });

  it("are written, commented, into a new QMserv.cfg", () => {
    const text = defaultConfigText("data/QM");
    expect(text).toMatch(/# where jobs run: local .* %choice:local\|slurm%\nexecutor = local\n/);
    expect(text).toMatch(/slurm_poll_interval = 5\n/);
    expect(read(text.split("[QMServer]")[1].split("[WEB_QMserver]")[0].replace(/^QM_FOLDER.*$/m, ""))).toMatchObject({ executor: "local" });
  });
});

describe("QM_FOLDER", () => {
  const folder = (value: string) => readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = ${value}\n`), (p) => path.resolve("/etc/qm", p)).qmFolder;

  it("is taken as written, spaces included, relative to QMserv.cfg's folder", () => {
    expect(folder("/data/my QM  ")).toBe("/data/my QM");
    expect(folder("QM")).toBe("/etc/qm/QM");
  });

  it("in quotes or starting with ~ is refused with what to write (it named a new, empty folder: the lab's queue was never looked at)", () => {
    expect(() => folder('"/data/my QM"')).toThrow("QM_FOLDER is written in quotes; write the path without them");
    expect(() => folder("'/data/QM'")).toThrow("QM_FOLDER is written in quotes");
    expect(() => folder("~/QM")).toThrow("QM_FOLDER starts with ~, which is not expanded; write the full path");
    expect(folder("/data/~QM")).toBe("/data/~QM");
  });
});

describe("the sections of QMserv.cfg", () => {
  it("spelt in another case are refused with the spelling to use (every key in them was silently ignored)", () => {
    const text = "[QMserver]\nQM_FOLDER = /data/QM\nMaxNbProcessors = 8\n[web_qmserver]\nThe_Port = 8001\n";
    expect(() => readQmConfig(parseIni(text), (p) => p)).toThrow(
      "QMserv.cfg: the section [QMserver] is read only when spelt [QMServer]; rename it; the section [web_qmserver] is read only when spelt [WEB_QMserver]; rename it",
    );
  });

  it("read a key set twice with different values as the last one, as Python 2's ConfigParser did for QM 0.1-0.2, and warn naming both lines (a value added at the top was silently ignored)", () => {
    const doc = parseIni("[QMServer]\nMax_User_Priority = 0\nQM_FOLDER = /data/QM\nmax_user_priority = 1000\n[WEB_QMserver]\nThe_Port = 8001\n");
    expect(readQmConfig(doc, (p) => p).maxUserPriority).toBe(1000);
    expect(configWarnings(doc)).toEqual(['Max_User_Priority is set 2 times in [QMServer] with different values (line 2: "0", line 4: "1000"); the last one counts: keep one']);
    // The same value twice says nothing that could be misread.
    expect(configWarnings(parseIni("[QMServer]\nQM_FOLDER = /data/QM\nMaxNbProcessors = 4\nMaxNbProcessors = 4\n"))).toEqual([]);
  });
});

describe("keys QueueManager does not read", () => {
  it("are each named once, with the known key a typo is closest to, and kept", () => {
    const doc = parseIni("[DEFAULT]\nroot = /srv\n[QMServer]\nQM_FOLDER = /data/QM\nMaxNbProcesors = 8\nnap_time = 3\nNAP_TIME = 3\n[WEB_QMserver]\nthe_prot = 8001\nAuto_Open_Browser = True\n[Proc]\nanything = 1\n");
    expect(configWarnings(doc)).toEqual([
      "MaxNbProcesors (line 5) in [QMServer] is not a key QueueManager reads: did you mean MaxNbProcessors? (kept as it is)",
      "nap_time (line 6) in [QMServer] is not a key QueueManager reads (kept as it is)",
      "the_prot (line 9) in [WEB_QMserver] is not a key QueueManager reads: did you mean The_Port? (kept as it is)",
      "Auto_Open_Browser (line 10) in [WEB_QMserver] is not a key QueueManager reads (kept as it is)",
    ]);
    expect(readQmConfig(doc, (p) => p).maxNbProcessors).not.toBe(8);
  });

  it("say nothing of the file QueueManager writes, which lists every key it reads", () => {
    expect(configWarnings(parseIni(defaultConfigText("/data/QM")))).toEqual([]);
  });
});

describe("QMserv.cfg read as Python's ConfigParser read it for QM 0.4", () => {
  const readFile = (text: string) => readQmConfig(parseIni(text), (p) => (path.isAbsolute(p) ? p : path.join("/etc/qm", p)));

  it("interpolates %(key)s and %% (a QM_FOLDER written with %(root)s opened an empty tree beside the lab's)", () => {
    const c = readFile("[DEFAULT]\nroot = /srv/lab\n[QMServer]\nQM_FOLDER = %(root)s/QM\nMailSender = qm@lab.org\nMailSecretKey = abcd%%efgh\n[WEB_QMserver]\nThe_Port = 8103\n");
    expect(c.qmFolder).toBe("/srv/lab/QM");
    expect(c.smtp).toMatchObject({ user: "qm@lab.org", password: "abcd%efgh" });
    expect(c.web.port).toBe(8103);
  });

  it("gives every section the [DEFAULT] keys it does not set itself", () => {
    const c = readFile("[DEFAULT]\nQM_FOLDER = /srv/lab/QM\nDebug = yes\n[QMServer]\nDebug = no\n[WEB_QMserver]\n");
    expect(c.qmFolder).toBe("/srv/lab/QM");
    expect(c.debug).toBe(false);
    expect(c.web.debug).toBe(true);
  });

  it("keeps a lone % as written, where Python would have refused the file", () => {
    expect(readFile("[QMServer]\nQM_FOLDER = /srv/100%/QM\nsmtp_host = mail\nsmtp_password = 50%off\n").smtp).toMatchObject({ password: "50%off" });
  });
});
