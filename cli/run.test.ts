/** The qm command's own rules: usage errors, help, exit codes of jobs, credentials, tables. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveCredentials, writeCredentialsFile, credentialsFile } from "./credentials";
import { exitCodeOfJob } from "./errors";
import { parseJobInfo } from "../lib/core/job-info";
import { commandFor, hasDirectives, infoFileFor } from "./job-input";
import { type CliIo, COMMANDS, run } from "./run";
import { planBatches } from "./submit-batches";
import { table } from "./table";

function io(env: Record<string, string> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env: env as NodeJS.ProcessEnv, stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), prompt: async () => "", sleep: async () => undefined };
}

describe("qm's command line", () => {
  it("gives help for the command and for each subcommand, without touching the network", async () => {
    const a = io();
    expect(await run(["--help"], a)).toBe(0);
    for (const c of COMMANDS) expect(a.stdout[0]).toContain(`  ${c.name} `);
    for (const c of COMMANDS) {
      const b = io();
      expect(await run([c.name, "--help"], b), c.name).toBe(0);
      expect(b.stdout[0]).toMatch(new RegExp(`^qm ${c.name} `));
      expect(b.stdout[0]).toContain("--url URL");
    }
  });

  it("lines up every option's description in one column, the common options' too", async () => {
    // qm submit --help printed its own options' descriptions at column 22 and --url, --token,
    // --json and --help at column 19, one under the other.
    for (const c of COMMANDS) {
      const b = io();
      await run([c.name, "--help"], b);
      const options = b.stdout[0].split("\n").filter((l) => /^ {2}(-\w, |    )--/.test(l));
      const columns = new Set(options.map((l) => /^ {2}(?:-\w, | {4})--\S+(?: \S+)?\s+/.exec(l)![0].length));
      expect([...columns], c.name).toEqual([22]);
    }
  });

  it("exits 2 with a message on a bad command line", async () => {
    const cases: [string[], RegExp][] = [
      [[], /usage: qm <command>/],
      [["frobnicate"], /there is no command "frobnicate"/],
      [["submit"], /give the job folders, zips or scripts to queue, or --wrap COMMAND/],
      [["submit", "--name", "x", "run.sh"], /--name names a --wrap job/],
      [["submit", "--wrap", "true", "--name", "a b"], /--name takes letters, digits/],
      [["submit", "--wrap", ""], /--wrap needs a command/],
      [["submit", "-p", "-5", "run.sh"], /-p takes a value that starts with '-' \(-5\): write it joined to the option, as -p-5/],
      [["submit", "-g", "-1", "run.sh"], /-g takes a value that starts with '-' \(-1\): write it joined to the option, as -g-1/],
      [["update", "12"], /say what to change: -p N/],
      [["submit", "--array", " ", "run.sh"], /--array needs a value \(it was given an empty one\)/],
      [["submit", "--after-any", "soon", "run.sh"], /--after-any: /],
      [["update", "-p", "5000", "12"], /--priority takes a whole number from -1000 to 1000, not "5000"/],
      [["update", "--priority", "-12", "12"], /--priority takes a value that starts with '-' \(-12\): write it joined to the option, as --priority=-12/],
      [["ls", "--bogus"], /Unknown option '--bogus'/],
      [["kill", "twelve"], /"twelve" is not a job id/],
      [["show", "2147483648"], /"2147483648" is not a job id: ids go from 1 to 2147483647/],
      [["wait", "3", "--timeout", "soon"], /--timeout takes a number of seconds/],
      [["ls", "-n", "9999"], /--limit takes a whole number from 1 to 500, not "9999"/],
      [["stats", "-d", "0"], /--days takes a whole number from 1 to 366, not "0"/],
      [["stats", "--days", "1.5"], /--days takes a whole number from 1 to 366, not "1.5"/],
      [["submit", "/no/such/folder"], /no such file or folder/],
    ];
    for (const [argv, message] of cases) {
      const x = io({ QM_URL: "http://127.0.0.1:9" });
      expect(await run(argv, x), argv.join(" ")).toBe(2);
      expect(x.stderr.join("\n")).toMatch(message);
    }
  });

  it("names a missing path once", async () => {
    const x = io({ QM_URL: "http://127.0.0.1:9" });
    expect(await run(["submit", "/no/such/folder"], x)).toBe(2);
    expect(x.stderr).toEqual(["qm submit: /no/such/folder: no such file or folder"]);
  });

  it("exits 2, saying what to write, on an option value qm can check itself (before reading files or asking the server)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-cli-"));
    const script = path.join(dir, "run.sh");
    fs.writeFileSync(script, "echo hi\n");
    const cases: [string[], RegExp][] = [
      [["submit", "-p", "high", script], /--priority takes a whole number from -1000 to 1000, not "high"/],
      [["submit", "-n", "0", script], /--nb-proc takes a whole number from 1 to 4096, not "0"/],
      [["submit", "--nb-gpu=-1", script], /--nb-gpu takes a whole number from 0 to 256, not "-1"/],
      [["submit", "-e", "nobody", script], /--email: e_mail must be an address such as name@lab\.org/],
      [["submit", "--after", "12,x", script], /--after: after_ok must list job ids separated by commas, such as "12, 13"/],
      // Empty items: "," alone queued a job that waited for nothing.
      // The rule of lib/core/queue-options.ts, which the server applies to the same field.
      [["submit", "--after", ",", script], /--after: after_ok has an empty item in ","; list job ids separated by commas, such as "12, 13"/],
      [["submit", "--after", "12,,13", script], /--after: after_ok has an empty item in "12,,13"/],
      [["submit", "--after-any", "12,", script], /--after-any: after_any has an empty item in "12,"/],
      [["submit", "--array", "9-1", script], /--array: array = 9-1: the range 9-1 runs backwards; write it as "1-100"/],
      // -t 0 was "takes a number of seconds", which 0 is.
      [["wait", "-t", "0", "1"], /--timeout must be more than 0 seconds, not "0"/],
      [["wait", "-t", "soon", "1"], /--timeout takes a number of seconds, not "soon"/],
      [["submit", "-w", "--timeout=-1", script], /--timeout must be more than 0 seconds, not "-1"/],
      [["submit", "--timeout", "2", script], /--timeout goes with --wait/],
      [["ls", "-s", "bogus"], /--state takes one of queued, held, pending, running, done, .*; not "bogus"/],
    ];
    for (const [argv, message] of cases) {
      const x = io({ QM_URL: "http://127.0.0.1:9" });
      expect(await run(argv, x), argv.join(" ")).toBe(2);
      expect(x.stderr.join("\n"), argv.join(" ")).toMatch(message);
    }
    fs.rmSync(dir, { recursive: true });
  });

  it("takes --url, --token and --json before the command as after it", async () => {
    for (const argv of [["--url", "http://127.0.0.1:1", "ls"], ["--url=http://127.0.0.1:1", "--json", "ls", "-m"], ["--token", "qm_x", "--url", "http://127.0.0.1:1", "show", "3"]]) {
      const x = io({ QM_URL: "http://127.0.0.1:9" });
      expect(await run(argv, x), argv.join(" ")).toBe(3);
      expect(x.stderr[0]).toMatch(/cannot reach QueueManager at http:\/\/127\.0\.0\.1:1 /);
    }
    const other = io();
    expect(await run(["-n", "5", "ls"], other)).toBe(2);
    expect(other.stderr[0]).toBe("qm: options other than --url, --token and --json come after the command: qm <command> -n");
    const alone = io();
    expect(await run(["--url", "http://127.0.0.1:1"], alone)).toBe(2);
    expect(alone.stderr[0]).toMatch(/usage: qm <command>/);
  });

  it("exits 3 when QueueManager cannot be reached", async () => {
    const x = io({ QM_URL: "http://127.0.0.1:9" });
    expect(await run(["ls"], x)).toBe(3);
    expect(x.stderr[0]).toMatch(/cannot reach QueueManager at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  });
});

describe("qm wait's exit code", () => {
  it("is the job's code, 128 + a signal, or 125 without one", () => {
    expect(exitCodeOfJob({ state: "done", exitCode: 0, signal: null })).toBe(0);
    expect(exitCodeOfJob({ state: "failed", exitCode: 3, signal: null })).toBe(3);
    expect(exitCodeOfJob({ state: "killed", exitCode: null, signal: "SIGKILL" })).toBe(137);
    expect(exitCodeOfJob({ state: "killed", exitCode: null, signal: "SIGTERM" })).toBe(143);
    expect(exitCodeOfJob({ state: "lost", exitCode: null, signal: null })).toBe(125);
    expect(exitCodeOfJob({ state: "done", exitCode: null, signal: null })).toBe(0); // imported from QM 0.4 without a code
  });
});

describe("where qm finds QueueManager", () => {
  it("takes the flags, then QM_URL / QM_TOKEN, then qm login's file (its token only for its own URL)", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "qm-cli-"));
    const env = { HOME: home } as unknown as NodeJS.ProcessEnv;
    expect(resolveCredentials(env, {})).toEqual({ url: "http://localhost:8000", token: undefined });
    writeCredentialsFile(credentialsFile(env), { url: "https://qm.lab.org/", token: "qm_saved" });
    expect((fs.statSync(credentialsFile(env)).mode & 0o777).toString(8)).toBe("600");
    expect(resolveCredentials(env, {})).toEqual({ url: "https://qm.lab.org", token: "qm_saved" });
    expect(resolveCredentials({ ...env, QM_URL: "http://other:8000" }, {})).toEqual({ url: "http://other:8000", token: undefined });
    expect(resolveCredentials({ ...env, QM_TOKEN: "qm_env" }, { url: "https://qm.lab.org" })).toEqual({ url: "https://qm.lab.org", token: "qm_env" });
    expect(resolveCredentials(env, { token: "qm_flag" }).token).toBe("qm_flag");
    fs.rmSync(home, { recursive: true });
  });

  it("trims a token's spaces and line end, and knows the server however its address is written", () => {
    // QM_TOKEN="$T<newline>" failed with 'Invalid character in header content ["authorization"]'.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "qm-cli-"));
    const env = { HOME: home } as unknown as NodeJS.ProcessEnv;
    expect(resolveCredentials({ ...env, QM_TOKEN: "qm_env\n" }, {}).token).toBe("qm_env");
    expect(resolveCredentials(env, { token: " qm_flag\r\n" }).token).toBe("qm_flag");
    // After qm login http://localhost:8101, QM_URL=http://LOCALHOST:8101 was anonymous.
    writeCredentialsFile(credentialsFile(env), { url: "http://localhost:8101", token: "qm_saved\n" });
    expect(resolveCredentials({ ...env, QM_URL: "http://LOCALHOST:8101/" }, {}).token).toBe("qm_saved");
    expect(resolveCredentials({ ...env, QM_URL: "http://localhost:8102" }, {}).token).toBeUndefined();
    fs.rmSync(home, { recursive: true });
  });

  it("says so on stderr, naming the file, when qm login's file cannot be read, rather than acting as a visitor without a word", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "qm-cli-"));
    const file = credentialsFile({ HOME: home } as unknown as NodeJS.ProcessEnv);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "{bad json");
    const x = io({ HOME: home, QM_URL: "http://127.0.0.1:9" });
    expect(await run(["whoami"], x)).toBe(3);
    expect(x.stderr[0]).toMatch(new RegExp(`^qm: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not JSON \\(.+\\); it is left out: delete it and run qm login again$`));
    // QM_URL and QM_TOKEN both given: the file is not needed, and not complained of.
    const both = io({ HOME: home, QM_URL: "http://127.0.0.1:9", QM_TOKEN: "qm_x" });
    await run(["whoami"], both);
    expect(both.stderr.join("\n")).not.toContain(file);
    fs.rmSync(home, { recursive: true });
  });

  it("qm login refuses an empty user name before asking the server", async () => {
    const x = io({ QM_URL: "http://127.0.0.1:9" });
    expect(await run(["login"], x)).toBe(2);
    expect(x.stderr).toEqual(["qm login: no user name given; type yours at the prompt, or give --user NAME"]);
  });
});

describe("qm login to a server that does not answer", () => {
  it("says so before the password is asked, with advice for qm login itself", async () => {
    const x = io({ QM_URL: "http://127.0.0.1:9" });
    const asked: string[] = [];
    x.prompt = async (question) => (asked.push(question), "");
    expect(await run(["login", "--user", "ann"], x)).toBe(3);
    expect(asked).toEqual([]);
    expect(x.stderr.join("\n")).toMatch(/cannot reach QueueManager at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\); check the address given to qm login \(or QM_URL\) and that QueueManager runs there/);
  });
});

describe("a server address that is not a URL", () => {
  it("is a usage error naming the address and the form to write, before any password is asked", async () => {
    for (const [argv, env] of [[["ls"], { QM_URL: "localhost:8000" }], [["--url", "qm.lab.org", "show", "3"], {}], [["login", "http://localhost:8000:1"], {}]] as const) {
      const x = io(env);
      let asked = false;
      x.prompt = async () => ((asked = true), "");
      expect(await run([...argv], x), argv.join(" ")).toBe(2);
      expect(x.stderr.join("\n"), argv.join(" ")).toMatch(/is not the address of a QueueManager; write it as http:\/\/host:port or https:\/\/host/);
      expect(asked).toBe(false);
    }
  });
});

describe("a lone script as a job", () => {
  it("runs with sh, python3, or itself, and gets an info file in the server's format", () => {
    expect(commandFor("run.sh", Buffer.from("echo hi"), false)).toBe("sh run.sh");
    expect(commandFor("fit.py", Buffer.from("print(1)"), false)).toBe("python3 fit.py");
    expect(commandFor("tool", Buffer.from("#!/usr/bin/env perl\n"), true)).toBe("./tool");
    expect(commandFor("my run.sh", Buffer.from(""), false)).toBe("sh 'my run.sh'");
    expect(infoFileFor("proc_config.cfg", "sh run.sh")).toBe("[QMOptions]\nscript : sh run.sh\n");
    expect(hasDirectives(Buffer.from("#!/bin/sh\n\n# my fit\n#QM nb_proc=4\necho\n"))).toBe(true);
    expect(hasDirectives(Buffer.from("#!/bin/sh\necho start\n#QM nb_proc=4\n"))).toBe(false);
    expect(hasDirectives(Buffer.from("#QMX not one\necho\n"))).toBe(false);
    // A % in the command reads back as written (the server interpolates .cfg values as Python did).
    expect(parseJobInfo("proc_config.cfg", infoFileFor("proc_config.cfg", "sh '100%%_50%.sh'")).script).toBe("sh '100%%_50%.sh'");
    expect(infoFileFor("job.xml", 'python3 "a&b".py')).toBe('<PARAMETER>\n    <script value="python3 &quot;a&amp;b&quot;.py"/>\n</PARAMETER>\n');
  });
});

describe("tables", () => {
  it("pads columns to the widest cell and shows missing values as -", () => {
    expect(table(["ID", "NAME", "EXIT"], [[1, "fit", 0], [12, "a longer name", null]])).toBe("ID  NAME           EXIT\n1   fit            0\n12  a longer name  -");
  });
});

describe("qm submit's batches", () => {
  const items = (sizes: number[]) => sizes.map((size, index) => ({ index, upload: { fileName: `${index}.zip`, zip: Buffer.alloc(size), notes: [] } }));
  const shape = (batches: { index: number }[][]) => batches.map((b) => b.map((i) => i.index));

  it("sends 25 small zips per request, in order", () => {
    expect(shape(planBatches(items(Array(100).fill(300)))).map((b) => b.length)).toEqual([25, 25, 25, 25]);
    expect(shape(planBatches(items(Array(130).fill(300)))).map((b) => b.length)).toEqual([25, 25, 25, 25, 25, 5]);
    expect(shape(planBatches(items(Array(10).fill(300))))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    expect(shape(planBatches(items([300])))).toEqual([[0]]);
  });

  it("keeps a request under 8 MB unless one zip alone is larger", () => {
    const mb = 1024 * 1024;
    expect(shape(planBatches(items([5 * mb, 5 * mb, 20 * mb, 1 * mb, 1 * mb, 1 * mb, 1 * mb, 1 * mb])))).toEqual([[0], [1], [2], [3, 4, 5, 6, 7]]);
  });
});
