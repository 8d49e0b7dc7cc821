import { describe, expect, it } from "vitest";
import { isAppError } from "./app-error";
import { parseScriptJob, readDirectives, scriptCommand, shellQuote } from "./job-directives";
import { applyDirectiveOverrides } from "./job-info-overrides";

const script = (...lines: string[]) => `${lines.join("\n")}\n`;

describe("readDirectives: what counts as a directive", () => {
  it.each<[string, string, Record<string, string> | null]>([
    ["key=value after a shebang", script("#!/bin/bash", "#QM nb_proc=2", "echo hi"), { nb_proc: "2" }],
    ["key : value, ConfigParser style", script("#QM nb_proc : 3", "#QM e_mail : ann@lab.org"), { nb_proc: "3", e_mail: "ann@lab.org" }],
    ["no shebang, tabs, spaces around =", script("#QM\tinfo = a fit  ", "#QM mem=4G"), { info: "a fit", mem: "4G" }],
    ["keys are case-insensitive", script("#QM NB_PROC=4"), { nb_proc: "4" }],
    ["a value keeps = and : after the first separator", script("#QM info=x=1: y"), { info: "x=1: y" }],
    ["quoted values lose their quotes", script(`#QM info="two words"`, "#QM custom='k v'"), { info: "two words", custom: "k v" }],
    ["blank lines and comments inside the block", script("#!/bin/sh", "", "# a comment", "   # indented comment", "#QM walltime=1:00:00"), { walltime: "1:00:00" }],
    ["#QM after the first command is ignored, as #SBATCH is", script("#QM nb_proc=2", "echo start", "#QM nb_proc=8"), { nb_proc: "2" }],
    ["#QMfoo and # QM are comments, not directives", script("#QMfoo=1", "# QM nb_proc=2", "true"), null],
    ["no directive at all", script("#!/bin/sh", "echo hi"), null],
    ["a shebang only on line 1", script("", "#!/bin/sh", "#QM nb_proc=2"), { nb_proc: "2" }],
    ["CRLF line ends", "#!/bin/sh\r\n#QM nb_proc=2\r\necho hi\r\n", { nb_proc: "2" }],
  ])("%s", (_what, text, params) => {
    expect(readDirectives("run.sh", text)?.params ?? null).toEqual(params);
  });

  it("keeps the shebang, to run the script through it", () => {
    expect(readDirectives("fit.py", script("#!/usr/bin/env python3", "#QM nb_proc=2", "print(1)"))?.shebang).toBe("#!/usr/bin/env python3");
    expect(readDirectives("run.sh", script("#QM nb_proc=2"))?.shebang).toBeNull();
  });
});

describe("malformed directives: a clear message that names the line and what to write", () => {
  it.each([
    // The user's own key and value, not another ("#QM nb_proc 2" was told to write nb_proc=4).
    ["no separator", script("#!/bin/sh", "#QM nb_proc 2"), /run\.sh line 2: "#QM nb_proc 2" has no "=" or ":"; write it as "#QM nb_proc=2" or "#QM nb_proc : 2"$/],
    ["no separator nor value", script("#QM hold"), /line 1: "#QM hold" has no "=" or ":"; write it as "#QM hold=<value>"/],
    ["empty directive", script("#QM"), /run\.sh line 1: "#QM" has no key and value/],
    ["no value", script("#QM mem="), /run\.sh line 1: mem has no value; write "#QM mem=<value>"/],
    ["no key", script("#QM =4"), /line 1: "" is not a key/],
    ["a bad key", script("#QM nb proc=3"), /line 1: "nb proc" is not a key \(letters, digits and _ \. -\); write it as "#QM nb_proc=3"/],
    ["twice the same key", script("#QM nb_proc=2", "#QM NB_PROC=3"), /line 2: nb_proc is already given on line 1/],
    ["script is not a directive", script("#QM script=python x.py"), /remove "#QM script"/],
    ["nb_proc not a number", script("#QM info=x", "#QM nb_proc=two"), /run\.sh line 2: nb_proc must be a whole number \(got "two"\)/],
    ["nb_proc zero", script("#QM nb_proc=0"), /run\.sh line 1: nb_proc must be between 1 and 4096 \(got 0\)/],
    ["bad walltime", script("#QM walltime=2h"), /run\.sh line 1: walltime must be MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS/],
    ["bad mem", script("#QM mem=lots"), /run\.sh line 1: mem must be a size such as 512M, 4G/],
  ])("%s", (_what, text, message) => {
    let caught: unknown;
    try {
      parseScriptJob("run.sh", text);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code).toBe("INVALID_INPUT");
    expect((caught as Error).message).toMatch(message);
  });
});

