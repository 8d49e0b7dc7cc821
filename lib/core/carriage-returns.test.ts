import { describe, expect, it } from "vitest";
import { appendTerminalText, applyCarriageReturns, withoutPendingReturn, withoutTerminalCodes } from "./carriage-returns";

const BAR = ["  0%|          | 0/20", " 45%|####      | 9/20", "100%|##########| 20/20"];

describe("applyCarriageReturns: a log shown as the terminal showed it", () => {
  it("shows a finished progress bar as its last state, on one line", () => {
    expect(applyCarriageReturns(`fitting\n${BAR.join("\r")}\nfit done\n`)).toBe(`fitting\n${BAR[2]}\nfit done\n`);
    // tqdm starts with a carriage return and ends its bar with one before the newline.
    expect(applyCarriageReturns(`\r${BAR.join("\r")}\r\n`)).toBe(`${BAR[2]}\n`);
  });

  it("keeps CRLF lines and text without carriage returns as they are", () => {
    expect(applyCarriageReturns("a\r\nb\r\n")).toBe("a\nb\n");
    expect(applyCarriageReturns("plain\nlines\n")).toBe("plain\nlines\n");
  });

  it("shows a bar being repainted at its latest state, and what comes next replaces it", () => {
    const live = applyCarriageReturns(`start\n${BAR[0]}\r${BAR[1]}\r`);
    expect(withoutPendingReturn(live)).toBe(`start\n${BAR[1]}`);
    expect(withoutPendingReturn(appendTerminalText(live, `${BAR[2]}\r\ndone\n`))).toBe(`start\n${BAR[2]}\ndone\n`);
  });

  it("gives the same text whatever the chunks the log came in (a poll may end anywhere after a line end)", () => {
    const log = `a\r\nstep\r${BAR.join("\r")}\r\nok\n${BAR[0]}\r${BAR[1]}\r`;
    const whole = applyCarriageReturns(log);
    for (let cut = 0; cut <= log.length; cut++) {
      for (const second of [cut, Math.min(log.length, cut + 7)]) {
        const shown = appendTerminalText(appendTerminalText(applyCarriageReturns(log.slice(0, cut)), log.slice(cut, second)), log.slice(second));
        expect(shown, `cut at ${cut}, ${second}`).toBe(whole);
      }
    }
  });
});

describe("withoutTerminalCodes", () => {
  it("leaves out colours, cursor moves, titles and links, and a sequence cut off at the end, keeping the text", () => {
    const shown: [string, string][] = [
      ["\x1b[31mred\x1b[0m ok", "red ok"],
      ["a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ b", "alink b"],
      ["bar\x1b[K\x1b[2A", "bar"],
      ["title \x1b]0;hello\x07 done", "title  done"],
      ["cut \x1b[3", "cut "],
      ["plain text, [31m not an escape", "plain text, [31m not an escape"],
    ];
    expect(shown.map(([written]) => withoutTerminalCodes(written))).toEqual(shown.map(([, text]) => text));
  });
});
