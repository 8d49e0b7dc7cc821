import { describe, expect, it } from "vitest";
import { looksLikeInfoFile, parseJobInfo } from "./job-info";

describe("parseJobInfo", () => {
  it("reads the seed's cfg example with `key : value` lines and keeps other sections' business out", () => {
    const info = parseJobInfo(
      "proc_config.cfg",
      "[QMOptions]\nnb_proc : 12\ne_mail : me@gmail.com\ninfo : some description of the job\nscript : python process.py param1 param2\n\n[Proc]\nsize = 32\n",
    );
    expect(info).toMatchObject({ script: "python process.py param1 param2", nbProc: 12, nbGpu: 0, owner: "me@gmail.com", info: "some description of the job", priority: 0 });
    expect(info.params.size).toBeUndefined();
  });

  it("reads a job file whose keys are indented under [QMOptions], and knows it by a header with a comment", () => {
    const text = "[QMOptions]   # written by hand\n\tnb_proc : 4\n\tscript : python fit.py\n";
    expect(parseJobInfo("proc_config.cfg", text)).toMatchObject({ script: "python fit.py", nbProc: 4 });
    expect(looksLikeInfoFile("run.cfg", text)).toBe(true);
  });

  it("reads the last of an XML key written twice, as the original QM did (it was dropped: the job ran on 1 processor)", () => {
    const info = parseJobInfo("infos.xml", '<PARAMETER>\n  <nb_proc value="12"/>\n  <script value="old"/>\n  <nb_proc value="4"/>\n  <script value="new"/>\n</PARAMETER>\n');
    expect(info).toMatchObject({ nbProc: 4, script: "new" });
  });

  it("gives [QMOptions] the keys of [DEFAULT], as Python's ConfigParser did for QM 0.4", () => {
    // `%(base)s` was run as written, and a script in [DEFAULT] refused as missing.
    const text = "[DEFAULT]\nbase = /data/run1\nscript = python fit.py %(base)s/in.txt\nnb_proc = 2\n\n[QMOptions]\nnb_proc = 4\n\n[Proc]\nsize = 32\n";
    expect(parseJobInfo("proc_config.cfg", text)).toMatchObject({ script: "python fit.py /data/run1/in.txt", nbProc: 4 });
    // Only the section named exactly DEFAULT, as Python.
    expect(() => parseJobInfo("proc_config.cfg", "[default]\nscript = ls\n[QMOptions]\nnb_proc = 1\n")).toThrow(/no `script` entry/);
  });

  it("takes the address of an e_mail written with a name, as QM 0.4 mailed it (no mail was sent, and the job was no one's)", () => {
    expect(parseJobInfo("proc_config.cfg", "[QMOptions]\ne_mail : Ann Smith <ann@lab.org>\nscript = ls\n").owner).toBe("ann@lab.org");
    expect(parseJobInfo("infos.xml", '<PARAMETER><e-mail value="&quot;Smith, Ann&quot; &lt;ann@lab.org&gt;"/><script value="ls"/></PARAMETER>').owner).toBe("ann@lab.org");
    // Two addresses are not one owner: kept as written (the worker says why it sends no mail).
    expect(parseJobInfo("proc_config.cfg", "[QMOptions]\ne_mail = <a@lab.org>, <b@lab.org>\nscript = ls\n").owner).toBe("<a@lab.org>, <b@lab.org>");
  });

  it("runs a script continued on several lines as one command line, as QM 0.4 did (each line was run as a command of its own)", () => {
    const text = "[QMOptions]\nscript = python fit.py\n    --opt 1\n    data.txt\nnb_proc = 2\n";
    expect(parseJobInfo("proc_config.cfg", text)).toMatchObject({ script: "python fit.py --opt 1 data.txt", nbProc: 2 });
    expect(parseJobInfo("p.cfg", "[QMOptions]\nscript = sh run.sh \\\n  --fast\n").script).toBe("sh run.sh --fast");
    expect(parseJobInfo("infos.xml", '<PARAMETER><script value="python fit.py\n   --opt 1"/></PARAMETER>').script).toBe("python fit.py --opt 1");
  });

  it("reads the seed's XML example, including the e-mail spelling", () => {
    const info = parseJobInfo(
      "job.xml",
      `<PARAMETER>\n  <nb_proc value="12"/>\n  <e-mail value="me@gmail.com"/>\n  <script value="python process.py param1 param2"/>\n  <info value="some description of the job"/>\n  <custom value="kept"/>\n</PARAMETER>`,
    );
    expect(info).toMatchObject({ script: "python process.py param1 param2", nbProc: 12, owner: "me@gmail.com" });
    expect(info.params.custom).toBe("kept");
  });

  it("reads keys under any root element and at any depth, as QM 0.4's SAX reader did (such files were refused)", () => {
    const info = parseJobInfo(
      "infos.xml",
      `<?xml version="1.0"?>\n<!-- lab template -->\n<JOB>\n  <nb_proc value="3"/>\n  <run><script value="sh go.sh"/><e_mail value="ann@lab.org"/></run>\n  <info>nightly fit</info>\n  <nb_proc value="2"/>\n</JOB>\n`,
    );
    expect(info).toMatchObject({ script: "sh go.sh", nbProc: 2, owner: "ann@lab.org", info: "nightly fit" });
    // Document order across depths: the later element counts.
    expect(parseJobInfo("j.xml", `<q><script value="a"/><g><script value="b"/></g></q>`).script).toBe("b");
    expect(parseJobInfo("j.xml", `<q><g><script value="b"/></g><script value="a"/></q>`).script).toBe("a");
    expect(() => parseJobInfo("j.xml", `<q><g><nb_proc value="2"/></g></q>`)).toThrow(/has no script entry/);
  });

  it("reads values as the original QM's Python ConfigParser did: %% is %, %(key)s another key's value; what Python refuses is kept as written", () => {
    const info = parseJobInfo(
      "proc_config.cfg",
      "[QMOptions]\nbase = /data/run%%1\nscript : python fit.py %(BASE)s/in.txt --fmt '%%.3f'\ninfo = 50% done, %(missing)s kept\ne_mail = %(owner)s\nowner = me@lab.org\n",
    );
    expect(info).toMatchObject({ script: "python fit.py /data/run%1/in.txt --fmt '%.3f'", info: "50% done, %(missing)s kept", owner: "me@lab.org" });
    // A loop is left as written after Python's 10 levels instead of failing.
    expect(parseJobInfo("p.cfg", "[QMOptions]\nscript = %(script)s\n").script).toBe("%(script)s");
  });

  it("accepts E_mail in any case and a priority", () => {
    const info = parseJobInfo("p.cfg", "[QMOptions]\nE_mail = a@b.c\nscript = ./run.sh\npriority = -3\n");
    expect(info.owner).toBe("a@b.c");
    expect(info.priority).toBe(-3);
  });

  it("reads nb_gpu, in both kinds of file (default 0)", () => {
    expect(parseJobInfo("p.cfg", "[QMOptions]\nscript = x\nnb_gpu = 2\n").nbGpu).toBe(2);
    expect(parseJobInfo("job.xml", `<PARAMETER><script value="x"/><nb_gpu value="1"/></PARAMETER>`).nbGpu).toBe(1);
    expect(() => parseJobInfo("p.cfg", "[QMOptions]\nscript = x\nnb_gpu = -1\n")).toThrow(/p\.cfg: nb_gpu must be between 0 and 256 \(got -1\)/);
    expect(() => parseJobInfo("p.cfg", "[QMOptions]\nscript = x\nnb_gpu = one\n")).toThrow(/nb_gpu must be a whole number \(got "one"\)/);
  });

  it("says what to fix when script is missing", () => {
    expect(() => parseJobInfo("proc_config.cfg", "[QMOptions]\nnb_proc = 2\n")).toThrow(/no `script` entry in \[QMOptions\]/);
    expect(() => parseJobInfo("job.xml", "<PARAMETER><nb_proc value='2'/></PARAMETER>")).toThrow(/<script value=/);
  });

  it("says what to fix when the section or a number is wrong", () => {
    expect(() => parseJobInfo("proc_config.cfg", "[Options]\nscript = x\n")).toThrow(/no \[QMOptions\] section/);
    expect(() => parseJobInfo("proc_config.cfg", "[QMOptions]\nscript = x\nnb_proc = many\n")).toThrow(/nb_proc must be a whole number/);
    expect(() => parseJobInfo("proc_config.cfg", "[QMOptions]\nscript = x\nnb_proc = 0\n")).toThrow(/nb_proc must be between 1 and 4096 \(got 0\)/);
    // Beyond what the submit form takes: the same job, whether uploaded or dropped as a folder.
    expect(() => parseJobInfo("proc_config.cfg", "[QMOptions]\nscript = x\npriority = 99999999\n")).toThrow("proc_config.cfg: priority must be between -1000 and 1000 (got 99999999)");
    expect(() => parseJobInfo("proc_config.cfg", "[QMOptions]\nscript = x\nnb_proc = 100000000000000000000\n")).toThrow(/nb_proc must be between 1 and 4096/);
  });

  it("never expands XML entities: a DOCTYPE is refused", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><PARAMETER><script value="&lol2;"/></PARAMETER>`;
    expect(() => parseJobInfo("job.xml", bomb)).toThrow(/DOCTYPE or ENTITY/);
    const ext = `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><PARAMETER><script value="&xxe;"/></PARAMETER>`;
    expect(() => parseJobInfo("job.xml", ext)).toThrow(/DOCTYPE/);
  });

  it("decodes the predefined XML entities and character references", () => {
    const info = parseJobInfo("job.xml", `<PARAMETER><script value="make &amp;&amp; ./run &lt;in &gt;out &quot;x&quot; &#38;"/></PARAMETER>`);
    expect(info.script).toBe('make && ./run <in >out "x" &');
  });

  it("reports malformed XML with its line and how the file is written; an unquoted value is said plainly", () => {
    expect(() => parseJobInfo("job.xml", "<PARAMETER>\n<script value='x'>\n</PARAMETER>")).toThrow(
      /^job\.xml is not well-formed XML \(line 3: .*\); write each key as <key value="\.\.\."\/> inside <PARAMETER>/,
    );
    expect(() => parseJobInfo("job.xml", "<PARAMETER>\n<nb_proc value=12/>\n</PARAMETER>")).toThrow(`(line 2: attribute 'value' has no quoted value: write value="..." with the quotes)`);
  });
});
