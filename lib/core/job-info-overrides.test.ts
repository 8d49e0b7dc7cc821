import { describe, expect, it } from "vitest";
import { applyInfoOverrides } from "./job-info-overrides";
import { parseJobInfo } from "./job-info";

const cfg = `# my job
[QMOptions]
nb_proc : 12
E-mail : old@lab.org
script : python process.py param1 param2

[Proc]
nb_proc = 99
`;

const xml = `<?xml version="1.0"?>
<PARAMETER>
    <!-- processors -->
    <nb_proc value="12"/>
    <e-mail value='old@lab.org' />
    <script value="python process.py &amp; echo done"/>
    <info>old text</info>
</PARAMETER>
`;

describe("applyInfoOverrides on a .cfg info file", () => {
  it("rewrites the given keys in [QMOptions] only and keeps the rest", () => {
    const out = applyInfoOverrides("proc_config.cfg", cfg, { nb_proc: 3, e_mail: "me@lab.org", priority: 5, info: "line 1\nline 2" });
    expect(out).toBe(`# my job
[QMOptions]
nb_proc : 3
E-mail : me@lab.org
script : python process.py param1 param2
e_mail = me@lab.org
priority = 5
info = line 1 line 2

[Proc]
nb_proc = 99
`.replace("e_mail = me@lab.org\n", ""));
    const info = parseJobInfo("proc_config.cfg", out);
    expect(info).toMatchObject({ nbProc: 3, owner: "me@lab.org", priority: 5, info: "line 1 line 2" });
  });

  it("doubles a % where Python's interpolation would change it, so that the value reads back exactly", () => {
    for (const info of ["100% sure, %% and %(x)s", "%%%", "50%(x", "a%", "1-20%4"]) {
      const out = applyInfoOverrides("proc_config.cfg", cfg, { info });
      expect(parseJobInfo("proc_config.cfg", out).info, info).toBe(info);
    }
    // Only where reading would change it: 1-20%4 stays as typed.
    expect(applyInfoOverrides("proc_config.cfg", cfg, { info: "100% sure, %% and %(x)s" })).toContain("info = 100% sure, %%% and %%(x)s\n");
    expect(applyInfoOverrides("proc_config.cfg", cfg, { info: "1-20%4" })).toContain("info = 1-20%4\n");
  });

  it("leaves the file untouched when nothing is given", () => {
    expect(applyInfoOverrides("proc_config.cfg", cfg, { info: "", nb_proc: undefined })).toBe(cfg);
  });
});

describe("applyInfoOverrides on an .xml info file", () => {
  it("adds a missing key before the closing tag of whatever root the file has, as QM 0.4 read any", () => {
    const text = '<?xml version="1.0"?>\n<JOB>\n  <script value="s"/>\n</JOB>\n<!-- end -->\n';
    const out = applyInfoOverrides("job.xml", text, { priority: 3 });
    expect(out).toBe('<?xml version="1.0"?>\n<JOB>\n  <script value="s"/>\n  <priority value="3"/>\n</JOB>\n<!-- end -->\n');
    expect(parseJobInfo("job.xml", out).priority).toBe(3);
  });

  it("rewrites value attributes, converts text values, adds missing keys", () => {
    const out = applyInfoOverrides("job.xml", xml, { nb_proc: 2, e_mail: "me@lab.org", info: "new info", priority: -1 });
    expect(out).toContain('<nb_proc value="2"/>');
    expect(out).toContain(`<e-mail value="me@lab.org" />`);
    expect(out).toContain('<info value="new info"/>');
    expect(out).toContain('    <priority value="-1"/>\n</PARAMETER>');
    expect(out).toContain("<!-- processors -->");
    const info = parseJobInfo("job.xml", out);
    expect(info).toMatchObject({ nbProc: 2, owner: "me@lab.org", priority: -1, info: "new info" });
    expect(info.script).toBe("python process.py & echo done");
  });

  it("escapes values so that they read back exactly as typed", () => {
    const typed = `A & B <c> "d" $& $1`;
    const out = applyInfoOverrides("job.xml", xml, { info: typed, e_mail: "x&y@lab.org" });
    expect(parseJobInfo("job.xml", out)).toMatchObject({ info: typed, owner: "x&y@lab.org" });
  });

  it("leaves keys in comments alone and writes the one that is read", () => {
    // `qm submit -n 2` of such a folder rewrote the comment; the job ran on 1 processor.
    const text = '<PARAMETER>\n  <!-- was: <nb_proc value="12"/> </PARAMETER> -->\n  <nb_proc value="1"/>\n  <script value="s"/>\n</PARAMETER>\n';
    const out = applyInfoOverrides("job.xml", text, { nb_proc: 2, info: "y" });
    expect(out).toContain('<!-- was: <nb_proc value="12"/> </PARAMETER> -->');
    expect(out).toContain('  <info value="y"/>\n</PARAMETER>\n');
    expect(parseJobInfo("job.xml", out)).toMatchObject({ nbProc: 2, info: "y" });
  });

  it("rewrites the last of a key written twice, the one that is read", () => {
    const text = '<PARAMETER>\n  <nb_proc value="12"/>\n  <nb_proc value="4"/>\n  <script value="s"/>\n</PARAMETER>\n';
    const out = applyInfoOverrides("job.xml", text, { nb_proc: 2 });
    expect(out).toBe('<PARAMETER>\n  <nb_proc value="12"/>\n  <nb_proc value="2"/>\n  <script value="s"/>\n</PARAMETER>\n');
    expect(parseJobInfo("job.xml", out).nbProc).toBe(2);
  });

  it("does not confuse a key with a longer tag name", () => {
    const text = '<PARAMETER>\n  <information value="x"/>\n  <script value="s"/>\n</PARAMETER>\n';
    const out = applyInfoOverrides("job.xml", text, { info: "y" });
    expect(out).toContain('<information value="x"/>');
    expect(parseJobInfo("job.xml", out).info).toBe("y");
  });
});
