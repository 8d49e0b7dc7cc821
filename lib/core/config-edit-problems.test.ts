import { describe, expect, it } from "vitest";
import { parseIni } from "./config-parser";
import { configEditProblems } from "./config-edit-problems";
import { parseUidRange } from "./job-uids";
import { readQmConfig } from "./qm-config";
import { parseRunAs } from "./run-as";

const TWO_CPUS = { cpus: [0, 1], addresses: ["10.0.0.5", "fe80::1"] };
const config = (lines: string) => readQmConfig(parseIni(`[QMServer]\nQM_FOLDER = /srv/qm\n${lines}\n`), (p) => p);
const problems = (lines: string, machine = TWO_CPUS) => configEditProblems(config(lines), machine);

describe("Job_Uids (read by the worker when it starts)", () => {
  it("takes a range of uids of 1000 or more, lower first", () => {
    expect(parseUidRange("61000-61999")).toEqual([61000, 61999]);
    expect(parseUidRange(" 2000 - 2000 ")).toEqual([2000, 2000]);
  });

  it.each([
    ["0-10", /of 1000 or more, like 61000-61999 \(got "0-10"\)/],
    ["5-1", /of 1000 or more/],
    ["62000-61000", /lower uid first, like 61000-61999/],
    ["abc", /a range of uids, first-last, like 61000-61999 \(got "abc"\)/],
    ["", /a range of uids, first-last/],
    ["61000", /a range of uids, first-last/],
    ["61000-5000000000", /end at 4000000000 or less/],
  ])("refuses %j, saying what to write", (text, message) => {
    expect(() => parseUidRange(text)).toThrow(message);
    expect(problems(`Job_Uids = ${text}`)).toEqual([{ keys: ["QMServer.Job_Uids"], message: expect.stringMatching(message) }]);
  });
});

describe("Run_As (read by the worker when it starts)", () => {
  it("takes owner=account pairs, e-mails in lower case, user names as written", () => {
    expect(parseRunAs("Ann=ann, Bob@Lab.org = bob2,")).toEqual(new Map([["Ann", "ann"], ["bob@lab.org", "bob2"]]));
    expect(parseRunAs("")).toEqual(new Map());
  });

  it.each(["garbage", "ann=ann, bob", "=root"])("refuses %j, saying how entries are written", (text) => {
    expect(problems(`Run_As = ${text}`)).toEqual([{ keys: ["QMServer.Run_As"], message: expect.stringMatching(/^Run_As entries are owner=account, separated by commas, like ann=ann/) }]);
  });
});

describe("CPU_List: CPUs of this machine", () => {
  it("accepts CPUs QueueManager may use, or none listed (all)", () => {
    expect(problems("CPU_List = 0-1")).toEqual([]);
    expect(problems("CPU_List = 1")).toEqual([]);
    expect(problems("CPU_List =")).toEqual([]);
  });

  it("refuses CPUs the machine lacks, naming them and the ones it has", () => {
    expect(problems("CPU_List = 5-7")).toEqual([{
      keys: ["QMServer.CPU_List"],
      message: "CPU_List names CPU 5-7, which this machine does not have or does not let QueueManager use (it may use 0-1); list CPUs within 0-1, or leave CPU_List empty for all of them",
    }]);
    expect(problems("CPU_List = 0,2", { ...TWO_CPUS, cpus: [0, 1, 4] })[0].message).toMatch(/^CPU_List names CPU 2, .*it may use 0-1,4/);
  });
});

describe("defaults and their maximums", () => {
  it("accepts a default at or below its maximum, or either alone", () => {
    expect(problems("Default_Mem = 4G\nMax_Mem = 4096M\nDefault_Walltime = 1:00:00\nMax_Walltime = 2-00:00:00")).toEqual([]);
    expect(problems("Default_Mem = 64G\nDefault_Walltime = 99:99:99")).toEqual([]);
  });

  it("refuses Default_Mem above Max_Mem, on both keys", () => {
    expect(problems("Default_Mem = 8G\nMax_Mem = 512M")).toEqual([{
      keys: ["QMServer.Default_Mem", "QMServer.Max_Mem"],
      message: "Default_Mem (8G) is more than Max_Mem (512M): lower Default_Mem or raise Max_Mem",
    }]);
  });

  it("refuses Default_Walltime longer than Max_Walltime, on both keys", () => {
    expect(problems("Default_Walltime = 2-00:00:00\nMax_Walltime = 12:00:00")).toEqual([{
      keys: ["QMServer.Default_Walltime", "QMServer.Max_Walltime"],
      message: "Default_Walltime (2-00:00:00) is longer than Max_Walltime (12:00:00): shorten Default_Walltime or lengthen Max_Walltime",
    }]);
  });
});

it("finds nothing in the default settings", () => {
  expect(problems("")).toEqual([]);
});

describe("Host (read by the web server when it starts)", () => {
  it.each(["localhost", "0.0.0.0", "::", "127.0.0.1", "127.0.1.1", "::1", "10.0.0.5", "fe80::1", "qm.lab.example.org", "node-2"])("takes %j", (host) => {
    expect(problems(`[WEB_QMserver]\nHost = ${host}`)).toEqual([]);
  });

  it.each([
    ["bad host!", /^Host must be a name of this machine \(letters, digits, - and \.\) or one of its addresses, or 0\.0\.0\.0 for every network \(got "bad host!"\)/],
    ["-lead.example", /^Host must be a name of this machine/],
    ["10.0.0.6", /^Host = 10\.0\.0\.6 is not an address of this machine \(it has 10\.0\.0\.5, fe80::1\); the web server could not start on it/],
    ["2001:db8::7", /^Host = 2001:db8::7 is not an address of this machine/],
  ])("refuses %j, saying what to write", (host, message) => {
    expect(problems(`[WEB_QMserver]\nHost = ${host}`)).toEqual([{ keys: ["WEB_QMserver.Host"], message: expect.stringMatching(message) }]);
  });
});
