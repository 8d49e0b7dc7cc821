import { describe, expect, it } from "vitest";
import { iniEntries, iniSections, parseIni, serializeIni, setIniValue } from "./config-parser";

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
