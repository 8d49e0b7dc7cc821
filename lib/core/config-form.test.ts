import { describe, expect, it } from "vitest";
import { applyConfigValues, configFormFields, errorsToFieldIds } from "./config-form";
import { parseIni, serializeIni } from "./config-parser";

/** A QMserv.cfg as the original Python QM shipped it, with a few local additions. */
const ORIGINAL = `# QueueManager configuration
# read by QueueManager.py and WEB_QMserver.py

[QMServer]
# where the QM_qJobs QM_Jobs QM_dJobs folders are
QM_FOLDER : /home/nmr/QM
# %integer% %min:1%
MaxNbProcessors : 12
job_file : proc_config.cfg
# %boolean%
MailActive : False
# local addition, unknown to QM
lab_name = NMR facility
smtp_password = s3cret
# %boolean%
Debug : False

[WEB_QMserver]
Host : localhost
# %integer% %min:1024% %max:16535%
The_Port : 8000
# %boolean%
Licence_to_kill : True
; %choice:auto|yes|no%
Require_Login = auto

[Local]
# a section QM does not know
backup = nightly
`;

describe("configFormFields", () => {
  it("shows a key written twice once, with the value that counts (the last)", () => {
    const fields = configFormFields(parseIni("[QMServer]\nMax_User_Priority = 0\nQM_FOLDER = /qm\nMax_User_Priority = 5\n"));
    expect(fields.filter((f) => f.key === "Max_User_Priority").map((f) => f.value)).toEqual(["5"]);
  });

  const fields = configFormFields(parseIni(ORIGINAL));
  const field = (id: string) => fields.find((f) => f.id === id)!;

  it("types keys from annotations, then from the known keys", () => {
    expect(field("QMServer.MaxNbProcessors")).toMatchObject({ type: "integer", min: 1, value: "12", inFile: true, known: true });
    expect(field("WEB_QMserver.The_Port")).toMatchObject({ type: "integer", min: 1024, max: 16535, value: "8000" });
    expect(field("QMServer.MailActive")).toMatchObject({ type: "boolean", value: "False" });
    // Absent, as in a QM 0.2 file: one job at a time, as QM 0.2 ran them.
    expect(field("QMServer.launch_type")).toMatchObject({ type: "choice", choices: ["blocking", "non-blocking"], inFile: false, value: "blocking" });
    expect(field("QMServer.QM_FOLDER")).toMatchObject({ type: "path", value: "/home/nmr/QM" });
    expect(field("WEB_QMserver.Require_Login")).toMatchObject({ type: "choice", choices: ["auto", "yes", "no"] });
  });

  it("says that Licence_to_kill and Delete_Jobs are about users' own jobs, the administrator being always allowed", () => {
    expect(field("WEB_QMserver.Licence_to_kill").help).toBe("allow users to kill their own running jobs (the administrator always may)");
    expect(field("WEB_QMserver.Delete_Jobs").help).toBe("allow users to delete their own queued and finished jobs (the administrator always may)");
  });

  it("shows unknown keys of the QM sections as text, and not other sections", () => {
    expect(field("QMServer.lab_name")).toMatchObject({ type: "text", known: false, value: "NMR facility" });
    expect(fields.some((f) => f.section === "Local")).toBe(false);
  });

  it("never carries a secret's value, only whether it is set", () => {
    expect(field("QMServer.smtp_password")).toMatchObject({ type: "secret", value: "", set: true });
    expect(JSON.stringify(fields)).not.toContain("s3cret");
    const empty = configFormFields(parseIni("[QMServer]\nsmtp_password =\n")).find((f) => f.key === "smtp_password")!;
    expect(empty).toMatchObject({ value: "", set: false });
  });
});

