import { describe, expect, it } from "vitest";
import { conflictingEntries, iniEntries, iniSections, parseIni, serializeIni, setIniValue } from "./config-parser";

const seedCfg = `[QMOptions]
nb_proc : 12
e_mail : me@gmail.com
info : some description of the job
script : python process.py param1 param2
`;

describe("parseIni (Python ConfigParser dialect)", () => {
  it("reads the seed's `key : value` example", () => {
    const qm = iniSections(parseIni(seedCfg)).get("QMOptions")!;
    expect(qm.get("nb_proc")).toBe("12");
    expect(qm.get("e_mail")).toBe("me@gmail.com");
    expect(qm.get("script")).toBe("python process.py param1 param2");
  });

  it("splits on the first of = or :, keeps ; inside values, folds keys to lower case", () => {
    const doc = parseIni("[A]\nURL = http://x:8000/a;b\nTime: 12:30 = noon\n  continued line\n; comment\n# other\n");
    const a = iniSections(doc).get("A")!;
    expect(a.get("url")).toBe("http://x:8000/a;b");
    expect(a.get("time")).toBe("12:30 = noon\ncontinued line");
    expect(a.size).toBe(2);
  });

  it("reads keys indented alike under a header as separate keys, as Python does", () => {
    // Python continues a value only on lines indented deeper than its key; QM 0.4 read
    // this file as three keys (it was read as one nb_proc spanning three lines).
    const doc = parseIni("[QMOptions]\n    nb_proc : 12\n    e_mail : me@gmail.com\n    script : python fit.py\n      --fast\n");
    const qm = iniSections(doc).get("QMOptions")!;
    expect(Object.fromEntries(qm)).toEqual({ nb_proc: "12", e_mail: "me@gmail.com", script: "python fit.py\n--fast" });
    setIniValue(doc, "QMOptions", "script", "python fit.py\n--slow");
    expect(serializeIni(doc)).toBe("[QMOptions]\n    nb_proc : 12\n    e_mail : me@gmail.com\n    script : python fit.py\n    \t--slow\n");
    expect(iniSections(parseIni(serializeIni(doc))).get("QMOptions")!.get("script")).toBe("python fit.py\n--slow");
  });

  it("reads a section header followed by a comment, or indented, as Python does", () => {
    const doc = parseIni("  [QMOptions]   # the job\nscript = ls\n[QMServer] ; ours\nDebug = 1\n");
    expect([...iniSections(doc).keys()]).toEqual(["QMOptions", "QMServer"]);
    expect(iniSections(doc).get("QMOptions")!.get("script")).toBe("ls");
  });

  it("writes a file back with its own line endings and byte-order mark", () => {
    const doc = parseIni("\uFEFF[QMOptions]\r\nscript = ls\r\n");
    setIniValue(doc, "QMOptions", "nb_proc", "2");
    expect(serializeIni(doc)).toBe("\uFEFF[QMOptions]\r\nscript = ls\r\nnb_proc = 2\r\n");
  });

  it("sets a key written twice everywhere it is, so that the file says one thing (the admin page's save resolves the conflict)", () => {
    const doc = parseIni("[QMServer]\nMax_User_Priority = 0\nQM_FOLDER = /qm\nmax_user_priority : 1000\n");
    expect(conflictingEntries(doc, "QMServer").map((entries) => entries.map((e) => e.line))).toEqual([[2, 4]]);
    setIniValue(doc, "QMServer", "Max_User_Priority", "5");
    expect(serializeIni(doc)).toBe("[QMServer]\nMax_User_Priority = 5\nQM_FOLDER = /qm\nmax_user_priority : 5\n");
    expect(conflictingEntries(doc, "QMServer")).toEqual([]);
  });

  it("rejects a key outside any section, naming the line", () => {
    expect(() => parseIni("script = x\n", "proc_config.cfg")).toThrow(/proc_config.cfg line 1: .*before any \[section\]/);
  });

  it("rejects a line that is not key/value", () => {
    expect(() => parseIni("[QMOptions]\njust words\n")).toThrow(/line 2/);
  });

  it("edits a value keeping comments, order, delimiters and unknown sections", () => {
    const text = "# top\n[QMServer]\n# %integer% %min:1%\nMaxNbProcessors : 4\nOther = x\n\n[Custom]\nk = v\n";
    const doc = parseIni(text);
    expect(iniEntries(doc, "QMServer")[0].comments).toEqual(["# %integer% %min:1%"]);
    setIniValue(doc, "QMServer", "maxnbprocessors", "8");
    setIniValue(doc, "QMServer", "NewKey", "1");
    setIniValue(doc, "WEB_QMserver", "The_Port", "9000");
    expect(serializeIni(doc)).toBe(
      "# top\n[QMServer]\n# %integer% %min:1%\nMaxNbProcessors : 8\nOther = x\nNewKey = 1\n\n[Custom]\nk = v\n\n[WEB_QMserver]\nThe_Port = 9000\n",
    );
  });
});

// The cases of docs/config-format.md: what Python's RawConfigParser reads (and this parser
// with it), where the `ini` npm package reads something else.
describe("the cases that rule out the ini package", () => {
  const read = (text: string) => Object.fromEntries([...iniSections(parseIni(text))].map(([name, keys]) => [name, Object.fromEntries(keys)]));
  it.each([
    ["key : value", "[QMOptions]\nnb_proc : 12\nscript : python process.py param1 param2\n", { QMOptions: { nb_proc: "12", script: "python process.py param1 param2" } }],
    ["; inside a value", "[QMServer]\nmail_from = QM <qm@lab.org>; Lab\nscript = cd run; python fit.py\n", { QMServer: { mail_from: "QM <qm@lab.org>; Lab", script: "cd run; python fit.py" } }],
    ["# inside a value", "[QMOptions]\ninfo = sample #3 of 12\n", { QMOptions: { info: "sample #3 of 12" } }],
    ["a continued value", "[QMOptions]\ninfo = first line\n  second line\n", { QMOptions: { info: "first line\nsecond line" } }],
    ["the first of : and =", "[QMOptions]\nscript : python fit.py --opt=3\n", { QMOptions: { script: "python fit.py --opt=3" } }],
  ])("%s", (_, text, expected) => expect(read(text)).toEqual(expected));

  it("a value changed and written back keeps the comments that type the admin form", () => {
    const doc = parseIni("# %integer% %min:1%\n[QMServer]\n# processors\nMaxNbProcessors = 4\n");
    setIniValue(doc, "QMServer", "maxnbprocessors", "8");
    expect(serializeIni(doc)).toBe("# %integer% %min:1%\n[QMServer]\n# processors\nMaxNbProcessors = 8\n");
  });
});
