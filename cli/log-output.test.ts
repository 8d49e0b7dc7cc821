import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { logOutput } from "./log-output";

const BAR = ["  0%|          | 0/20", " 45%|####      | 9/20", "100%|##########| 20/20"];
/** What a tqdm-driven job writes: it starts its bar with a carriage return and ends it with one before the newline. */
const LOG = `fitting\n\r${BAR.join("\r")}\r\nfit done\r\n`;

/** qm's standard output redirected to a file: what it holds (each `out` is followed by a newline, as in cli/main.ts). */
function file() {
  const written = { text: "" };
  return { written, output: logOutput({ out: (text) => (written.text += `${text}\n`) }) };
}

/** qm's standard output on a terminal: the bytes written to it. */
function terminal() {
  let written = "";
  const rawOut = Object.assign(new Writable({ write: (chunk, _encoding, done) => ((written += String(chunk)), done()) }), { isTTY: true });
  const output = logOutput({ out: () => expect.unreachable("a terminal gets the text as it is, not by lines"), rawOut });
  return { output, written: () => new Promise<string>((resolve) => setImmediate(() => resolve(written))) };
}

describe("qm log's output of process.log, as it comes in pieces", () => {
  it("redirected, writes each line once it has ended, as its last repaint, however the pieces are cut", () => {
    for (let cut = 0; cut <= LOG.length; cut++) {
      for (const second of [cut, Math.min(LOG.length, cut + 5)]) {
        const { written, output } = file();
        for (const piece of [LOG.slice(0, cut), LOG.slice(cut, second), LOG.slice(second)]) output.write(piece);
        output.end();
        expect(written.text, `cut at ${cut}, ${second}`).toBe(`fitting\n${BAR[2]}\nfit done\n`);
      }
    }
  });

  it("redirected, holds a line being repainted until it ends; one that never ends is written at the end as last shown", () => {
    const { written, output } = file();
    output.write(`start\n${BAR[0]}\r`);
    output.write(`${BAR[1]}\r`);
    output.beforeNote(); // a note on standard error does not cut the line in two
    expect(written.text).toBe("start\n");
    output.end(); // the job was killed mid-bar
    expect(written.text).toBe(`start\n${BAR[1]}\n`);
    output.write("\r"); // nothing left to show: no empty line
    output.end();
    expect(written.text).toBe(`start\n${BAR[1]}\n`);
  });

  it("on a terminal, writes the text as it is, carriage returns included, so that the bar repaints in place", async () => {
    const t = terminal();
    t.output.write(LOG.slice(0, 20));
    t.output.write(LOG.slice(20));
    t.output.end(); // the last line had ended: no empty line
    expect(await t.written()).toBe(LOG);
  });

  it("on a terminal, ends an unfinished line before a note or the prompt, and escapes other control characters", async () => {
    const t = terminal();
    t.output.write(`${BAR[0]}\r${BAR[1]}\r`);
    t.output.beforeNote();
    t.output.write(`${BAR[2]}\u001b[2J\r\n`);
    t.output.write("no newline");
    t.output.end();
    expect(await t.written()).toBe(`${BAR[0]}\r${BAR[1]}\r\n${BAR[2]}\\u001b[2J\r\nno newline\n`);
  });
});