describe("applyConfigValues", () => {
  it("round-trips the original file byte for byte when nothing changes", () => {
    const doc = parseIni(ORIGINAL);
    const values = Object.fromEntries(configFormFields(doc).map((f) => [f.id, f.value]));
    expect(applyConfigValues(doc, values)).toEqual({ changed: [], errors: {} });
    expect(serializeIni(doc)).toBe(ORIGINAL);
  });

  it("changes only the edited lines, keeping comments, order, delimiters, unknown keys and sections", () => {
    const doc = parseIni(ORIGINAL);
    const edit = applyConfigValues(doc, { "QMServer.MaxNbProcessors": "4", "WEB_QMserver.Licence_to_kill": "False", "QMServer.launch_type": "non-blocking" });
    expect(edit).toEqual({ changed: ["QMServer.MaxNbProcessors", "WEB_QMserver.Licence_to_kill", "QMServer.launch_type"], errors: {} });
    const expected = ORIGINAL.replace("MaxNbProcessors : 12", "MaxNbProcessors : 4")
      .replace("Licence_to_kill : True", "Licence_to_kill : False")
      .replace("Debug : False\n\n[WEB_QMserver]", "Debug : False\nlaunch_type = non-blocking\n\n[WEB_QMserver]");
    expect(serializeIni(doc)).toBe(expected);
  });

  it("keeps a secret when its field comes back empty, replaces it when typed", () => {
    const doc = parseIni(ORIGINAL);
    expect(applyConfigValues(doc, { "QMServer.smtp_password": "" }).changed).toEqual([]);
    expect(serializeIni(doc)).toContain("smtp_password = s3cret");
    applyConfigValues(doc, { "QMServer.smtp_password": "n3w" });
    expect(serializeIni(doc)).toContain("smtp_password = n3w");
  });

  it("reports every bad value under its field and writes nothing", () => {
    const doc = parseIni(ORIGINAL);
    const edit = applyConfigValues(doc, {
      "QMServer.MaxNbProcessors": "0",
      "WEB_QMserver.The_Port": "20000",
      "QMServer.MailActive": "maybe",
      "QMServer.launch_type": "sometimes",
      "QMServer.QM_FOLDER": "",
      "QMServer.lab_name": "two\nlines",
      "QMServer.Nope": "1",
      "QMServer.Debug": "True",
    });
    expect(edit.changed).toEqual([]);
    expect(edit.errors).toEqual({
      "QMServer.MaxNbProcessors": "MaxNbProcessors must be at least 1",
      "WEB_QMserver.The_Port": "The_Port must be at most 16535",
      "QMServer.MailActive": "MailActive must be True or False",
      "QMServer.launch_type": "launch_type must be one of: blocking, non-blocking",
      "QMServer.QM_FOLDER": "QM_FOLDER must not be empty",
      "QMServer.lab_name": "lab_name must fit on one line",
      "QMServer.Nope": "QMServer.Nope is not a key of [QMServer] or [WEB_QMserver]",
    });
    expect(serializeIni(doc)).toBe(ORIGINAL);
  });

  it("refuses a whole number too large to be held exactly, rather than saving it", () => {
    const doc = parseIni(ORIGINAL);
    const edit = applyConfigValues(doc, { "QMServer.MaxNbProcessors": "99999999999999999999" });
    expect(edit.errors).toEqual({ "QMServer.MaxNbProcessors": "MaxNbProcessors must be at most 9007199254740991" });
    expect(serializeIni(doc)).toBe(ORIGINAL);
  });

  it("matches ids without regard to case, as ConfigParser does", () => {
    const doc = parseIni(ORIGINAL);
    expect(applyConfigValues(doc, { "QMServer.maxnbprocessors": "6" }).changed).toEqual(["QMServer.MaxNbProcessors"]);
    expect(serializeIni(doc)).toContain("MaxNbProcessors : 6");
  });
});

describe("errorsToFieldIds", () => {
  it("maps readQmConfig's canonical keys to the file's spelling", () => {
    expect(errorsToFieldIds({ "QMServer.MaxNbProcessors": "x" }, [{ id: "QMServer.maxnbprocessors" }])).toEqual({ "QMServer.maxnbprocessors": "x" });
  });
});
