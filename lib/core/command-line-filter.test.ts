import { describe, expect, it } from "vitest";
import { HIDDEN_COMMAND_LINE, HIDDEN_RUNS_AS_LINE, createCommandLineFilter, createDetailsFilter } from "./command-line-filter";
import { COMMAND_LINE_PREFIX, logHeader, runsAsNote } from "./job-log";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Run the filter over `text` cut into pieces of `size` bytes. */
function filtered(text: string, size: number, filter = createCommandLineFilter(COMMAND_LINE_PREFIX)): string {
  const bytes = enc(text);
  let out = "";
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(filter.push(bytes.subarray(i, i + size)));
  parts.push(filter.end());
  for (const p of parts) out += dec(p);
  return out;
}

describe("the command-line filter", () => {
  const header = logHeader({ jobId: 7, name: "nmr", host: "lab1", script: "python fit.py --secret-sample S42", requested: 1, granted: 1, maxNbProcessors: 2, at: new Date(0) });
  const log = `${header}processing 1 / 2\n=== not a command\n==== command: lookalike\n${header}done\n`;

  it("replaces every command line of the log header and keeps everything else, whatever the chunking", () => {
    const expected = log.replaceAll("=== command: python fit.py --secret-sample S42\n", HIDDEN_COMMAND_LINE);
    for (const size of [1, 2, 3, 5, 7, 13, 64, 100_000]) {
      const out = filtered(log, size);
      expect(out, `chunks of ${size}`).toBe(expected);
      expect(out).not.toContain("S42");
    }
  });

  it("hides a command line that the text ends in the middle of, and keeps a lone start of a line", () => {
    expect(filtered("a\n=== command: secret without end", 4)).toBe(`a\n${HIDDEN_COMMAND_LINE}`);
    expect(filtered("a\n=== comm", 3)).toBe("a\n=== comm");
    expect(filtered("", 3)).toBe("");
  });
});

describe("the details filter (Display_details off)", () => {
  it("hides the command and the account a run runs as (its owner's own under Run_As), whatever the chunking", () => {
    // Before, only the command was hidden: "=== runs as ann (uid 1001)" named the owner.
    const header = logHeader({ jobId: 7, name: "nmr", host: "lab1", script: "python fit.py S42", requested: 1, granted: 1, maxNbProcessors: 2, at: new Date(0), notes: ["CPUs: 0", runsAsNote("ann", 1001)] });
    const log = `${header}=== runs as ann, said the job\nprocessing 1 / 2\n${header}done\n`;
    const expected = log
      .replaceAll("=== command: python fit.py S42\n", HIDDEN_COMMAND_LINE)
      .replaceAll("=== runs as ann (uid 1001)\n", HIDDEN_RUNS_AS_LINE)
      .replace("=== runs as ann, said the job\n", HIDDEN_RUNS_AS_LINE);
    for (const size of [1, 2, 3, 5, 7, 13, 64, 100_000]) {
      const out = filtered(log, size, createDetailsFilter());
      expect(out, `chunks of ${size}`).toBe(expected);
      expect(out).not.toMatch(/S42|ann|1001/);
    }
    expect(filtered("a\n=== runs as ann (uid", 4, createDetailsFilter())).toBe(`a\n${HIDDEN_RUNS_AS_LINE}`);
    expect(filtered("a\n=== run", 4, createDetailsFilter())).toBe("a\n=== run");
  });
});