describe("every bad line of a script is told at once, in line order", () => {
  it("malformed lines, a key given twice and values an info file would refuse", () => {
    const text = script("#!/bin/sh", "#QM nb_proc 2", "#QM mem=lots", "#QM info=fine", "#QM walltime 1:00:00", "#QM info=again", "#QM nb_gpu=-1", "echo hi");
    let message = "";
    try {
      parseScriptJob("run.sh", text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split(";\n")).toEqual([
      'run.sh line 2: "#QM nb_proc 2" has no "=" or ":"; write it as "#QM nb_proc=2" or "#QM nb_proc : 2"',
      expect.stringMatching(/^run\.sh line 3: mem must be a size such as 512M, 4G/),
      'run.sh line 5: "#QM walltime 1:00:00" has no "=" or ":" after its key; write it as "#QM walltime=1:00:00" or "#QM walltime : 1:00:00"',
      'run.sh line 6: info is already given on line 4; keep one "#QM info=..." line',
      expect.stringMatching(/^run\.sh line 7: nb_gpu must be /),
    ]);
    expect(() => readDirectives("run.sh", text)).toThrow(/line 2: .*;\nrun\.sh line 5: .*;\nrun\.sh line 6: /s);
  });
});

describe("parseScriptJob: the same structure as an info file", () => {
  it("reads every key an info file knows plus walltime and mem", () => {
    const info = parseScriptJob(
      "fit.sh",
      script("#!/bin/bash", "#QM nb_proc=4", "#QM nb_gpu=2", "#QM e-mail=ann@lab.org", "#QM info=NMR fit", "#QM priority=-2", "#QM walltime=1-00:00:00", "#QM mem=512M", "#QM dataset=a17", "make fit"),
    );
    expect(info).toMatchObject({
      script: "./fit.sh", nbProc: 4, nbGpu: 2, owner: "ann@lab.org", info: "NMR fit", priority: -2, walltimeSeconds: 86_400, memMb: 512, shebang: "#!/bin/bash",
    });
    expect(info?.params.dataset).toBe("a17");
  });

  it("runs a script without a shebang with /bin/sh, and quotes odd names", () => {
    expect(parseScriptJob("run.sh", script("#QM nb_proc=1", "echo"))?.script).toBe("/bin/sh ./run.sh");
    expect(parseScriptJob("sweep.py", script("#QM nb_proc=1", "print(1)"))?.script).toBe("python3 ./sweep.py");
    expect(scriptCommand("fit.py", "#!/usr/bin/env python3")).toBe("./fit.py");
    expect(scriptCommand("my run's.sh", "#!/bin/sh")).toBe(`'./my run'\\''s.sh'`);
    expect(shellQuote("./a-b_c.d+1")).toBe("./a-b_c.d+1");
  });
});

describe("applyDirectiveOverrides: the submit form's values written as #QM lines", () => {
  it("rewrites a directive in place and adds new ones after the last, leaving the rest alone", () => {
    const text = script("#!/bin/sh", "#QM nb_proc=1", "#QM e-mail=old@lab.org", "# note", "echo $NB_PROC");
    const out = applyDirectiveOverrides("run.sh", text, { nb_proc: 2, e_mail: "new@lab.org", info: "from the form" });
    expect(out).toBe(script("#!/bin/sh", "#QM nb_proc=2", "#QM e-mail=new@lab.org", "#QM info=from the form", "# note", "echo $NB_PROC"));
    expect(parseScriptJob("run.sh", out)).toMatchObject({ nbProc: 2, owner: "new@lab.org", info: "from the form" });
  });

  it("keeps CRLF line ends and leaves a script untouched when nothing is given", () => {
    const text = "#QM nb_proc=1\r\necho\r\n";
    expect(applyDirectiveOverrides("run.sh", text, {})).toBe(text);
    expect(applyDirectiveOverrides("run.sh", text, { priority: 5 })).toBe("#QM nb_proc=1\r\n#QM priority=5\r\necho\r\n");
  });
});
